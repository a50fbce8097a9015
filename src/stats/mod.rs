//! Approval counts per year and month (the figure a banner reports: "年初以来共审批牌匾40块").
//! Years and months are those of the configured time zone, fixed when the event happens. The
//! figures come from running counts kept with every change of state (`stat_counts`), so a
//! read costs a few rows however many applications there are; [`recount`] recomputes them
//! from the applications to check them.

mod on_time;

pub use on_time::{on_time, recount as recount_on_time, OnTime};

use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::applications::Status;
use crate::db::schema::{applications, stat_counts};
use crate::db::DbConn;
use crate::db::DbError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct YearCounts {
    pub year: i32,
    /// Approved in this year.
    pub approved: i64,
    /// Rejected in this year.
    pub rejected: i64,
    /// First submitted in this year.
    pub submitted: i64,
    /// Submitted in this year and still open now.
    pub pending: i64,
    /// Approved in this year and revoked since (also counted in `approved`: the approval
    /// number stays used).
    pub revoked: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MonthCount {
    pub month: u32,
    pub approved: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TownshipCount {
    pub township: String,
    pub approved: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct YearDetail {
    #[serde(flatten)]
    pub counts: YearCounts,
    /// Decisions within the statutory limit and late, and the median working days.
    #[serde(flatten)]
    pub on_time: OnTime,
    /// Approvals in each month, January to December.
    pub months: Vec<MonthCount>,
    /// Approvals of the year by township.
    pub townships: Vec<TownshipCount>,
}

/// Counts for every year with any activity, oldest first, from the running counts.
pub fn by_year(conn: &mut DbConn) -> Result<Vec<YearCounts>, DbError> {
    let rows: Vec<(i32, String, i64)> = stat_counts::table
        .filter(stat_counts::month.eq(0))
        .filter(stat_counts::township.eq(""))
        .select((stat_counts::year, stat_counts::metric, stat_counts::n))
        .load(conn)?;
    let mut years: BTreeMap<i32, YearCounts> = BTreeMap::new();
    for (year, metric, n) in rows {
        let y = years.entry(year).or_insert_with(|| YearCounts {
            year,
            ..Default::default()
        });
        match metric.as_str() {
            "approved" => y.approved = n,
            "rejected" => y.rejected = n,
            "submitted" => y.submitted = n,
            "pending" => y.pending = n,
            "revoked" => y.revoked = n,
            _ => {}
        }
    }
    Ok(years.into_values().collect())
}

/// One year in detail, with approvals per month and per township.
pub fn year(conn: &mut DbConn, year: i32) -> Result<YearDetail, DbError> {
    let counts = by_year(conn)?
        .into_iter()
        .find(|c| c.year == year)
        .unwrap_or(YearCounts {
            year,
            ..Default::default()
        });
    let approved: Vec<(i32, String, i64)> = stat_counts::table
        .filter(stat_counts::year.eq(year))
        .filter(stat_counts::metric.eq("approved"))
        .select((stat_counts::month, stat_counts::township, stat_counts::n))
        .load(conn)?;
    let months = (1..=12)
        .map(|month| MonthCount {
            month: month as u32,
            approved: approved
                .iter()
                .filter(|(m, t, _)| *m == month && t.is_empty())
                .map(|(_, _, n)| n)
                .sum(),
        })
        .collect();
    let mut townships: Vec<TownshipCount> = approved
        .into_iter()
        .filter(|(m, t, n)| *m == 0 && !t.is_empty() && *n > 0)
        .map(|(_, township, approved)| TownshipCount { township, approved })
        .collect();
    townships.sort_by(|a, b| {
        b.approved
            .cmp(&a.approved)
            .then(a.township.cmp(&b.township))
    });
    Ok(YearDetail {
        counts,
        on_time: on_time(conn)?.remove(&year).unwrap_or_default(),
        months,
        townships,
    })
}

/// A year's counts with its on-time figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct YearFigures {
    #[serde(flatten)]
    pub counts: YearCounts,
    #[serde(flatten)]
    pub on_time: OnTime,
}

/// Every year's counts ([`by_year`]) with its on-time figures.
pub fn years(conn: &mut DbConn) -> Result<Vec<YearFigures>, DbError> {
    let mut on_time = on_time(conn)?;
    Ok(by_year(conn)?
        .into_iter()
        .map(|counts| YearFigures {
            on_time: on_time.remove(&counts.year).unwrap_or_default(),
            counts,
        })
        .collect())
}

/// The same per-year counts recomputed from the applications themselves: a full scan, for
/// checking the running counts (tests, and an operator after a manual data repair).
pub fn recount(conn: &mut DbConn) -> Result<Vec<YearCounts>, DbError> {
    let mut years: BTreeMap<i32, YearCounts> = BTreeMap::new();
    let submitted: Vec<(i32, String, i64)> = applications::table
        .group_by((applications::submitted_year, applications::status))
        .select((
            applications::submitted_year,
            applications::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (year, status, n) in submitted {
        let y = years.entry(year).or_insert_with(|| YearCounts {
            year,
            ..Default::default()
        });
        y.submitted += n;
        if Status::parse(&status).is_some_and(|s| !s.is_final()) {
            y.pending += n;
        }
    }
    let decided: Vec<(Option<i32>, String, i64)> = applications::table
        .filter(applications::decided_year.is_not_null())
        .group_by((applications::decided_year, applications::status))
        .select((
            applications::decided_year,
            applications::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (year, status, n) in decided {
        let Some(year) = year else { continue };
        let y = years.entry(year).or_insert_with(|| YearCounts {
            year,
            ..Default::default()
        });
        if status == Status::Approved.as_str() {
            y.approved += n;
        } else if status == Status::Revoked.as_str() {
            y.approved += n;
            y.revoked += n;
        } else if status == Status::Rejected.as_str() {
            y.rejected += n;
        }
    }
    Ok(years.into_values().collect())
}

const CSV_HEADER: &str = "year,approved,rejected,submitted,pending,revoked";

fn csv_row(c: &YearCounts) -> String {
    format!(
        "{},{},{},{},{},{}",
        c.year, c.approved, c.rejected, c.submitted, c.pending, c.revoked
    )
}

pub fn years_csv(years: &[YearCounts]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for y in years {
        out.push_str(&csv_row(y));
        out.push('\n');
    }
    out
}

/// The year's totals, its decisions on time and late (the median empty when none), then one
/// row per month (`year,month,approved`).
pub fn year_csv(detail: &YearDetail) -> String {
    let mut out = years_csv(std::slice::from_ref(&detail.counts));
    let t = &detail.on_time;
    out.push_str(&format!(
        "\nyear,decided_within_limit,decided_late,median_working_days\n{},{},{},{}\n",
        detail.counts.year,
        t.decided_within_limit,
        t.decided_late,
        t.median_working_days
            .map_or(String::new(), |m| m.to_string()),
    ));
    out.push_str("\nyear,month,approved\n");
    for m in &detail.months {
        out.push_str(&format!(
            "{},{},{}\n",
            detail.counts.year, m.month, m.approved
        ));
    }
    out
}
