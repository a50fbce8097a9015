//! How many rows a filter has, without counting a million of them for every page: exact up
//! to a limit (a count over the filter with `LIMIT limit + 1`, an index range scan), and above
//! it an estimate: on PostgreSQL the planner's row estimate of the filter (`EXPLAIN`), on
//! SQLite (a banner's size) a full count.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Integer, Text};

use super::base::{Backend, Query};
use super::search::Dialect;
use crate::applications::rows::ApplicationRow;
use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::AppResult;

/// The total of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub n: i64,
    /// `n` is above the exact limit and not an exact count.
    pub is_estimate: bool,
}

/// `SELECT COUNT(*) FROM (inner) AS capped` or `EXPLAIN inner`.
struct Wrapped<Q> {
    prefix: &'static str,
    inner: Q,
    suffix: &'static str,
}

impl<Q: QueryFragment<Backend>> QueryFragment<Backend> for Wrapped<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(self.suffix);
        Ok(())
    }
}

struct Counted<Q>(Wrapped<Q>);
struct Explained<Q>(Wrapped<Q>);

macro_rules! wrapper {
    ($name:ident, $st:ty) => {
        impl<Q> QueryId for $name<Q> {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
        impl<Q: QueryFragment<Backend>> QueryFragment<Backend> for $name<Q> {
            fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Backend>) -> QueryResult<()> {
                self.0.walk_ast(out)
            }
        }
        impl<Q> diesel::query_builder::Query for $name<Q> {
            type SqlType = $st;
        }
        impl<Q> RunQueryDsl<DbConn> for $name<Q> {}
    };
}
wrapper!(Counted, BigInt);
wrapper!(Explained, Text);

/// The rows of the query `make` builds (in the dialect it is given), exactly up to `limit`,
/// estimated above it. With `estimate_first` (a filter the planner estimates well) a planner
/// estimate above twice the limit is taken without counting.
pub(crate) fn total(
    conn: &mut DbConn,
    make: impl Fn(Dialect) -> Query<'static>,
    limit: i64,
    estimate_first: bool,
) -> AppResult<Total> {
    let dialect = Dialect::of(conn).counting();
    if let Some(n) = clear_estimate(conn, &make, limit, estimate_first)? {
        return Ok(Total {
            n,
            is_estimate: true,
        });
    }
    let capped = Counted(Wrapped {
        prefix: "SELECT COUNT(*) FROM (",
        inner: make(dialect).select(sql::<Integer>("1")).limit(limit + 1),
        suffix: ") AS capped",
    });
    let n: i64 = capped.get_result(conn)?;
    if n <= limit {
        return Ok(Total {
            n,
            is_estimate: false,
        });
    }
    let estimate = match dialect {
        Dialect::PostgresCount => planner_rows(conn, make(dialect))?,
        _ => make(dialect).count().get_result(conn)?,
    };
    Ok(Total {
        n: estimate.max(limit + 1),
        is_estimate: true,
    })
}

/// The planner's estimate when asked for (`wanted`, PostgreSQL) and clearly above the limit.
fn clear_estimate(
    conn: &mut DbConn,
    make: &impl Fn(Dialect) -> Query<'static>,
    limit: i64,
    wanted: bool,
) -> AppResult<Option<i64>> {
    let dialect = Dialect::of(conn).counting();
    if !wanted || dialect != Dialect::PostgresCount {
        return Ok(None);
    }
    let n = planner_rows(conn, make(dialect))?;
    Ok((n > 2 * limit).then_some(n))
}

/// The planner's estimate of the rows of `q` (PostgreSQL).
fn planner_rows(conn: &mut DbConn, q: Query<'static>) -> AppResult<i64> {
    let plan = explained("EXPLAIN ", q.select(sql::<Integer>("1")));
    let lines: Vec<String> = plan.load(conn)?;
    Ok(lines.first().and_then(|l| rows_of(l)).unwrap_or(0))
}

fn explained<Q>(prefix: &'static str, inner: Q) -> Explained<Q> {
    Explained(Wrapped {
        prefix,
        inner,
        suffix: "",
    })
}

const ANALYZE: &str = "EXPLAIN (ANALYZE, BUFFERS) ";

/// The plan, run, of the capped count of [`total`] (PostgreSQL), or the plan of its estimate
/// when the count was skipped.
pub(crate) fn explain_count(
    conn: &mut DbConn,
    make: impl Fn(Dialect) -> Query<'static>,
    limit: i64,
    estimate_first: bool,
) -> AppResult<Vec<String>> {
    let dialect = Dialect::PostgresCount;
    if clear_estimate(conn, &make, limit, estimate_first)?.is_some() {
        let mut lines =
            vec!["-- count skipped: the planner's estimate is above twice the limit".to_owned()];
        lines.extend(
            explained("EXPLAIN ", make(dialect).select(sql::<Integer>("1")))
                .load::<String>(conn)?,
        );
        return Ok(lines);
    }
    let capped = Wrapped {
        prefix: "SELECT COUNT(*) FROM (",
        inner: make(dialect).select(sql::<Integer>("1")).limit(limit + 1),
        suffix: ") AS capped",
    };
    Ok(explained(ANALYZE, capped).load(conn)?)
}

/// The plan, run, of the rows of `q` (PostgreSQL), or of their ids only (`ids`: the first
/// step of a deep page).
pub(crate) fn explain_rows(
    conn: &mut DbConn,
    q: Query<'static>,
    ids: bool,
) -> AppResult<Vec<String>> {
    Ok(if ids {
        explained(ANALYZE, q.select(applications::id)).load(conn)?
    } else {
        explained(ANALYZE, q.select(ApplicationRow::as_select())).load(conn)?
    })
}

/// `rows=N` of a plan line.
fn rows_of(line: &str) -> Option<i64> {
    let start = line.find("rows=")? + "rows=".len();
    let digits: String = line[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::rows_of;

    #[test]
    fn the_row_estimate_is_read_from_the_top_plan_line() {
        let line = "Index Only Scan using applications_queue_status_due on applications  \
                    (cost=0.42..3051.20 rows=166823 width=4)";
        assert_eq!(rows_of(line), Some(166_823));
        assert_eq!(rows_of("Result  (cost=0.00..0.01 width=4)"), None);
    }
}
