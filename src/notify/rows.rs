//! `notifications` rows as people see them: a user's inbox (read and unread), and the
//! administrator's view of failing and dead deliveries with a resend.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::events::EventType;
use crate::auth::Role;
use crate::db::schema::notifications;
use crate::db::{write_tx, DbConn};
use crate::error::{AppError, AppResult};

/// Where a notification's delivery (webhook and log) stands. The inbox has it from the start.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Dead,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

crate::text_column!(DeliveryStatus, "delivery status");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub event: EventType,
    pub application_id: String,
    pub recipient_id: String,
    pub recipient_role: Role,
    pub text: String,
    pub text_mn: Option<String>,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

/// One message of an inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    pub id: String,
    pub event: EventType,
    pub application_id: String,
    /// Chinese.
    pub text: String,
    /// Mongolian, where the profile has it.
    pub text_mn: Option<String>,
    pub created_at: DateTime<Utc>,
    /// `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

/// A user's inbox: the newest messages first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    /// Unread messages in all (not only on this page).
    pub unread: i64,
    /// Messages in all.
    pub total: i64,
}

/// The newest `limit` messages of `user_id`, with the counts.
pub fn inbox(conn: &mut DbConn, user_id: &str, limit: i64) -> AppResult<Inbox> {
    let rows: Vec<NotificationRow> = notifications::table
        .filter(notifications::recipient_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)?;
    let total: i64 = notifications::table
        .filter(notifications::recipient_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(Inbox {
        items: rows
            .into_iter()
            .map(|r| InboxItem {
                id: r.id,
                event: r.event,
                application_id: r.application_id,
                text: r.text,
                text_mn: r.text_mn,
                created_at: utc(r.created_at),
                read_at: r.read_at.map(utc),
            })
            .collect(),
        unread: unread(conn, user_id)?,
        total,
    })
}

/// How many of `user_id`'s messages are unread.
pub fn unread(conn: &mut DbConn, user_id: &str) -> AppResult<i64> {
    Ok(notifications::table
        .filter(notifications::recipient_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The unread count after a read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unread {
    pub unread: i64,
}

/// Marks one of `user_id`'s messages read (once: a second read keeps the first time); 404
/// for a message of someone else.
pub fn mark_read(
    conn: &mut DbConn,
    user_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> AppResult<Unread> {
    write_tx(conn, |conn| {
        let mine = notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::recipient_id.eq(user_id));
        let found: i64 = mine.count().get_result(conn)?;
        if found == 0 {
            return Err(AppError::not_found());
        }
        diesel::update(mine.filter(notifications::read_at.is_null()))
            .set(notifications::read_at.eq(now))
            .execute(conn)?;
        Ok(Unread {
            unread: unread(conn, user_id)?,
        })
    })
}

/// Marks all of `user_id`'s messages read.
pub fn mark_all_read(conn: &mut DbConn, user_id: &str, now: NaiveDateTime) -> AppResult<Unread> {
    diesel::update(
        notifications::table
            .filter(notifications::recipient_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)?;
    Ok(Unread {
        unread: unread(conn, user_id)?,
    })
}

/// Which troubled deliveries the administrator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trouble {
    /// Gave up after the last attempt.
    Dead,
    /// Still retried after at least one failed attempt.
    Failing,
}

/// A troubled delivery, for the administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct TroubleItem {
    pub id: String,
    pub event: EventType,
    pub application_id: String,
    pub recipient_id: String,
    pub recipient_role: Role,
    pub text: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When the next attempt is due (meaningless once dead).
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The troubled deliveries of `filter` (both kinds when `None`), the newest first.
pub fn troubled(
    conn: &mut DbConn,
    filter: Option<Trouble>,
    limit: i64,
) -> AppResult<Vec<TroubleItem>> {
    let mut query = notifications::table
        .select(NotificationRow::as_select())
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .into_boxed();
    let failing = notifications::status
        .eq(DeliveryStatus::Pending)
        .and(notifications::attempts.gt(0));
    query = match filter {
        Some(Trouble::Dead) => query.filter(notifications::status.eq(DeliveryStatus::Dead)),
        Some(Trouble::Failing) => query.filter(failing),
        None => query.filter(notifications::status.eq(DeliveryStatus::Dead).or(failing)),
    };
    Ok(query
        .load(conn)?
        .into_iter()
        .map(|r| TroubleItem {
            id: r.id,
            event: r.event,
            application_id: r.application_id,
            recipient_id: r.recipient_id,
            recipient_role: r.recipient_role,
            text: r.text,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            next_attempt_at: utc(r.next_attempt_at),
            created_at: utc(r.created_at),
        })
        .collect())
}

/// A resent notification: pending again, due now, with a fresh count of attempts. The id
/// stays, so a receiver that got it before recognises it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resent {
    pub id: String,
    pub status: DeliveryStatus,
}

/// Puts a notification back in the queue; 404 when there is none of that id.
pub fn resend(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> AppResult<Resent> {
    let updated = diesel::update(notifications::table.filter(notifications::id.eq(id)))
        .set((
            notifications::status.eq(DeliveryStatus::Pending),
            notifications::attempts.eq(0),
            notifications::next_attempt_at.eq(now),
            notifications::lease_until.eq(None::<NaiveDateTime>),
            notifications::claim.eq(None::<String>),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(AppError::not_found());
    }
    Ok(Resent {
        id: id.to_owned(),
        status: DeliveryStatus::Pending,
    })
}
