//! Approval counts per year and month (the figure a banner reports: "年初以来共审批牌匾40块").
//! Years and months are those of the configured time zone, fixed on each row when the event
//! happens, so counting is a grouped scan of an index.

use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::applications::Status;
use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::AppResult;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct YearDetail {
    #[serde(flatten)]
    pub counts: YearCounts,
    /// Approvals in each month, January to December.
    pub months: Vec<MonthCount>,
    /// Approvals of the year by township.
    pub townships: Vec<TownshipCount>,
}

/// Counts for every year with any activity, oldest first.
pub fn by_year(conn: &mut DbConn) -> AppResult<Vec<YearCounts>> {
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
        .filter(applications::status.eq_any([Status::Approved.as_str(), Status::Rejected.as_str()]))
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
        } else {
            y.rejected += n;
        }
    }
    Ok(years.into_values().collect())
}

/// One year in detail, with approvals per month and per township.
pub fn year(conn: &mut DbConn, year: i32) -> AppResult<YearDetail> {
    let counts = by_year(conn)?
        .into_iter()
        .find(|c| c.year == year)
        .unwrap_or(YearCounts {
            year,
            ..Default::default()
        });
    let approved = applications::table
        .filter(applications::decided_year.eq(year))
        .filter(applications::status.eq(Status::Approved.as_str()));
    let per_month: Vec<(Option<i32>, i64)> = approved
        .group_by(applications::decided_month)
        .select((applications::decided_month, diesel::dsl::count_star()))
        .load(conn)?;
    let months = (1..=12u32)
        .map(|month| MonthCount {
            month,
            approved: per_month
                .iter()
                .filter(|(m, _)| *m == Some(month as i32))
                .map(|(_, n)| n)
                .sum(),
        })
        .collect();
    let mut townships: Vec<TownshipCount> = approved
        .group_by(applications::township)
        .select((applications::township, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .map(|(township, approved)| TownshipCount { township, approved })
        .collect();
    townships.sort_by(|a, b| {
        b.approved
            .cmp(&a.approved)
            .then(a.township.cmp(&b.township))
    });
    Ok(YearDetail {
        counts,
        months,
        townships,
    })
}

const CSV_HEADER: &str = "year,approved,rejected,submitted,pending";

fn csv_row(c: &YearCounts) -> String {
    format!(
        "{},{},{},{},{}",
        c.year, c.approved, c.rejected, c.submitted, c.pending
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

/// The year's totals, then one row per month (`year,month,approved`).
pub fn year_csv(detail: &YearDetail) -> String {
    let mut out = years_csv(std::slice::from_ref(&detail.counts));
    out.push_str("\nyear,month,approved\n");
    for m in &detail.months {
        out.push_str(&format!(
            "{},{},{}\n",
            detail.counts.year, m.month, m.approved
        ));
    }
    out
}
