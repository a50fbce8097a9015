//! A transition of an existing application: checked against the workflow table, then written
//! as one transaction (compare-and-set on the version, the new revision if any, the row, the
//! counts, the event, on approval the next approval number of the year and the approved pair in
//! the translation memory, and the notifications).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::notices::{notify, After};
use super::record;
use crate::applications::deadline;
use crate::applications::error::TransitionError;
use crate::applications::form::ValidForm;
use crate::applications::request::TransitionRequest;
use crate::applications::rows::{
    get_revision, get_visible, insert_event, insert_revision, ApplicationRow, NewEvent,
    NewRevision, RevisionRow,
};
use crate::applications::states::{Action, Status};
use crate::applications::workflow::{self, Refusal, Transition};
use crate::applications::WorkflowSettings;
use crate::auth::{Role, User};
use crate::db::schema::applications;
use crate::db::{bump_count, next_approval_seq, write_tx, DbConn};
use crate::error::AppError;
use crate::terms::memory::MemoryRow;

type Result<T> = std::result::Result<T, TransitionError>;

/// The state after a transition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitionResult {
    pub id: String,
    pub status: Status,
    pub version: i32,
    pub revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
}

/// Checks that `actor` may take the request's action on `app` now: the role first, then the
/// version (a decision taken on an outdated view is a conflict whatever the state is now), then
/// the state, then the guards. The same check runs again inside the transaction.
pub fn check(
    app: &ApplicationRow,
    current: &RevisionRow,
    actor: &User,
    request: &TransitionRequest,
    settings: &WorkflowSettings,
) -> Result<&'static Transition> {
    if actor.role == Role::Merchant && app.merchant_id != actor.id {
        return Err(AppError::not_found().into());
    }
    let (action, from) = (request.action(), app.status);
    let found = workflow::find(action, from, actor.role);
    if let Err(Refusal::Role) = found {
        return Err(TransitionError::Role);
    }
    if app.version != request.expected_version() {
        return Err(TransitionError::VersionConflict {
            current: app.version,
        });
    }
    let transition = found.map_err(|_| TransitionError::Illegal { from, action })?;
    let request_facts = request.facts(settings.clock.extension_max_working_days);
    match transition.first_failing(&app.facts(current)?, &request_facts) {
        Some(guard) => Err(TransitionError::Blocked(guard)),
        None => Ok(transition),
    }
}

/// The compare-and-set on the version, as the transaction's first write. Of two racing
/// transitions on PostgreSQL the later one blocks here on the row lock until the first commits,
/// then finds the version changed (the `WHERE` is checked again) and answers 409
/// `version_conflict` before writing anything that could collide with the winner's rows (a
/// revision or event number, which would surface as a unique violation). SQLite's `BEGIN
/// IMMEDIATE` already runs them one after the other.
fn claim(conn: &mut DbConn, app: &ApplicationRow) -> Result<()> {
    let claimed = diesel::update(
        applications::table
            .filter(applications::id.eq(&app.id))
            .filter(applications::version.eq(app.version)),
    )
    .set(applications::version.eq(app.version + 1))
    .execute(conn)?;
    if claimed != 1 {
        return Err(TransitionError::VersionConflict {
            current: app.version,
        });
    }
    Ok(())
}

/// A transition with what it needs to be applied.
pub struct TransitionInput<'a> {
    pub request: &'a TransitionRequest,
    /// `supply_translation` and `resubmit` make a new revision.
    pub new_revision: Option<NewRevision<'a>>,
    /// `resubmit` may correct the shop fields.
    pub form: Option<&'a ValidForm>,
}

/// The row's new values.
struct Outcome {
    to: Status,
    revision: i32,
    translation_confirmed: bool,
    approval_no: Option<String>,
    decided: Option<(i32, u32)>,
}

/// Applies a transition in one transaction.
pub fn apply_transition(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    app_id: &str,
    input: TransitionInput<'_>,
    now: DateTime<Utc>,
) -> Result<TransitionResult> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| -> Result<TransitionResult> {
        let app = get_visible(conn, actor, app_id)?;
        let current = get_revision(conn, &app.id, app.current_revision)?;
        let transition = check(&app, &current, actor, input.request, settings)?;
        if let Some(assignee) = input.request.assignee() {
            deadline::check_assignee(conn, assignee)?;
        }
        claim(conn, &app)?;
        let (revision, translation_confirmed) =
            write_revision(conn, &app, &current, actor, &input, naive)?;
        let spec = input.new_revision.as_ref().map(|r| r.spec.spec());
        let to = transition.target(app.status, spec, translation_confirmed);
        let mut outcome = Outcome {
            to,
            revision,
            translation_confirmed,
            approval_no: app.approval_no.clone(),
            // A revocation keeps the decision's time: it is counted in the approval's year.
            decided: (to.is_final() && !app.status.is_final())
                .then(|| settings.local_year_month(now)),
        };
        if to == Status::Approved {
            let (year, _) = settings.local_year_month(now);
            let seq = next_approval_seq(conn, year)?;
            outcome.approval_no = Some(settings.approval_no(year, seq));
            remember(conn, &app, revision, outcome.approval_no.as_deref(), naive)?;
        }
        update_row(conn, &app, input.form, &outcome, naive)?;
        count(conn, &app, input.form, &outcome)?;
        record(conn, &app, actor, input.request, &outcome, naive)?;
        deadline::project(conn, settings, &app.id)?;
        after_decision(conn, settings, &app, input.request, &outcome, naive)?;
        let after = After {
            status: to,
            approval_no: outcome.approval_no.as_deref(),
            form: input.form,
        };
        notify(conn, settings, input.request.action(), &app, after, naive)?;
        Ok(TransitionResult {
            id: app.id.clone(),
            status: to,
            version: app.version + 1,
            revision,
            translation_confirmed,
            approval_no: outcome.approval_no,
        })
    })
}

/// The approved pair (Chinese → confirmed Mongolian) joins the translation memory, in the
/// approval's transaction.
fn remember(
    conn: &mut DbConn,
    app: &ApplicationRow,
    revision: i32,
    approval_no: Option<&str>,
    now: NaiveDateTime,
) -> Result<()> {
    let spec = get_revision(conn, &app.id, revision)?.spec()?;
    let row = MemoryRow {
        application_id: app.id.clone(),
        approval_no: approval_no.unwrap_or_default().to_owned(),
        zh: spec.texts.zh,
        mn: spec.texts.mn,
        approved_at: now,
    };
    crate::terms::memory::record(conn, &row)?;
    Ok(())
}

/// Stores the new revision, if any; answers the current revision number and whether the
/// Mongolian text is confirmed after the move. Supplied by a translator: confirmed.
/// Resubmitted by the merchant: confirmed only if the Mongolian text is the one already
/// confirmed.
fn write_revision(
    conn: &mut DbConn,
    app: &ApplicationRow,
    current: &RevisionRow,
    actor: &User,
    input: &TransitionInput<'_>,
    now: NaiveDateTime,
) -> Result<(i32, bool)> {
    let action = input.request.action();
    let Some(rev) = &input.new_revision else {
        let confirmed = app.translation_confirmed || action == Action::ConfirmTranslation;
        return Ok((app.current_revision, confirmed));
    };
    let n = app.current_revision + 1;
    insert_revision(
        conn,
        &app.id,
        n,
        actor,
        rev,
        Some(app.current_revision),
        now,
    )?;
    let confirmed = match action {
        Action::SupplyTranslation => true,
        _ => app.translation_confirmed && current.spec()?.texts.mn == rev.spec.texts.mn,
    };
    Ok((n, confirmed))
}

fn update_row(
    conn: &mut DbConn,
    app: &ApplicationRow,
    form: Option<&ValidForm>,
    o: &Outcome,
    now: NaiveDateTime,
) -> Result<()> {
    let decided_at = o.decided.map(|_| now).or(app.decided_at);
    let decided_year = o.decided.map(|(y, _)| y).or(app.decided_year);
    let decided_month = o.decided.map(|(_, m)| m as i32).or(app.decided_month);
    let shop_name = form.map_or(app.shop_name.as_str(), |f| &f.shop_name);
    let license_no = form.map_or(app.license_no.as_str(), |f| f.licence_no.as_str());
    let address = form.map_or(app.address.as_str(), |f| &f.address);
    let township = form.map_or(app.township.as_str(), |f| &f.township);
    let phone = form.map_or(app.phone.as_str(), |f| f.phone.as_str());
    let updated = diesel::update(
        applications::table
            .filter(applications::id.eq(&app.id))
            .filter(applications::version.eq(app.version + 1)),
    )
    .set((
        applications::status.eq(o.to),
        applications::current_revision.eq(o.revision),
        applications::translation_confirmed.eq(o.translation_confirmed),
        applications::approval_no.eq(&o.approval_no),
        applications::decided_at.eq(decided_at),
        applications::decided_year.eq(decided_year),
        applications::decided_month.eq(decided_month),
        applications::updated_at.eq(now),
        applications::shop_name.eq(shop_name),
        applications::license_no.eq(license_no),
        applications::address.eq(address),
        applications::township.eq(township),
        applications::phone.eq(phone),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(AppError::internal("claimed application changed in its transaction").into());
    }
    Ok(())
}

/// The running counts behind the statistics, for a decision.
fn count(
    conn: &mut DbConn,
    app: &ApplicationRow,
    form: Option<&ValidForm>,
    o: &Outcome,
) -> Result<()> {
    if let (Status::Revoked, Some(year)) = (o.to, app.decided_year) {
        bump_count(conn, (year, 0, ""), "revoked", 1)?;
    }
    let Some((year, month)) = o.decided else {
        return Ok(());
    };
    let month = month as i32;
    bump_count(conn, (app.submitted_year, 0, ""), "pending", -1)?;
    match o.to {
        Status::Approved => {
            let township = form.map_or(app.township.as_str(), |f| &f.township);
            bump_count(conn, (year, 0, ""), "approved", 1)?;
            bump_count(conn, (year, month, ""), "approved", 1)?;
            bump_count(conn, (year, 0, township), "approved", 1)?;
        }
        Status::Rejected => bump_count(conn, (year, 0, ""), "rejected", 1)?,
        _ => {}
    }
    Ok(())
}

/// The event row of the move.
fn record(
    conn: &mut DbConn,
    app: &ApplicationRow,
    actor: &User,
    request: &TransitionRequest,
    o: &Outcome,
    now: NaiveDateTime,
) -> Result<()> {
    let details = match request.action() {
        Action::RequestChanges => Some(serde_json::json!({ "items": request.items() })),
        Action::Extend => Some(serde_json::json!({ "days": request.extension_days() })),
        Action::Assign => Some(serde_json::json!({ "assignee": request.assignee() })),
        Action::Claim => Some(serde_json::json!({ "assignee": actor.id })),
        _ => None,
    };
    let event = NewEvent {
        app_id: &app.id,
        actor,
        action: request.action(),
        from: Some(app.status),
        to: o.to,
        comment: request.comment().map(str::to_owned),
        details,
        revision: o.revision,
    };
    insert_event(conn, event, now)?;
    Ok(())
}

/// The verification record of an approval (and the superseding of the one it replaces), or
/// the revocation of one.
fn after_decision(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    app: &ApplicationRow,
    request: &TransitionRequest,
    o: &Outcome,
    now: NaiveDateTime,
) -> Result<()> {
    match (o.to, &o.approval_no, o.decided) {
        (Status::Approved, Some(no), Some((year, _))) => {
            let revision = get_revision(conn, &app.id, o.revision)?;
            let spec = revision.spec()?;
            let approved = record::Approved {
                app,
                spec: &spec,
                revision: o.revision,
                approval_no: no,
                decided_at: now,
                decided_year: year,
            };
            record::issue(settings, conn, approved)?;
        }
        (Status::Revoked, _, _) => {
            record::revoke(conn, &app.id, request.comment().unwrap_or_default(), now)?;
        }
        _ => {}
    }
    Ok(())
}
