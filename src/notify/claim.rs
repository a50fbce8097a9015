//! Claiming due notifications so that two workers (threads or replicas) never send the same one
//! at once, and recording each attempt's result under the claim that made it.
//!
//! A claim stamps `claim` (a fresh token) and `lease_until` on the rows it takes. PostgreSQL
//! picks them with `FOR UPDATE SKIP LOCKED`, so replicas claiming together take disjoint rows
//! without waiting on each other; SQLite's `BEGIN IMMEDIATE` runs claims one after the other.
//! A worker that dies leaves its lease to run out, then the row is due again.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::events::EventType;
use super::rows::DeliveryStatus;
use crate::auth::Role;
use crate::db::schema::notifications;
use crate::db::{write_tx, DbConn};

/// A claimed notification: what its attempt needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Job {
    pub id: String,
    pub event: EventType,
    pub application_id: String,
    pub recipient_id: String,
    pub recipient_role: Role,
    pub payload: String,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
}

const PG_CLAIM: &str = "UPDATE notifications SET lease_until = $1, claim = $2 WHERE id IN (\
     SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= $3 \
     AND (lease_until IS NULL OR lease_until < $3) \
     ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)";

/// Takes up to `limit` due notifications under the new claim `token` until `lease_until`.
pub fn claim(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Job>> {
    write_tx(conn, |conn| {
        match conn {
            DbConn::Postgres(pg) => {
                diesel::sql_query(PG_CLAIM)
                    .bind::<Timestamp, _>(lease_until)
                    .bind::<Text, _>(token)
                    .bind::<Timestamp, _>(now)
                    .bind::<BigInt, _>(limit)
                    .execute(pg)?;
            }
            DbConn::Sqlite(_) => {
                let due: Vec<String> = notifications::table
                    .filter(notifications::status.eq(DeliveryStatus::Pending))
                    .filter(notifications::next_attempt_at.le(now))
                    .filter(
                        notifications::lease_until
                            .is_null()
                            .or(notifications::lease_until.lt(now)),
                    )
                    .order(notifications::next_attempt_at)
                    .limit(limit)
                    .select(notifications::id)
                    .load(conn)?;
                diesel::update(notifications::table.filter(notifications::id.eq_any(&due)))
                    .set((
                        notifications::lease_until.eq(lease_until),
                        notifications::claim.eq(token),
                    ))
                    .execute(conn)?;
            }
        }
        notifications::table
            .filter(notifications::claim.eq(token))
            .filter(notifications::status.eq(DeliveryStatus::Pending))
            .order(notifications::next_attempt_at)
            .select(Job::as_select())
            .load(conn)
    })
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered,
    /// Failed; retried at `retry_at`, or dead when `None`.
    Failed {
        error: String,
        retry_at: Option<NaiveDateTime>,
    },
}

/// Records the attempts of one claim, in one transaction. A row whose claim was taken over
/// (its lease ran out, or an administrator resent it) is left alone; answers how many rows
/// were recorded.
pub fn record(
    conn: &mut DbConn,
    token: &str,
    results: &[(Job, Outcome)],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        let mut n = 0;
        for (job, outcome) in results {
            let mine = notifications::table
                .filter(notifications::id.eq(&job.id))
                .filter(notifications::claim.eq(token));
            let attempts = job.attempts + 1;
            let none: Option<NaiveDateTime> = None;
            n += match outcome {
                Outcome::Delivered => diesel::update(mine)
                    .set((
                        notifications::status.eq(DeliveryStatus::Delivered),
                        notifications::attempts.eq(attempts),
                        notifications::delivered_at.eq(now),
                        notifications::lease_until.eq(none),
                    ))
                    .execute(conn)?,
                Outcome::Failed { error, retry_at } => diesel::update(mine)
                    .set((
                        notifications::status.eq(match retry_at {
                            Some(_) => DeliveryStatus::Pending,
                            None => DeliveryStatus::Dead,
                        }),
                        notifications::attempts.eq(attempts),
                        notifications::next_attempt_at.eq(retry_at.unwrap_or(now)),
                        notifications::last_error.eq(error),
                        notifications::lease_until.eq(none),
                    ))
                    .execute(conn)?,
            };
        }
        Ok(n)
    })
}
