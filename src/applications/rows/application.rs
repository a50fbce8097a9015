//! `applications`: one row per application, its current state and shop fields.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::revision::RevisionRow;
use crate::applications::states::Status;
use crate::applications::workflow::Facts;
use crate::auth::{Role, User};
use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: String,
    pub merchant_id: String,
    pub shop_name: String,
    pub license_no: String,
    pub address: String,
    pub township: String,
    pub phone: String,
    pub status: Status,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: NaiveDateTime,
    pub submitted_year: i32,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_year: Option<i32>,
    pub decided_month: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub idempotency_key: Option<String>,
    /// The clock's projection (`applications::deadline`): running, paused or stopped.
    pub clock_state: i32,
    pub due_on: Option<NaiveDate>,
    pub extended_by: i32,
    pub assignee_id: Option<String>,
    pub decided_working_days: Option<i32>,
    pub decided_within_limit: Option<bool>,
    /// `2026-0042`: the year of submission and its number in that year.
    pub reference: String,
    /// The approved application whose sign this one changes.
    pub replaces: Option<String>,
}

impl ApplicationRow {
    /// What the workflow's guards read of the application and its current revision.
    pub fn facts(&self, current: &RevisionRow) -> AppResult<Facts> {
        Ok(Facts {
            translation_confirmed: self.translation_confirmed,
            verdict: current.verdict,
            has_mongolian: !current.spec()?.texts.mn.trim().is_empty(),
            extended: self.extended_by > 0,
        })
    }
}

/// The application `actor` may see: a merchant only its own (another's answers 404).
pub fn get_visible(conn: &mut DbConn, actor: &User, id: &str) -> AppResult<ApplicationRow> {
    let mut query = applications::table
        .filter(applications::id.eq(id))
        .select(ApplicationRow::as_select())
        .into_boxed();
    if actor.role == Role::Merchant {
        query = query.filter(applications::merchant_id.eq(&actor.id));
    }
    query
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}
