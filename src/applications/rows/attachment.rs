//! `attachments`: the design images of each revision.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::attachments;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub application_id: String,
    pub revision: i32,
    /// Order of upload within the revision.
    pub position: i32,
    pub sha256: String,
    pub content_type: String,
    pub original_name: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub created_at: NaiveDateTime,
}

pub fn list_attachments(
    conn: &mut DbConn,
    app_id: &str,
    revision: Option<i32>,
) -> AppResult<Vec<AttachmentRow>> {
    let mut q = attachments::table
        .filter(attachments::application_id.eq(app_id))
        .select(AttachmentRow::as_select())
        .order((attachments::revision, attachments::position))
        .into_boxed();
    if let Some(n) = revision {
        q = q.filter(attachments::revision.eq(n));
    }
    Ok(q.load(conn)?)
}

pub fn get_attachment(
    conn: &mut DbConn,
    app_id: &str,
    attachment_id: &str,
) -> AppResult<AttachmentRow> {
    attachments::table
        .filter(attachments::application_id.eq(app_id))
        .filter(attachments::id.eq(attachment_id))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

/// Whether any attachment row references a content hash (asked by the file sweeper).
pub fn sha_referenced(conn: &mut DbConn, sha: &str) -> AppResult<bool> {
    let n: i64 = attachments::table
        .filter(attachments::sha256.eq(sha))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Every distinct `(sha256, content_type)` the attachment rows reference (`storage check`).
pub fn referenced_objects(conn: &mut DbConn) -> AppResult<Vec<(String, String)>> {
    Ok(attachments::table
        .select((attachments::sha256, attachments::content_type))
        .distinct()
        .order((attachments::sha256, attachments::content_type))
        .load(conn)?)
}

/// Inserts rows one at a time: batch inserts are not portable across both backends.
pub(crate) fn insert_all(conn: &mut DbConn, rows: &[AttachmentRow]) -> AppResult<()> {
    for row in rows {
        diesel::insert_into(attachments::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}
