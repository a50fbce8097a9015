//! `q`, the text search of the list: a part of the shop name, address, licence number or
//! reference. On SQLite a `LIKE` over the fields; on PostgreSQL one indexed text of the fields
//! (`signboard_queue_text`, migration 000011): trigrams (`pg_trgm`) for three characters and
//! more, and for one or two characters (which have no trigram: 草原) the text's characters and
//! character pairs (`signboard_grams`); a whole licence code by its B-tree index.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::base::Query;
use crate::db::schema::applications;
use crate::db::DbConn;

/// Which SQL the search is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
    /// PostgreSQL, counting: a short `q` by its exact, indexed condition alone (the cheap
    /// `LIKE` that also filters a page walked in order would skew the planner's estimate).
    PostgresCount,
}

impl Dialect {
    pub(crate) fn of(conn: &DbConn) -> Dialect {
        match conn {
            DbConn::Sqlite(_) => Dialect::Sqlite,
            DbConn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The dialect of a count.
    pub(crate) fn counting(self) -> Dialect {
        match self {
            Dialect::Postgres => Dialect::PostgresCount,
            other => other,
        }
    }
}

/// Whether the planner's estimate of a filter with this `q` is good enough to stand for a count
/// far above the exact limit: one or two characters, estimated from the element statistics of
/// the pair index (PostgreSQL).
pub(crate) fn estimated_well(text: Option<&str>) -> bool {
    text.map(str::trim)
        .is_some_and(|t| !t.is_empty() && t.chars().count() < 3 && !is_licence_code(t))
}

const QUEUE_TEXT: &str = "signboard_queue_text(shop_name, address, license_no, reference)";

/// The rows of `q` whose fields contain `text` (trimmed, not empty).
pub(crate) fn matching<'a>(q: Query<'a>, text: &str, dialect: Dialect) -> Query<'a> {
    let pattern = format!("%{}%", escape_like(text));
    match dialect {
        Dialect::Sqlite => q.filter(
            applications::shop_name
                .like(pattern.clone())
                .escape('\\')
                .or(applications::license_no.like(pattern.clone()).escape('\\'))
                .or(applications::address.like(pattern.clone()).escape('\\'))
                .or(applications::reference.like(pattern).escape('\\')),
        ),
        Dialect::Postgres | Dialect::PostgresCount if is_licence_code(text) => {
            q.filter(applications::license_no.eq(text.to_owned()))
        }
        Dialect::Postgres | Dialect::PostgresCount => {
            let like = sql::<Bool>(QUEUE_TEXT)
                .sql(" LIKE ")
                .bind::<Text, _>(pattern)
                .sql(" ESCAPE '\\'");
            if text.chars().count() >= 3 {
                return q.filter(like);
            }
            let pairs = sql::<Bool>("signboard_grams(")
                .sql(QUEUE_TEXT)
                .sql(") @> ARRAY[")
                .bind::<Text, _>(text.to_owned())
                .sql("]::text[]");
            if dialect == Dialect::PostgresCount {
                q.filter(pairs)
            } else {
                // The index condition, and the cheap LIKE that PostgreSQL checks first when it
                // walks the queue's order instead.
                q.filter(like).filter(pairs)
            }
        }
    }
}

/// A whole unified social credit code (18 digits and capitals): every code of a region starts
/// with the same few characters, whose trigrams are in every row, so a whole code is looked up
/// by its B-tree index instead (it can be no part of a longer field).
fn is_licence_code(text: &str) -> bool {
    text.len() == 18
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
