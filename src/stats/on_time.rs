//! On-time figures per year: decisions (approvals and rejections) within the statutory limit
//! and late, and the median working days to a decision. Read from the clock's projection on
//! the applications (`decided_working_days`, `decided_within_limit`, indexed by year), so a
//! read is one grouped count and one indexed row or two per year.

use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::db::schema::applications;
use crate::db::{DbConn, DbError};

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct OnTime {
    /// Decided in the year within the limit (and extension).
    pub decided_within_limit: i64,
    /// Decided in the year after the limit.
    pub decided_late: i64,
    /// Median working days from submission to decision (paused days not counted); none
    /// without decisions.
    pub median_working_days: Option<f64>,
}

/// The figures of every year with a decision.
pub fn on_time(conn: &mut DbConn) -> Result<BTreeMap<i32, OnTime>, DbError> {
    let rows: Vec<(Option<i32>, Option<bool>, i64)> = applications::table
        .filter(applications::decided_working_days.is_not_null())
        .group_by((
            applications::decided_year,
            applications::decided_within_limit,
        ))
        .select((
            applications::decided_year,
            applications::decided_within_limit,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut years: BTreeMap<i32, OnTime> = BTreeMap::new();
    for (year, within, n) in rows {
        let Some(year) = year else { continue };
        let y = years.entry(year).or_default();
        match within {
            Some(true) => y.decided_within_limit += n,
            _ => y.decided_late += n,
        }
    }
    for (year, figures) in years.iter_mut() {
        figures.median_working_days = median(
            conn,
            *year,
            figures.decided_within_limit + figures.decided_late,
        )?;
    }
    Ok(years)
}

/// The median of the year's `n` decisions' working days: the middle row (or the two middle
/// rows) of the index.
fn median(conn: &mut DbConn, year: i32, n: i64) -> Result<Option<f64>, DbError> {
    if n == 0 {
        return Ok(None);
    }
    let middle: Vec<Option<i32>> = applications::table
        .filter(applications::decided_year.eq(year))
        .filter(applications::decided_working_days.is_not_null())
        .select(applications::decided_working_days)
        .order(applications::decided_working_days.asc())
        .limit(2 - n % 2)
        .offset((n - 1) / 2)
        .load(conn)?;
    let values: Vec<f64> = middle.into_iter().flatten().map(f64::from).collect();
    Ok((!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64))
}
