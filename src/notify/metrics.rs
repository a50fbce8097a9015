//! Delivery metrics for the administrator: how many notifications wait, fail or died, and how
//! long the recent ones took from the event to their delivery.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::rows::{troubled, DeliveryStatus, Trouble, TroubleItem};
use crate::db::schema::notifications;
use crate::db::DbConn;
use crate::error::AppResult;

/// The latency is taken over this many most recent deliveries.
pub const LATENCY_SAMPLES: i64 = 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Metrics {
    /// Not delivered yet (failing ones included).
    pub pending: i64,
    /// Pending after at least one failed attempt.
    pub failing: i64,
    pub dead: i64,
    pub delivered: i64,
    pub latency: Latency,
}

/// From the event to the delivery, in milliseconds, over the most recent deliveries.
#[derive(Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Latency {
    pub samples: usize,
    pub median_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    pub max_ms: Option<i64>,
}

impl Latency {
    pub fn of(mut ms: Vec<i64>) -> Latency {
        if ms.is_empty() {
            return Latency::default();
        }
        ms.sort_unstable();
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        Latency {
            samples: ms.len(),
            median_ms: Some(at(0.5)),
            p95_ms: Some(at(0.95)),
            max_ms: ms.last().copied(),
        }
    }
}

fn count(conn: &mut DbConn, status: DeliveryStatus, retried: bool) -> QueryResult<i64> {
    let of_status = notifications::table.filter(notifications::status.eq(status));
    match retried {
        true => of_status
            .filter(notifications::attempts.gt(0))
            .count()
            .get_result(conn),
        false => of_status.count().get_result(conn),
    }
}

pub fn metrics(conn: &mut DbConn) -> AppResult<Metrics> {
    let times: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = notifications::table
        .filter(notifications::status.eq(DeliveryStatus::Delivered))
        .order(notifications::delivered_at.desc())
        .limit(LATENCY_SAMPLES)
        .select((notifications::created_at, notifications::delivered_at))
        .load(conn)?;
    let ms = times
        .into_iter()
        .filter_map(|(created, delivered)| delivered.map(|d| (d - created).num_milliseconds()))
        .map(|ms| ms.max(0))
        .collect();
    Ok(Metrics {
        pending: count(conn, DeliveryStatus::Pending, false)?,
        failing: count(conn, DeliveryStatus::Pending, true)?,
        dead: count(conn, DeliveryStatus::Dead, false)?,
        delivered: count(conn, DeliveryStatus::Delivered, false)?,
        latency: Latency::of(ms),
    })
}

/// Troubled deliveries and the delivery metrics, for the administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct TroubleReport {
    pub items: Vec<TroubleItem>,
    pub metrics: Metrics,
}

/// The newest `limit` troubled deliveries of `filter` (both kinds when `None`) and the metrics.
pub fn report(conn: &mut DbConn, filter: Option<Trouble>, limit: i64) -> AppResult<TroubleReport> {
    Ok(TroubleReport {
        items: troubled(conn, filter, limit)?,
        metrics: metrics(conn)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_quantiles_of_a_known_sample() {
        assert_eq!(Latency::of(vec![]), Latency::default());
        let l = Latency::of((1..=100).rev().collect());
        assert_eq!(l.samples, 100);
        assert_eq!(l.median_ms, Some(51));
        assert_eq!(l.p95_ms, Some(95));
        assert_eq!(l.max_ms, Some(100));
    }
}
