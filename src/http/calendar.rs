//! The working-day calendar of a year, for anyone.

use actix_web::get;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};

/// The years the calendar answers for.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

#[derive(Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// No holiday data for this year: weekdays only, and deadlines in it are provisional.
    pub provisional: bool,
    /// Holidays (days off), ascending.
    pub holidays: Vec<NaiveDate>,
    /// Saturdays and Sundays that are worked (调休), ascending.
    pub workdays: Vec<NaiveDate>,
    /// Where the year's data came from: "embedded holiday-cn (MIT)", the name of a file of
    /// `SIGNBOARD_CALENDAR_DIR`, or null when there is none.
    pub source: Option<String>,
}

#[utoipa::path(get, tag = "public",
    params(("year" = i32, Path, description = "1900 to 2200")),
    responses((status = 200, body = CalendarYear), (status = 404, body = ErrorBody)))]
#[get("/calendar/{year}")]
pub async fn year(state: web::Data<AppState>, path: web::Path<i32>) -> AppResult<HttpResponse> {
    let year = path.into_inner();
    if !YEARS.contains(&year) {
        return Err(AppError::explained(
            ErrorCode::NotFound,
            format!("只提供 {} 至 {} 年的工作日历", YEARS.start(), YEARS.end()),
        )
        .with_details(serde_json::json!({"year": year})));
    }
    let view = state.calendar.year(year);
    Ok(HttpResponse::Ok().json(CalendarYear {
        year,
        provisional: view.provisional,
        holidays: view.holidays,
        workdays: view.workdays,
        source: view.source.map(str::to_owned),
    }))
}
