//! Why a transition did not happen, in domain terms; `http` turns it into an answer.

use super::states::{Action, Status};
use super::workflow::Guard;
use crate::error::AppError;

#[derive(Debug)]
pub enum TransitionError {
    /// The role may never take this action.
    Role,
    /// The decision was taken on an outdated version.
    VersionConflict { current: i32 },
    /// The role may take the action, but not from this state.
    Illegal { from: Status, action: Action },
    /// A guard of the move does not hold.
    Blocked(Guard),
    /// Not about the move: the application is not there, the database failed, the request's
    /// content is invalid.
    Other(AppError),
}

impl From<AppError> for TransitionError {
    fn from(e: AppError) -> Self {
        TransitionError::Other(e)
    }
}

impl From<diesel::result::Error> for TransitionError {
    fn from(e: diesel::result::Error) -> Self {
        TransitionError::Other(e.into())
    }
}
