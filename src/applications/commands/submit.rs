//! A submission: a new application with its first revision and the submit event, in one
//! transaction; a repeat with the same idempotency key answers the first result again.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::notices::{notify, After};
use crate::applications::form::invalid_fields;
use crate::applications::form::ValidForm;
use crate::applications::request::IdempotencyKey;
use crate::applications::rows::event::first_status;
use crate::applications::rows::reference::next_reference_seq;
use crate::applications::rows::{
    get_revision, insert_event, insert_revision, ApplicationRow, NewEvent, NewRevision,
};
use crate::applications::states::{Action, Status};
use crate::applications::workflow::after_submission;
use crate::applications::WorkflowSettings;
use crate::auth::User;
use crate::db::schema::applications;
use crate::db::{bump_count, is_unique_violation, write_tx, DbConn};
use crate::error::{AppError, AppResult};
use crate::spec::{Finding, Verdict};

/// What a submission answers (and an idempotent repeat answers again).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmitResult {
    pub id: String,
    /// `2026-0042`: the reference people read (the id stays the API's).
    pub reference: String,
    pub status: Status,
    pub version: i32,
    pub revision: i32,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

/// The answer a submission gave, rebuilt from its rows (for an idempotent repeat).
fn first_result(conn: &mut DbConn, app: &ApplicationRow) -> AppResult<SubmitResult> {
    let rev = get_revision(conn, &app.id, 1)?;
    Ok(SubmitResult {
        id: app.id.clone(),
        reference: app.reference.clone(),
        status: first_status(conn, &app.id)?,
        version: 1,
        revision: 1,
        verdict: rev.verdict,
        findings: rev.findings()?,
    })
}

pub fn find_by_idempotency_key(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &IdempotencyKey,
) -> AppResult<Option<SubmitResult>> {
    let app = applications::table
        .filter(applications::merchant_id.eq(merchant_id))
        .filter(applications::idempotency_key.eq(key.as_str()))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?;
    app.map(|a| first_result(conn, &a)).transpose()
}

/// What a submission did: stored a new application, or found the one an earlier request
/// with the same idempotency key stored (and answers with its result).
#[derive(Debug)]
pub enum Created {
    New(SubmitResult),
    Replayed(SubmitResult),
}

fn new_row(
    settings: &WorkflowSettings,
    merchant: &User,
    form: &ValidForm,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> ApplicationRow {
    let naive = now.naive_utc();
    ApplicationRow {
        id: uuid::Uuid::new_v4().to_string(),
        merchant_id: merchant.id.clone(),
        shop_name: form.shop_name.clone(),
        license_no: form.licence_no.as_str().to_owned(),
        address: form.address.clone(),
        township: form.township.clone(),
        phone: form.phone.as_str().to_owned(),
        status: after_submission(&form.spec, false),
        version: 1,
        current_revision: 1,
        translation_confirmed: false,
        approval_no: None,
        submitted_at: naive,
        submitted_year: settings.local_year_month(now).0,
        decided_at: None,
        decided_year: None,
        decided_month: None,
        updated_at: naive,
        idempotency_key: key.map(|k| k.as_str().to_owned()),
        // Written by the replay once the submit event is stored.
        clock_state: crate::applications::deadline::RUNNING,
        due_on: None,
        extended_by: 0,
        assignee_id: None,
        decided_working_days: None,
        decided_within_limit: None,
        reference: String::new(),
        replaces: form.replaces.clone(),
    }
}

/// A replacement must name an approved application of the same merchant (else 422).
fn check_replaces(conn: &mut DbConn, merchant: &User, replaces: Option<&str>) -> AppResult<()> {
    let Some(old) = replaces else {
        return Ok(());
    };
    let status: Option<Status> = applications::table
        .filter(applications::id.eq(old))
        .filter(applications::merchant_id.eq(&merchant.id))
        .select(applications::status)
        .first(conn)
        .optional()?;
    match status {
        Some(Status::Approved) => Ok(()),
        _ => invalid_fields(vec![(
            "replaces".into(),
            "只能变更您自己已批准的牌匾".into(),
        )]),
    }
}

/// Why the submission's transaction did not commit.
enum Failure {
    /// Another request with the same idempotency key stored first.
    Raced,
    Other(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::Other(e)
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Other(e.into())
    }
}

/// Stores a new application with its first revision and the submit event.
pub fn create(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    merchant: &User,
    form: &ValidForm,
    rev: &NewRevision<'_>,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> AppResult<Created> {
    let mut row = new_row(settings, merchant, form, key, now);
    let result = write_tx(conn, |conn| -> Result<SubmitResult, Failure> {
        // In the transaction: a revocation committed first makes the replacement refused.
        check_replaces(conn, merchant, row.replaces.as_deref())?;
        let seq = next_reference_seq(conn, row.submitted_year)?;
        row.reference = WorkflowSettings::reference(row.submitted_year, seq);
        diesel::insert_into(applications::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match key.is_some() && is_unique_violation(&e) {
                true => Failure::Raced,
                false => Failure::from(e),
            })?;
        let year = row.submitted_year;
        bump_count(conn, (year, 0, ""), "submitted", 1)?;
        bump_count(conn, (year, 0, ""), "pending", 1)?;
        insert_revision(conn, &row.id, 1, merchant, rev, None, row.submitted_at)?;
        let event = NewEvent {
            app_id: &row.id,
            actor: merchant,
            action: Action::Submit,
            from: None,
            to: row.status,
            comment: None,
            details: None,
            revision: 1,
        };
        insert_event(conn, event, row.submitted_at)?;
        crate::applications::deadline::project(conn, settings, &row.id)?;
        let after = After {
            status: row.status,
            approval_no: None,
            form: None,
        };
        notify(
            conn,
            settings,
            Action::Submit,
            &row,
            after,
            row.submitted_at,
        )?;
        Ok(SubmitResult {
            id: row.id.clone(),
            reference: row.reference.clone(),
            status: row.status,
            version: 1,
            revision: 1,
            verdict: rev.evaluation.verdict,
            findings: rev.evaluation.findings.clone(),
        })
    });
    match (result, key) {
        (Ok(result), _) => Ok(Created::New(result)),
        (Err(Failure::Raced), Some(key)) => find_by_idempotency_key(conn, &merchant.id, key)?
            .map(Created::Replayed)
            .ok_or_else(|| AppError::internal("raced submission not found")),
        (Err(Failure::Raced), None) => Err(AppError::internal("race without a key")),
        (Err(Failure::Other(e)), _) => Err(e),
    }
}
