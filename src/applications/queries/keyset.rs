//! Keyset pagination of the queue: the opaque `after` cursor names the last row of a page in
//! the list's order, and the next page is the rows after it (an index range scan, however
//! deep the page). The due order sorts on [`DUE_KEY`] so that a paused case without a due day
//! has a key too, the same on both backends (the indexes of migration 000011 use it).

use base64::Engine as _;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Integer, Text, Timestamp};

use super::base::Query;
use crate::applications::rows::ApplicationRow;
use crate::error::{AppError, ErrorCode};

/// The due day as a sort key: a case without one sorts after every dated case of its state.
pub(crate) const DUE_KEY: &str = "COALESCE(due_on, '9999-12-31')";

/// Where a page ends, in one of the two orders of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// `sort=due`: state, due key, id (all ascending).
    Due {
        clock_state: i32,
        due_key: NaiveDate,
        id: String,
    },
    /// `sort=submitted`: submission time, id (both descending).
    Submitted { at: NaiveDateTime, id: String },
}

const TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

impl Cursor {
    /// The cursor after `row` in the due order (`by_due`) or the submission order.
    pub(crate) fn after(row: &ApplicationRow, by_due: bool) -> Cursor {
        if by_due {
            Cursor::Due {
                clock_state: row.clock_state,
                due_key: row.due_on.unwrap_or_else(no_due_day),
                id: row.id.clone(),
            }
        } else {
            Cursor::Submitted {
                at: row.submitted_at,
                id: row.id.clone(),
            }
        }
    }

    pub fn is_due_order(&self) -> bool {
        matches!(self, Cursor::Due { .. })
    }

    /// The opaque text of the cursor (base64url).
    pub fn encode(&self) -> String {
        let plain = match self {
            Cursor::Due {
                clock_state,
                due_key,
                id,
            } => format!("d|{clock_state}|{due_key}|{id}"),
            Cursor::Submitted { at, id } => format!("s|{}|{id}", at.format(TIME)),
        };
        b64().encode(plain)
    }

    /// A cursor from its text; `None` when it is not one this service wrote.
    pub fn parse(text: &str) -> Option<Cursor> {
        if text.len() > 200 {
            return None;
        }
        let bytes = b64().decode(text.trim()).ok()?;
        let plain = String::from_utf8(bytes).ok()?;
        let mut parts = plain.splitn(4, '|');
        let cursor = match parts.next()? {
            "d" => Cursor::Due {
                clock_state: parts.next()?.parse().ok()?,
                due_key: NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?,
                id: parts.next()?.to_owned(),
            },
            "s" => {
                let at = NaiveDateTime::parse_from_str(parts.next()?, TIME).ok()?;
                let id = parts.next()?.to_owned();
                if parts.next().is_some() {
                    return None;
                }
                Cursor::Submitted { at, id }
            }
            _ => return None,
        };
        let id = match &cursor {
            Cursor::Due { id, .. } | Cursor::Submitted { id, .. } => id,
        };
        let plausible = !id.is_empty() && id.len() <= 64 && !id.contains(char::is_control);
        plausible.then_some(cursor)
    }

    /// The rows of `q` after this cursor in its order (a row-value comparison the indexes
    /// serve as a range).
    pub(crate) fn filter<'a>(&self, q: Query<'a>) -> Query<'a> {
        match self.clone() {
            Cursor::Due {
                clock_state,
                due_key,
                id,
            } => q.filter(
                sql::<Bool>("(clock_state, ")
                    .sql(DUE_KEY)
                    .sql(", id) > (")
                    .bind::<Integer, _>(clock_state)
                    .sql(", ")
                    .bind::<Date, _>(due_key)
                    .sql(", ")
                    .bind::<Text, _>(id)
                    .sql(")"),
            ),
            Cursor::Submitted { at, id } => q.filter(
                sql::<Bool>("(submitted_at, id) < (")
                    .bind::<Timestamp, _>(at)
                    .sql(", ")
                    .bind::<Text, _>(id)
                    .sql(")"),
            ),
        }
    }
}

/// The key [`DUE_KEY`] gives a case without a due day.
fn no_due_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// [`DUE_KEY`] as an expression of the list's query.
pub(crate) fn due_key() -> diesel::expression::SqlLiteral<Date> {
    sql::<Date>(DUE_KEY)
}

/// 400 `invalid_query`: a cursor of the other order than the one asked for.
pub(crate) fn other_order() -> AppError {
    AppError::explained(
        ErrorCode::InvalidQuery,
        "after 是另一种排序的翻页位置，请从第一页重新翻页",
    )
    .with_details(serde_json::json!({"parameter": "after"}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_written_and_others_are_refused() {
        let due = Cursor::Due {
            clock_state: 1,
            due_key: no_due_day(),
            id: "3f2a".into(),
        };
        let at = NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_micro_opt(8, 30, 5, 123_456))
            .unwrap();
        let submitted = Cursor::Submitted {
            at,
            id: "b7".into(),
        };
        for c in [&due, &submitted] {
            assert_eq!(Cursor::parse(&c.encode()).as_ref(), Some(c));
        }
        assert!(due.is_due_order() && !submitted.is_due_order());
        for bad in ["", "x", "ZHwxfDIwMjYtMDEtMDE", "%%%", &"A".repeat(300)] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
