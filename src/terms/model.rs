//! A term: its closed status, its row and the view the API answers.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::terms;

/// `proposed` until a translator or an admin approves it; only approved terms are used by
/// suggestions and rule T3.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum TermStatus {
    Proposed,
    Approved,
}

impl TermStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TermStatus::Proposed => "proposed",
            TermStatus::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<TermStatus> {
        match s {
            "proposed" => Some(TermStatus::Proposed),
            "approved" => Some(TermStatus::Approved),
            _ => None,
        }
    }
}

crate::text_column!(TermStatus, "term status");

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = terms)]
pub struct TermRow {
    pub id: String,
    pub zh: String,
    pub mn: String,
    pub note: String,
    pub source: String,
    pub status: TermStatus,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

/// Who changed a term last.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermActor {
    pub id: String,
    pub display_name: String,
}

/// A term as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Term {
    pub id: String,
    pub zh: String,
    pub mn: String,
    pub note: String,
    pub source: String,
    pub status: TermStatus,
    /// Send it back with a change: a change made on an outdated copy is refused (409).
    pub version: i32,
    pub updated_by: TermActor,
    pub updated_at: DateTime<Utc>,
}

impl Term {
    pub fn of(row: TermRow, display_name: String) -> Term {
        Term {
            updated_by: TermActor {
                id: row.updated_by,
                display_name,
            },
            id: row.id,
            zh: row.zh,
            mn: row.mn,
            note: row.note,
            source: row.source,
            status: row.status,
            version: row.version,
            updated_at: DateTime::from_naive_utc_and_offset(row.updated_at, Utc),
        }
    }
}

/// A page of terms and how many match in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermPage {
    pub items: Vec<Term>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}
