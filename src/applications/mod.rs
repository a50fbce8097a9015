//! Applications for a sign: the merchant's form, immutable revisions, attachments, the review
//! workflow and approval numbers.
//!
//! - `states`: the closed sets (status, action), stored as checked text;
//! - `workflow`: the table of moves with their roles, states, targets and guards;
//! - `form`, `request`, `license`: what clients send, parsed into domain types;
//! - `rows`: one file per table with its reads and writes;
//! - `commands`: submission and transitions; `queries`: the list and the detail view.

pub mod commands;
pub mod deadline;
pub mod error;
pub mod form;
pub mod license;
pub mod queries;
pub mod repo;
pub mod request;
pub mod rows;
pub mod states;
pub mod workflow;

use chrono::{DateTime, Utc};

pub use crate::engine::Evaluation;
pub use commands::submit::SubmitResult;
pub use error::TransitionError;
pub use form::{invalid_fields, invalid_spec, ApplicationForm, ValidForm};
pub use request::{
    ChangeItem, Decision, IdempotencyKey, TransitionRequest, MAX_CHANGE_ITEMS, MAX_COMMENT_CHARS,
    MAX_ITEM_CHARS, MAX_RULE_CHARS,
};
pub use states::{Action, Status};

/// Settings the workflow needs, passed in so tests can fix them.
#[derive(Debug, Clone)]
pub struct WorkflowSettings {
    pub timezone: chrono_tz::Tz,
    pub approval_prefix: String,
    /// The notification texts; the moves write their notifications with them.
    pub notices: std::sync::Arc<crate::notify::Notices>,
    /// The statutory clock of the rules profile.
    pub clock: crate::clock::ClockSettings,
    /// Working days, for the clock.
    pub calendar: std::sync::Arc<crate::calendar::Calendar>,
    /// The issuing office printed on documents (`SIGNBOARD_OFFICE_NAME`).
    pub office_name: String,
    /// Where the service is reached from outside, for the QR codes (`SIGNBOARD_PUBLIC_URL`).
    pub public_url: String,
    /// The key that signs verification records.
    pub seal: std::sync::Arc<crate::signing::Seal>,
    /// Up to how many rows the list's total is exact (`SIGNBOARD_EXACT_TOTAL_LIMIT`).
    pub exact_total_limit: i64,
}

impl WorkflowSettings {
    /// `奈民委牌审〔2025〕0007号`.
    pub fn approval_no(&self, year: i32, seq: i32) -> String {
        format!("{}〔{year}〕{seq:04}号", self.approval_prefix)
    }

    /// The public verification page of a token: `{public_url}/v/{token}`.
    pub fn verify_url(&self, token: &str) -> String {
        format!("{}/v/{token}", self.public_url.trim_end_matches('/'))
    }

    /// The next reference of `year`'s submissions: `2026-0042`.
    pub fn reference(year: i32, seq: i32) -> String {
        format!("{year}-{seq:04}")
    }

    /// Year and month of an instant in the configured zone.
    pub fn local_year_month(&self, at: DateTime<Utc>) -> (i32, u32) {
        use chrono::Datelike;
        let local = at.with_timezone(&self.timezone);
        (local.year(), local.month())
    }

    /// The day of an instant in the configured zone (the clock counts these).
    pub fn local_date(&self, at: DateTime<Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.timezone).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_late_new_years_eve_in_beijing_counts_for_the_old_year() {
        let s = WorkflowSettings {
            timezone: chrono_tz::Asia::Shanghai,
            approval_prefix: "奈民委牌审".into(),
            notices: std::sync::Arc::new(crate::notify::Notices::off()),
            clock: crate::clock::ClockSettings::default(),
            calendar: std::sync::Arc::new(crate::calendar::Calendar::from_years([])),
            office_name: "奈曼旗民族事务委员会".into(),
            public_url: "http://127.0.0.1:8080/".into(),
            seal: std::sync::Arc::new(
                crate::signing::Seal::from_seed_b64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                    .unwrap(),
            ),
            exact_total_limit: 10_000,
        };
        assert_eq!(s.verify_url("abc"), "http://127.0.0.1:8080/v/abc");
        assert_eq!(WorkflowSettings::reference(2026, 42), "2026-0042");
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 15, 30, 0).unwrap();
        assert_eq!(s.local_year_month(at), (2024, 12));
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 16, 30, 0).unwrap();
        assert_eq!(s.local_year_month(at), (2025, 1));
        assert_eq!(s.approval_no(2025, 7), "奈民委牌审〔2025〕0007号");
        assert_eq!(s.local_date(at).to_string(), "2025-01-01");
    }
}
