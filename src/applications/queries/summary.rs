//! The counts behind the console's tabs, in one request: per status, overdue, due soon and
//! the viewer's own open cases, with the list's visibility (a merchant counts its own).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::list::{query, AssigneeFilter, ListFilter, Today};
use crate::applications::states::Status;
use crate::applications::WorkflowSettings;
use crate::auth::{Role, User};
use crate::db::schema::applications;
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
}

pub fn summary(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    today: NaiveDate,
) -> AppResult<Summary> {
    let day = Today::new(settings, today);
    let mut grouped = applications::table
        .group_by(applications::status)
        .select((applications::status, diesel::dsl::count_star()))
        .into_boxed();
    if actor.role == Role::Merchant {
        grouped = grouped.filter(applications::merchant_id.eq(actor.id.clone()));
    }
    let counted: Vec<(Status, i64)> = grouped.load(conn)?;
    let mut by_status: BTreeMap<String, i64> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0))
        .collect();
    for (status, n) in &counted {
        by_status.insert(status.as_str().to_owned(), *n);
    }
    let mut count = |filter: ListFilter| -> AppResult<i64> {
        Ok(query(actor, &filter, &day).count().get_result(conn)?)
    };
    Ok(Summary {
        total: counted.iter().map(|(_, n)| n).sum(),
        overdue: count(ListFilter {
            overdue: true,
            ..ListFilter::default()
        })?,
        due_soon: count(ListFilter {
            due_soon: true,
            ..ListFilter::default()
        })?,
        mine: count(ListFilter {
            open: true,
            assignee: Some(AssigneeFilter::Me),
            ..ListFilter::default()
        })?,
        by_status,
    })
}
