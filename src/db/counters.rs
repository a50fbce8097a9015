//! Fixed-window counters in the `limit_counters` table, shared by every process on the
//! database: an upsert raises a counter and answers its new value in one statement, so two
//! replicas (or two requests) counting at once never lose a count.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use super::{postgres_placeholders, DbConn};

/// One counter: a scope (what is counted), a key (whose) and the window it counts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub scope: &'static str,
    pub key: String,
    /// Unix seconds the window began.
    pub start: i64,
    /// Unix seconds the window ends.
    pub end: i64,
}

impl Slot {
    /// The window of `len` seconds (at least one) that `now` (Unix seconds) falls in.
    pub fn at(scope: &'static str, key: &str, now: i64, len: i64) -> Slot {
        let len = len.max(1);
        let start = now - now.rem_euclid(len);
        Slot {
            scope,
            key: key.to_owned(),
            start,
            end: start + len,
        }
    }

    /// Whole seconds from `now` until the window ends (at least one).
    pub fn remaining(&self, now: i64) -> u64 {
        (self.end - now).max(1) as u64
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Integer)]
    n: i32,
}

const RAISE: &str = "INSERT INTO limit_counters (scope, key, window_start, expires_at, n) \
     VALUES (?, ?, ?, ?, 1) ON CONFLICT (scope, key, window_start) \
     DO UPDATE SET n = limit_counters.n + 1 RETURNING n";
const LOWER: &str = "UPDATE limit_counters SET n = n - 1 \
     WHERE scope = ? AND key = ? AND window_start = ? AND n > 0";
const CLEAR: &str = "DELETE FROM limit_counters WHERE scope = ? AND key = ?";
const PRUNE: &str = "DELETE FROM limit_counters WHERE expires_at <= ?";

/// Runs `$sql` on either backend (numbering the placeholders for PostgreSQL) with the binds
/// `$bind` adds, through `$run` (`execute` or `load::<T>`).
macro_rules! on_backend {
    ($conn:expr, $sql:expr, |$q:ident| $bind:expr, $($run:tt)+) => {
        match $conn {
            DbConn::Sqlite(c) => {
                let $q = diesel::sql_query($sql);
                $bind.$($run)+(c)
            }
            DbConn::Postgres(c) => {
                let $q = diesel::sql_query(postgres_placeholders($sql));
                $bind.$($run)+(c)
            }
        }
    };
}

/// Counts one more in `slot` and answers the count, this one included.
pub fn raise(conn: &mut DbConn, slot: &Slot) -> QueryResult<u32> {
    let rows: Vec<Count> = on_backend!(
        conn,
        RAISE,
        |q| q
            .bind::<Text, _>(slot.scope)
            .bind::<Text, _>(slot.key.as_str())
            .bind::<BigInt, _>(slot.start)
            .bind::<BigInt, _>(slot.end),
        load::<Count>
    )?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u32))
}

/// Takes back one count of `slot` (what was reserved and did not count after all).
pub fn lower(conn: &mut DbConn, slot: &Slot) -> QueryResult<()> {
    on_backend!(
        conn,
        LOWER,
        |q| q
            .bind::<Text, _>(slot.scope)
            .bind::<Text, _>(slot.key.as_str())
            .bind::<BigInt, _>(slot.start),
        execute
    )?;
    Ok(())
}

/// Forgets every window of `scope` and `key`.
pub fn clear(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<()> {
    on_backend!(
        conn,
        CLEAR,
        |q| q.bind::<Text, _>(scope).bind::<Text, _>(key),
        execute
    )?;
    Ok(())
}

/// Removes the counters whose windows ended by `now`; answers how many.
pub fn prune(conn: &mut DbConn, now: i64) -> QueryResult<usize> {
    on_backend!(conn, PRUNE, |q| q.bind::<BigInt, _>(now), execute)
}

/// The current count of `slot` (0 when nothing was counted), for tests and diagnostics.
pub fn count(conn: &mut DbConn, slot: &Slot) -> QueryResult<u32> {
    const GET: &str =
        "SELECT n FROM limit_counters WHERE scope = ? AND key = ? AND window_start = ?";
    let rows: Vec<Count> = on_backend!(
        conn,
        GET,
        |q| q
            .bind::<Text, _>(slot.scope)
            .bind::<Text, _>(slot.key.as_str())
            .bind::<BigInt, _>(slot.start),
        load::<Count>
    )?;
    Ok(rows.first().map_or(0, |r| r.n.max(0) as u32))
}
