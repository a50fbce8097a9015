//! The answer to a refused transition: each refusal's code and status in this one place.

use crate::applications::TransitionError;
use crate::error::{AppError, ErrorCode};

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Role => AppError::forbidden(),
            TransitionError::VersionConflict { current } => AppError::explained(
                ErrorCode::VersionConflict,
                "该申请刚刚已被他人处理，请刷新后查看最新状态",
            )
            .with_details(serde_json::json!({"current_version": current})),
            TransitionError::Illegal { from, action } => AppError::explained(
                ErrorCode::IllegalTransition,
                format!("申请当前状态为“{}”，不能{}", from.label(), action.label()),
            )
            .with_details(serde_json::json!({"status": from, "action": action})),
            TransitionError::Blocked(guard) => AppError::explained(guard.code(), guard.message()),
            TransitionError::Other(e) => e,
        }
    }
}
