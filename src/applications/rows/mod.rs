//! The stored rows, one file per table, each with its reads and writes.

pub mod application;
pub mod approval;
pub mod attachment;
pub mod event;
pub mod reference;
pub mod revision;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use crate::error::{AppError, AppResult};

pub use application::{get_visible, ApplicationRow};
pub use attachment::{
    get_attachment, list_attachments, referenced_objects, sha_referenced, AttachmentRow,
};
pub use event::{insert_event, EventRow, NewEvent};
pub use revision::{get_revision, insert_revision, stored_spec, NewRevision, RevisionRow, Upload};

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}
