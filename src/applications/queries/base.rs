//! The type of the list's query, shared by the modules that build it.

use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::AppResult;

pub(crate) type Backend = <DbConn as Connection>::Backend;
pub(crate) type Query<'a> = applications::BoxedQuery<'a, Backend>;

/// Runs `f` without parallel plans on PostgreSQL (in a transaction of its own, `SET LOCAL`):
/// a page of the queue is a few index reads, and starting parallel workers cost more than
/// they save (measured at a million applications: a common two-character search's page
/// 28 ms with two workers, 8 ms without).
pub(crate) fn serial<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConn::Sqlite(_) => f(conn),
        DbConn::Postgres(_) => conn.transaction(|c| {
            c.batch_execute("SET LOCAL max_parallel_workers_per_gather = 0")?;
            f(c)
        }),
    }
}
