//! The audit trail of accounts: every creation, password change or reset, and every
//! disabling or enabling, with who did it. Written in the transaction of the change.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{AccountError, AccountResult};
use crate::db::schema::{user_events, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    PasswordChanged,
    PasswordReset,
    Disabled,
    Enabled,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::PasswordChanged => "password_changed",
            EventKind::PasswordReset => "password_reset",
            EventKind::Disabled => "disabled",
            EventKind::Enabled => "enabled",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            EventKind::Created,
            EventKind::PasswordChanged,
            EventKind::PasswordReset,
            EventKind::Disabled,
            EventKind::Enabled,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Insertable)]
#[diesel(table_name = user_events)]
struct NewEvent<'a> {
    id: String,
    user_id: &'a str,
    actor_id: Option<&'a str>,
    kind: &'static str,
    at: NaiveDateTime,
}

/// Records `kind` on `user_id` by `actor_id` (`None`: the system).
pub fn record(
    conn: &mut DbConn,
    user_id: &str,
    actor_id: Option<&str>,
    kind: EventKind,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(user_events::table)
        .values(NewEvent {
            id: uuid::Uuid::new_v4().to_string(),
            user_id,
            actor_id,
            kind: kind.as_str(),
            at: at.naive_utc(),
        })
        .execute(conn)?;
    Ok(())
}

/// Who made a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Actor {
    pub id: String,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserEvent {
    pub kind: EventKind,
    /// `null` when the system made the change (first start, the command line).
    pub actor: Option<Actor>,
    pub at: DateTime<Utc>,
}

/// The events of one user, oldest first.
pub fn list(conn: &mut DbConn, user_id: &str) -> AccountResult<Vec<UserEvent>> {
    let rows: Vec<(String, Option<String>, NaiveDateTime)> = user_events::table
        .filter(user_events::user_id.eq(user_id))
        .select((user_events::kind, user_events::actor_id, user_events::at))
        .order((user_events::at, user_events::id))
        .load(conn)?;
    let mut actor_ids: Vec<&str> = rows.iter().filter_map(|r| r.1.as_deref()).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors: Vec<(String, String, String)> = users::table
        .filter(users::id.eq_any(&actor_ids))
        .select((users::id, users::username, users::display_name))
        .load(conn)?;
    rows.iter()
        .map(|(kind, actor_id, at)| {
            let kind = EventKind::parse(kind)
                .ok_or_else(|| AccountError::internal(format!("unknown user event {kind:?}")))?;
            let actor = actor_id.as_deref().and_then(|id| {
                actors.iter().find(|a| a.0 == id).map(|a| Actor {
                    id: a.0.clone(),
                    username: a.1.clone(),
                    display_name: a.2.clone(),
                })
            });
            Ok(UserEvent {
                kind,
                actor,
                at: Utc.from_utc_datetime(at),
            })
        })
        .collect()
}
