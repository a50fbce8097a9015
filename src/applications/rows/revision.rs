//! `revisions`: the immutable versions of a sign, with their check.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::attachment::{insert_all, list_attachments, AttachmentRow};
use super::to_json;
use crate::auth::User;
use crate::db::schema::revisions;
use crate::db::DbConn;
use crate::engine::Evaluation;
use crate::error::{AppError, AppResult};
use crate::rules::ValidSpec;
use crate::spec::{Finding, Layout, SignSpec, Verdict};
use crate::storage::DesignImage;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub application_id: String,
    pub n: i32,
    pub spec: String,
    pub layout: Option<String>,
    pub findings: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub verdict: Verdict,
    pub profile_id: String,
    pub profile_version: String,
    pub author_id: String,
    pub created_at: NaiveDateTime,
}

impl RevisionRow {
    pub fn spec(&self) -> AppResult<SignSpec> {
        serde_json::from_str(&self.spec).map_err(AppError::internal)
    }

    pub fn findings(&self) -> AppResult<Vec<Finding>> {
        serde_json::from_str(&self.findings).map_err(AppError::internal)
    }

    pub fn layout(&self) -> AppResult<Option<Layout>> {
        self.layout
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(AppError::internal)
    }
}

/// An uploaded image as a submission hands it to the repository.
pub struct Upload {
    pub image: DesignImage,
    pub original_name: String,
}

/// A new revision: the spec, its check and its images.
pub struct NewRevision<'a> {
    pub spec: &'a ValidSpec,
    pub evaluation: &'a Evaluation,
    pub uploads: &'a [Upload],
}

pub fn get_revision(conn: &mut DbConn, app_id: &str, n: i32) -> AppResult<RevisionRow> {
    revisions::table
        .filter(revisions::application_id.eq(app_id))
        .filter(revisions::n.eq(n))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

/// The revisions of an application, in order.
pub fn list_revisions(conn: &mut DbConn, app_id: &str) -> AppResult<Vec<RevisionRow>> {
    Ok(revisions::table
        .filter(revisions::application_id.eq(app_id))
        .select(RevisionRow::as_select())
        .order(revisions::n)
        .load(conn)?)
}

/// Stores revision `n` and its images; a resubmission without new images keeps those of
/// revision `carry_attachments_from`.
pub fn insert_revision(
    conn: &mut DbConn,
    app_id: &str,
    n: i32,
    author: &User,
    rev: &NewRevision<'_>,
    carry_attachments_from: Option<i32>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let row = RevisionRow {
        application_id: app_id.to_owned(),
        n,
        spec: to_json(rev.spec.spec())?,
        layout: rev.evaluation.layout.as_ref().map(to_json).transpose()?,
        findings: to_json(&rev.evaluation.findings)?,
        verdict: rev.evaluation.verdict,
        profile_id: rev.evaluation.profile.id.clone(),
        profile_version: rev.evaluation.profile.version.clone(),
        author_id: author.id.clone(),
        created_at: now,
    };
    diesel::insert_into(revisions::table)
        .values(row)
        .execute(conn)?;
    let mut rows = new_attachments(app_id, n, rev.uploads, now);
    if let (true, Some(prev)) = (rows.is_empty(), carry_attachments_from) {
        rows = list_attachments(conn, app_id, Some(prev))?
            .into_iter()
            .map(|a| AttachmentRow {
                id: uuid::Uuid::new_v4().to_string(),
                revision: n,
                created_at: now,
                ..a
            })
            .collect();
    }
    insert_all(conn, &rows)
}

fn new_attachments(
    app_id: &str,
    n: i32,
    uploads: &[Upload],
    now: NaiveDateTime,
) -> Vec<AttachmentRow> {
    uploads
        .iter()
        .enumerate()
        .map(|(i, u)| AttachmentRow {
            id: uuid::Uuid::new_v4().to_string(),
            application_id: app_id.to_owned(),
            revision: n,
            position: i as i32,
            sha256: u.image.sha256.clone(),
            content_type: u.image.format.content_type().to_owned(),
            original_name: u.original_name.clone(),
            byte_size: u.image.original.len() as i64,
            width: u.image.width as i32,
            height: u.image.height as i32,
            created_at: now,
        })
        .collect()
}

/// The spec of a stored revision with the layout that was checked, for drawing it. It passed
/// validation when stored; it is validated again, since only a valid spec is drawn.
pub fn stored_spec(rev: &RevisionRow) -> AppResult<ValidSpec> {
    let mut spec = rev.spec()?;
    spec.layout = rev.layout()?.or(spec.layout);
    crate::rules::validate(spec).map_err(crate::applications::form::invalid_spec)
}
