//! The counts behind the console's tabs, in one request: per status, overdue, due soon and
//! the viewer's own open cases, with the list's visibility (a merchant counts its own).

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::list::{query, AssigneeFilter, ListFilter, Today};
use super::total::total;
use crate::applications::states::Status;
use crate::applications::WorkflowSettings;
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Summary {
    pub total: i64,
    /// Every status, with 0 for those without applications.
    pub by_status: BTreeMap<String, i64>,
    pub overdue: i64,
    pub due_soon: i64,
    /// Open applications held by the viewer (我的待办).
    pub mine: i64,
    /// Some count is above `SIGNBOARD_EXACT_TOTAL_LIMIT` and an estimate (as the list's
    /// `total_is_estimate`).
    pub has_estimates: bool,
}

/// Each count is one capped count of the list's filter (an index range scan of at most the
/// exact limit), never a scan of every application.
pub fn summary(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    today: NaiveDate,
) -> AppResult<Summary> {
    let day = Today::new(settings, today);
    let mut has_estimates = false;
    let mut count = |filter: ListFilter| -> AppResult<i64> {
        let make = |d| query(actor, &filter, &day, d);
        let t = total(conn, make, settings.exact_total_limit, false)?;
        has_estimates |= t.is_estimate;
        Ok(t.n)
    };
    let mut by_status = BTreeMap::new();
    for s in Status::ALL {
        let n = count(ListFilter {
            status: Some(s),
            ..ListFilter::default()
        })?;
        by_status.insert(s.as_str().to_owned(), n);
    }
    let overdue = count(ListFilter {
        overdue: true,
        ..ListFilter::default()
    })?;
    let due_soon = count(ListFilter {
        due_soon: true,
        ..ListFilter::default()
    })?;
    let mine = count(ListFilter {
        open: true,
        assignee: Some(AssigneeFilter::Me),
        ..ListFilter::default()
    })?;
    Ok(Summary {
        total: by_status.values().sum(),
        by_status,
        overdue,
        due_soon,
        mine,
        has_estimates,
    })
}
