//! The detail view of one application: its fields, every revision with its images and check,
//! the audit trail and what the viewer may do now.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::deadline;
use crate::applications::request::ChangeItem;
use crate::applications::rows::event::list_events;
use crate::applications::rows::revision::list_revisions;
use crate::applications::rows::{
    get_visible, list_attachments, utc, ApplicationRow, AttachmentRow, EventRow, RevisionRow,
};
use crate::applications::states::{Action, Status};
use crate::applications::workflow::{self, Blocker};
use crate::applications::WorkflowSettings;
use crate::auth::User;
use crate::clock::ClockView;
use crate::db::schema::users;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::spec::{Finding, Layout, SignSpec, Verdict};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub content_type: String,
    pub original_name: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub url: String,
    pub thumb_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    pub n: i32,
    #[schema(value_type = Object)]
    pub spec: SignSpec,
    /// The layout that was checked: the merchant's, or the one the service composed.
    #[schema(value_type = Option<Object>)]
    pub layout: Option<Layout>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub profile: crate::rules::ProfileRef,
    pub author: Person,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentView>,
    pub preview_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i32,
    pub actor: Person,
    pub actor_role: String,
    pub action: Action,
    pub from: Option<Status>,
    pub to: Status,
    pub comment: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Detail {
    pub id: String,
    pub merchant: Person,
    pub shop_name: String,
    pub license_no: String,
    pub address: String,
    pub township: String,
    pub phone: String,
    pub status: Status,
    pub status_label: String,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// What the viewer may do now.
    pub available_actions: Vec<Action>,
    /// For each available action, the facts that still stand in its way (their refusal codes
    /// and why); an empty list when nothing does.
    pub blocked_by: BTreeMap<String, Vec<Blocker>>,
    /// The items of the latest request for changes, while changes are requested.
    pub requested_changes: Option<Vec<ChangeItem>>,
    pub revisions: Vec<RevisionView>,
    pub events: Vec<EventView>,
    /// The statutory clock, replayed from the events.
    pub clock: ClockView,
    /// The official holding the case.
    pub assignee: Option<Person>,
    /// `2026-0042`: the reference people read.
    pub reference: String,
    /// The approved application this one changes.
    pub replaces: Option<String>,
}

/// Display names of people by id.
pub(crate) struct Names(HashMap<String, String>);

impl Names {
    pub(crate) fn load(conn: &mut DbConn, ids: Vec<String>) -> AppResult<Names> {
        Ok(Names(
            users::table
                .filter(users::id.eq_any(ids))
                .select((users::id, users::display_name))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
        ))
    }

    pub(crate) fn person(&self, id: &str) -> Person {
        Person {
            id: id.to_owned(),
            display_name: self.0.get(id).cloned().unwrap_or_default(),
        }
    }
}

/// Everything stored about one application.
struct Stored {
    app: ApplicationRow,
    revisions: Vec<RevisionRow>,
    events: Vec<EventRow>,
    attachments: Vec<AttachmentRow>,
    names: Names,
}

fn load(conn: &mut DbConn, actor: &User, id: &str) -> AppResult<Stored> {
    let app = get_visible(conn, actor, id)?;
    let revisions = list_revisions(conn, &app.id)?;
    let events = list_events(conn, &app.id)?;
    let attachments = list_attachments(conn, &app.id, None)?;
    let mut ids: Vec<String> = revisions.iter().map(|r| r.author_id.clone()).collect();
    ids.extend(events.iter().map(|e| e.actor_id.clone()));
    ids.push(app.merchant_id.clone());
    ids.extend(deadline::assignee(&events));
    let names = Names::load(conn, ids)?;
    Ok(Stored {
        app,
        revisions,
        events,
        attachments,
        names,
    })
}

fn revision_view(s: &Stored, r: &RevisionRow) -> AppResult<RevisionView> {
    let base = format!("/api/v1/applications/{}", s.app.id);
    let attachments = s
        .attachments
        .iter()
        .filter(|a| a.revision == r.n)
        .map(|a| AttachmentView {
            id: a.id.clone(),
            content_type: a.content_type.clone(),
            original_name: a.original_name.clone(),
            byte_size: a.byte_size,
            width: a.width,
            height: a.height,
            url: format!("{base}/attachments/{}", a.id),
            thumb_url: format!("{base}/attachments/{}?thumb=1", a.id),
        })
        .collect();
    Ok(RevisionView {
        n: r.n,
        spec: r.spec()?,
        layout: r.layout()?,
        verdict: r.verdict,
        findings: r.findings()?,
        profile: crate::rules::ProfileRef {
            id: r.profile_id.clone(),
            version: r.profile_version.clone(),
        },
        author: s.names.person(&r.author_id),
        created_at: utc(r.created_at),
        attachments,
        preview_url: format!("{base}/revisions/{}/preview.png", r.n),
    })
}

fn event_view(names: &Names, e: &EventRow) -> EventView {
    EventView {
        seq: e.seq,
        actor: names.person(&e.actor_id),
        actor_role: e.actor_role.clone(),
        action: e.action,
        from: e.from_status,
        to: e.to_status,
        comment: e.comment.clone(),
        details: e
            .details
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok()),
        revision: e.revision,
        created_at: utc(e.created_at),
    }
}

/// The items of the latest request for changes, while changes are requested.
fn requested_changes(s: &Stored) -> Option<Vec<ChangeItem>> {
    if s.app.status != Status::ChangesRequested {
        return None;
    }
    let e = s
        .events
        .iter()
        .rev()
        .find(|e| e.action == Action::RequestChanges)?;
    let v: serde_json::Value = serde_json::from_str(e.details.as_deref()?).ok()?;
    serde_json::from_value(v["items"].clone()).ok()
}

/// The detail of an application as `actor` sees it on `today`.
pub fn detail(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    id: &str,
    today: NaiveDate,
) -> AppResult<Detail> {
    let s = load(conn, actor, id)?;
    let clock = deadline::view(settings, &s.events, today)?;
    let assignee = deadline::assignee(&s.events).map(|a| s.names.person(&a));
    let current = s
        .revisions
        .iter()
        .find(|r| r.n == s.app.current_revision)
        .ok_or_else(|| AppError::internal("current revision missing"))?;
    let offers = workflow::available(s.app.status, actor.role, &s.app.facts(current)?);
    let revisions = s
        .revisions
        .iter()
        .map(|r| revision_view(&s, r))
        .collect::<AppResult<Vec<_>>>()?;
    let events = s.events.iter().map(|e| event_view(&s.names, e)).collect();
    let requested_changes = requested_changes(&s);
    let app = s.app;
    Ok(Detail {
        merchant: s.names.person(&app.merchant_id),
        available_actions: offers.iter().map(|o| o.action).collect(),
        blocked_by: offers
            .into_iter()
            .map(|o| (o.action.as_str().to_owned(), o.blocked_by))
            .collect(),
        status_label: app.status.label().to_owned(),
        status: app.status,
        id: app.id,
        shop_name: app.shop_name,
        license_no: app.license_no,
        address: app.address,
        township: app.township,
        phone: app.phone,
        version: app.version,
        current_revision: app.current_revision,
        translation_confirmed: app.translation_confirmed,
        approval_no: app.approval_no,
        submitted_at: utc(app.submitted_at),
        decided_at: app.decided_at.map(utc),
        updated_at: utc(app.updated_at),
        requested_changes,
        revisions,
        events,
        clock,
        assignee,
        reference: app.reference,
        replaces: app.replaces,
    })
}
