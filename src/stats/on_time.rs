//! On-time figures per year: decisions (approvals and rejections) within the statutory limit
//! and late, and the median working days to a decision. Read from `decision_days`, a
//! histogram per year, working days and within-limit that triggers keep from the clock's
//! projection on the applications (migration 000013): a read is a few hundred rows whatever
//! the number of applications, and the median is read off the histogram.
//! [`recount`] computes the same figures from the applications themselves (for checks).

use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::db::schema::{applications, decision_days};
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

/// The figures of every year with a decision, from the running histogram.
pub fn on_time(conn: &mut DbConn) -> Result<BTreeMap<i32, OnTime>, DbError> {
    let rows: Vec<(i32, i32, bool, i64)> = decision_days::table
        .filter(decision_days::n.gt(0))
        .order((decision_days::year, decision_days::working_days))
        .select((
            decision_days::year,
            decision_days::working_days,
            decision_days::within_limit,
            decision_days::n,
        ))
        .load(conn)?;
    let mut histograms: BTreeMap<i32, Vec<(i32, i64)>> = BTreeMap::new();
    let mut years: BTreeMap<i32, OnTime> = BTreeMap::new();
    for (year, days, within, n) in rows {
        let y = years.entry(year).or_default();
        match within {
            true => y.decided_within_limit += n,
            false => y.decided_late += n,
        }
        histograms.entry(year).or_default().push((days, n));
    }
    for (year, figures) in years.iter_mut() {
        figures.median_working_days = histogram_median(&histograms[year]);
    }
    Ok(years)
}

/// The median of a histogram of (working days, decisions), sorted by working days.
fn histogram_median(buckets: &[(i32, i64)]) -> Option<f64> {
    let total: i64 = buckets.iter().map(|b| b.1).sum();
    if total == 0 {
        return None;
    }
    // The 0-based ranks of the middle decision (or the two middle ones).
    let ranks = [(total - 1) / 2, total / 2];
    let value_at = |rank: i64| {
        let mut seen = 0;
        buckets.iter().find_map(|&(days, n)| {
            seen += n;
            (rank < seen).then_some(f64::from(days))
        })
    };
    Some((value_at(ranks[0])? + value_at(ranks[1])?) / 2.0)
}

/// The same figures computed from the applications (one grouped count and the middle rows).
pub fn recount(conn: &mut DbConn) -> Result<BTreeMap<i32, OnTime>, DbError> {
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

#[cfg(test)]
mod tests {
    use super::histogram_median;

    #[test]
    fn the_median_of_a_histogram_is_the_middle_decision_or_the_mean_of_the_two() {
        assert_eq!(histogram_median(&[]), None);
        assert_eq!(histogram_median(&[(4, 0)]), None);
        assert_eq!(histogram_median(&[(7, 1)]), Some(7.0));
        // 3 3 5 9: the two middle ones are 3 and 5.
        assert_eq!(histogram_median(&[(3, 2), (5, 1), (9, 1)]), Some(4.0));
        // 1 2 2 2 8: the middle one is 2.
        assert_eq!(histogram_median(&[(1, 1), (2, 3), (8, 1)]), Some(2.0));
    }
}
