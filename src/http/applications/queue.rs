//! The officials' queue over HTTP: the clock's filters of `GET /applications` read from the
//! query (400 `invalid_query` naming a bad parameter), its CSV answer, and the counts of the
//! status tabs.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;

use super::super::extract::AuthUser;
use super::super::AppState;
use crate::applications::repo::{self, AssigneeFilter, ListFilter, Sort};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};

/// 400 `invalid_query` naming the parameter.
pub fn bad_parameter(name: &str, message: String) -> AppError {
    AppError::explained(ErrorCode::InvalidQuery, message)
        .with_details(serde_json::json!({"parameter": name}))
}

/// The queue's parameters of `GET /applications`, as sent.
pub struct QueueParams<'a> {
    pub sort: Option<&'a str>,
    pub overdue: Option<&'a str>,
    pub due_soon: Option<&'a str>,
    pub open: Option<&'a str>,
    pub assignee: Option<&'a str>,
    pub township: Option<&'a str>,
    pub submitted_from: Option<&'a str>,
    pub submitted_to: Option<&'a str>,
}

/// `true` or `false` (absent: false).
fn flag(name: &str, value: Option<&str>) -> AppResult<bool> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(bad_parameter(
            name,
            format!("{name} 只能是 true 或 false，收到“{other}”"),
        )),
    }
}

/// A day as `YYYY-MM-DD`.
fn day(name: &str, value: Option<&str>) -> AppResult<Option<NaiveDate>> {
    match value {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad_parameter(name, format!("{name} 须为日期，如 2026-09-24"))),
    }
}

/// Text of at most `max` characters without control characters.
fn text(name: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max || crate::rules::has_control_chars(v, false) {
        return Err(bad_parameter(
            name,
            format!("{name} 不能超过 {max} 个字，且不能含控制字符"),
        ));
    }
    Ok(Some(v.to_owned()))
}

impl QueueParams<'_> {
    /// Into the filter: 400 `invalid_query` naming a bad parameter.
    pub fn apply(&self, filter: &mut ListFilter) -> AppResult<()> {
        filter.sort = match self.sort {
            None => Sort::Default,
            Some("due") => Sort::Due,
            Some("submitted") => Sort::Submitted,
            Some(_) => return Err(bad_parameter("sort", "sort 只能是 due 或 submitted".into())),
        };
        filter.overdue = flag("overdue", self.overdue)?;
        filter.due_soon = flag("due_soon", self.due_soon)?;
        filter.open = flag("open", self.open)?;
        filter.assignee = text("assignee", self.assignee, 64)?.map(|a| match a.as_str() {
            "me" => AssigneeFilter::Me,
            "none" => AssigneeFilter::Nobody,
            _ => AssigneeFilter::User(a),
        });
        filter.township = text("township", self.township, 100)?;
        filter.submitted_from = day("submitted_from", self.submitted_from)?;
        filter.submitted_to = day("submitted_to", self.submitted_to)?;
        Ok(())
    }
}

/// Whether the list is asked for as CSV.
pub fn wants_csv(format: Option<&str>) -> AppResult<bool> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(bad_parameter("format", "format 只能是 json 或 csv".into())),
    }
}

pub fn csv_response(body: String, today: NaiveDate) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"applications-{today}.csv\""),
        ))
        .body(body)
}

#[utoipa::path(get, tag = "applications",
    security(("bearer" = [])),
    responses((status = 200, body = repo::Summary), (status = 401, body = ErrorBody)))]
#[get("/applications/summary")]
pub async fn summary(state: web::Data<AppState>, user: AuthUser) -> AppResult<HttpResponse> {
    let (actor, settings) = (user.0, state.workflow.clone());
    let today = settings.local_date(state.clock.now());
    let summary = state
        .db
        .run(move |conn| repo::summary(conn, &settings, &actor, today))
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}
