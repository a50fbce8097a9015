//! `events`: the audit trail, one row per move.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::applications::states::{Action, Status};
use crate::auth::User;
use crate::db::schema::events;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub application_id: String,
    pub seq: i32,
    pub actor_id: String,
    pub actor_role: String,
    pub action: Action,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub comment: Option<String>,
    pub details: Option<String>,
    pub revision: i32,
    pub created_at: NaiveDateTime,
}

pub struct NewEvent<'a> {
    pub app_id: &'a str,
    pub actor: &'a User,
    pub action: Action,
    pub from: Option<Status>,
    pub to: Status,
    pub comment: Option<String>,
    pub details: Option<serde_json::Value>,
    pub revision: i32,
}

pub fn insert_event(conn: &mut DbConn, e: NewEvent<'_>, now: NaiveDateTime) -> AppResult<()> {
    let last: Option<i32> = events::table
        .filter(events::application_id.eq(e.app_id))
        .select(diesel::dsl::max(events::seq))
        .first(conn)?;
    let row = EventRow {
        id: uuid::Uuid::new_v4().to_string(),
        application_id: e.app_id.to_owned(),
        seq: last.unwrap_or(0) + 1,
        actor_id: e.actor.id.clone(),
        actor_role: e.actor.role.as_str().to_owned(),
        action: e.action,
        from_status: e.from,
        to_status: e.to,
        comment: e.comment,
        details: e.details.map(|d| d.to_string()),
        revision: e.revision,
        created_at: now,
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// The events of an application, in order.
pub fn list_events(conn: &mut DbConn, app_id: &str) -> AppResult<Vec<EventRow>> {
    Ok(events::table
        .filter(events::application_id.eq(app_id))
        .select(EventRow::as_select())
        .order(events::seq)
        .load(conn)?)
}

/// The state the first event (the submission) led to.
pub fn first_status(conn: &mut DbConn, app_id: &str) -> AppResult<Status> {
    Ok(events::table
        .filter(events::application_id.eq(app_id))
        .filter(events::seq.eq(1))
        .select(events::to_status)
        .first(conn)?)
}
