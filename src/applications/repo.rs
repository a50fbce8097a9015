//! The storage entry points in one place, for callers outside the module (the HTTP layer, the
//! file sweeper).

pub use super::commands::revise::{load, new_spec, Loaded};
pub use super::commands::submit::{create, find_by_idempotency_key, Created};
pub use super::commands::transition::{apply_transition, TransitionInput, TransitionResult};
pub use super::queries::detail::{detail, AttachmentView, Detail, EventView, Person, RevisionView};
pub use super::queries::export::export_csv;
pub use super::queries::keyset::Cursor;
pub use super::queries::list::{explain, list, AssigneeFilter, ListFilter, ListItem, Page, Sort};
pub use super::queries::summary::{summary, Summary};
pub use super::rows::{
    get_attachment, get_revision, get_visible, list_attachments, referenced_objects,
    sha_referenced, stored_spec, utc, ApplicationRow, AttachmentRow, EventRow, NewRevision,
    RevisionRow, Upload,
};
