//! The documents of one application read from its stored rows: which exist (from its events),
//! the record each states (from the revision the event was about), and the audit of each
//! document's first issue (`documents`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Changes, Decided, DocKind, DocRecord};
use crate::applications::rows::approval::get_approval;
use crate::applications::rows::event::list_events;
use crate::applications::rows::{
    get_revision, get_visible, list_attachments, stored_spec, utc, ApplicationRow, EventRow,
};
use crate::applications::{Action, ChangeItem, Status, WorkflowSettings};
use crate::auth::User;
use crate::db::schema::documents;
use crate::db::{is_unique_violation, DbConn};
use crate::error::{AppError, AppResult};
use crate::rules::ValidSpec;

/// One entry of `GET /applications/{id}/documents`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentEntry {
    pub kind: DocKind,
    pub title: String,
    /// The time of the event the document belongs to (its PDF creation date).
    pub issued_at: DateTime<Utc>,
    pub url: String,
}

/// The event each kind belongs to: the submission, the latest request for changes, the
/// approval, the rejection (the certificate goes with the approval).
fn event_of(kind: DocKind, events: &[EventRow]) -> Option<&EventRow> {
    let action = match kind {
        DocKind::Receipt => Action::Submit,
        DocKind::CorrectionNotice => Action::RequestChanges,
        DocKind::ApprovalDecision | DocKind::Certificate => Action::Approve,
        DocKind::RejectionDecision => Action::Reject,
    };
    events.iter().rev().find(|e| e.action == action)
}

/// Whether `kind` can be issued for an application in `status`: a certificate only while
/// the approval stands (a revoked one is never handed out again; its QR says 已撤销).
fn issuable(kind: DocKind, status: Status) -> bool {
    kind != DocKind::Certificate || status == Status::Approved
}

/// The documents the viewer may download now.
pub fn list(conn: &mut DbConn, actor: &User, app_id: &str) -> AppResult<Vec<DocumentEntry>> {
    let app = get_visible(conn, actor, app_id)?;
    let events = list_events(conn, &app.id)?;
    Ok(DocKind::ALL
        .into_iter()
        .filter(|kind| issuable(*kind, app.status))
        .filter_map(|kind| {
            event_of(kind, &events).map(|e| DocumentEntry {
                kind,
                title: kind.title().to_owned(),
                issued_at: utc(e.created_at),
                url: format!(
                    "/api/v1/applications/{}/documents/{}.pdf",
                    app.id,
                    kind.as_str()
                ),
            })
        })
        .collect())
}

/// What a document is made from: the record, and for a certificate the approved sign to draw
/// and its verification token.
pub struct Loaded {
    pub record: DocRecord,
    pub draw: Option<(ValidSpec, String)>,
}

/// The record of `kind` for the application, or 404 when it has no such document; the first
/// issue is recorded.
pub fn load(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    app_id: &str,
    kind: DocKind,
    now: DateTime<Utc>,
) -> AppResult<Loaded> {
    let app = get_visible(conn, actor, app_id)?;
    let events = list_events(conn, &app.id)?;
    let event = event_of(kind, &events)
        .filter(|_| issuable(kind, app.status))
        .ok_or_else(AppError::not_found)?;
    let revision = get_revision(conn, &app.id, event.revision)?;
    let designs = list_attachments(conn, &app.id, Some(event.revision))?
        .into_iter()
        .map(|a| a.original_name)
        .collect();
    let mut record = base_record(settings, &app, revision.spec()?, designs);
    match kind {
        DocKind::Receipt => record.due_on = due_at_submission(settings, &events)?,
        DocKind::CorrectionNotice => record.changes = Some(changes(event)),
        _ => record.decided = Some(decided(&app, event)),
    }
    let draw = match kind {
        DocKind::Certificate => {
            let approval = get_approval(conn, &app.id)?.ok_or_else(AppError::not_found)?;
            Some((stored_spec(&revision)?, approval.token))
        }
        _ => None,
    };
    record_issue(conn, &app.id, kind, actor, now)?;
    Ok(Loaded { record, draw })
}

/// The due day the clock gave on the day of submission: the first event alone, replayed.
fn due_at_submission(
    settings: &WorkflowSettings,
    events: &[EventRow],
) -> AppResult<Option<chrono::NaiveDate>> {
    let Some(first) = events.first() else {
        return Ok(None);
    };
    let day = settings.local_date(utc(first.created_at));
    Ok(crate::applications::deadline::view(settings, std::slice::from_ref(first), day)?.due_on)
}

fn base_record(
    settings: &WorkflowSettings,
    app: &ApplicationRow,
    spec: crate::spec::SignSpec,
    designs: Vec<String>,
) -> DocRecord {
    DocRecord {
        reference: app.reference.clone(),
        shop_name: app.shop_name.clone(),
        licence_no: app.license_no.clone(),
        address: app.address.clone(),
        township: app.township.clone(),
        spec,
        submitted_at: utc(app.submitted_at),
        due_on: None,
        designs,
        office: settings.office_name.clone(),
        timezone: settings.timezone,
        changes: None,
        decided: None,
        certificate: None,
    }
}

fn changes(event: &EventRow) -> Changes {
    let items: Vec<ChangeItem> = event
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .and_then(|v| serde_json::from_value(v.get("items")?.clone()).ok())
        .unwrap_or_default();
    Changes {
        at: utc(event.created_at),
        items,
        comment: event.comment.clone(),
    }
}

fn decided(app: &ApplicationRow, event: &EventRow) -> Decided {
    Decided {
        at: utc(event.created_at),
        approval_no: (event.action == Action::Approve)
            .then(|| app.approval_no.clone())
            .flatten(),
        comment: event.comment.clone(),
    }
}

/// Records the first issue of a document (later downloads leave the row as it is).
fn record_issue(
    conn: &mut DbConn,
    app_id: &str,
    kind: DocKind,
    actor: &User,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let exists: i64 = documents::table
        .filter(documents::application_id.eq(app_id))
        .filter(documents::kind.eq(kind.as_str()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let inserted = diesel::insert_into(documents::table)
        .values((
            documents::application_id.eq(app_id),
            documents::kind.eq(kind.as_str()),
            documents::first_issued_at.eq(now.naive_utc()),
            documents::issued_to.eq(&actor.id),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        // Two first downloads at once: the other one recorded it.
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// When each document of an application was first issued, and to whom (user id).
pub fn issues(conn: &mut DbConn, app_id: &str) -> AppResult<Vec<(String, DateTime<Utc>, String)>> {
    let rows: Vec<(String, chrono::NaiveDateTime, String)> = documents::table
        .filter(documents::application_id.eq(app_id))
        .select((
            documents::kind,
            documents::first_issued_at,
            documents::issued_to,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(k, at, who)| (k, utc(at), who))
        .collect())
}
