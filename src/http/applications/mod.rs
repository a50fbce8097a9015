//! Submitting, listing, reading and deciding applications; their images and previews. Each
//! handler reads the request, calls one function and answers.

mod files;
mod flow;
mod queue;
mod refusal;
mod upload;

use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::AuthUser;
use super::AppState;
use crate::applications::repo::{self, TransitionResult};
use crate::applications::{ApplicationForm, Status, SubmitResult, TransitionRequest};
use crate::error::{AppResult, ErrorBody};

pub use files::{
    __path_attachment, __path_revision_preview, attachment, revision_preview, AttachmentQuery,
};
use queue::bad_parameter;
pub use queue::{__path_summary, summary};

/// The multipart body of a submission, for the API description.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmissionForm {
    /// JSON of [`ApplicationForm`].
    #[schema(value_type = ApplicationForm)]
    application: String,
    /// One or more design images (PNG, JPEG or WebP; at most 8, 10 MiB each).
    #[schema(value_type = Vec<String>, format = Binary)]
    design: Vec<Vec<u8>>,
}

/// The multipart body of a resubmission.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResubmissionForm {
    /// JSON `{"action": "resubmit", "expected_version": N}`.
    #[schema(value_type = Object)]
    transition: String,
    #[schema(value_type = ApplicationForm)]
    application: String,
    /// New design images; none keeps the previous ones.
    #[schema(value_type = Vec<String>, format = Binary)]
    design: Vec<Vec<u8>>,
}

#[utoipa::path(post, tag = "applications",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat-safe submission key")),
    request_body(content = SubmissionForm, content_type = "multipart/form-data"),
    responses((status = 201, body = SubmitResult),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "decode memory is busy or the file storage cannot be reached; see Retry-After")))]
#[post("/applications")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    flow::submit(&req, &state, &user, payload).await
}

/// Highest page number: far past any real list, and `page × per_page` stays a valid offset.
pub const MAX_PAGE: i64 = 1_000_000;
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// translating | in_review | changes_requested | approved | rejected | withdrawn
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Year of first submission.
    pub year: Option<i32>,
    /// Part of the shop name, address, licence number or reference (no control characters).
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub q: Option<String>,
    /// From 1 (default) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// From 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// `due` (the default for officials: running first, overdue on top, then the soonest due;
    /// paused, then closed ones last) or `submitted` (newest first, the merchants' default).
    #[param(pattern = "^(due|submitted)$")]
    pub sort: Option<String>,
    /// Only running applications past their due day.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
    /// Only running applications due within the profile's `due_soon_working_days`.
    #[param(value_type = Option<bool>)]
    pub due_soon: Option<String>,
    /// Only applications not in a final state.
    #[param(value_type = Option<bool>)]
    pub open: Option<String>,
    /// `me`, `none` or a user id.
    #[param(max_length = 64, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub assignee: Option<String>,
    /// Exactly this township.
    #[param(max_length = 100, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub township: Option<String>,
    /// Submitted on or after this day (YYYY-MM-DD, in `SIGNBOARD_TIMEZONE`).
    #[param(value_type = Option<String>, format = Date)]
    pub submitted_from: Option<String>,
    /// Submitted on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub submitted_to: Option<String>,
    /// `json` (default) or `csv` (officials: every page of the filtered list, UTF-8 with BOM).
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
    /// The `next_after` of the previous page: the page after it (keyset pagination, fast at
    /// any depth; `page` is then not used). Same `sort` and filters as that page.
    #[param(max_length = 200)]
    pub after: Option<String>,
}

impl ListQuery {
    /// The filter the query asks for: 400 `invalid_query` naming a bad parameter.
    fn filter(self) -> AppResult<repo::ListFilter> {
        let q = self;
        let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                Status::parse(s)
                    .ok_or_else(|| bad_parameter("status", format!("没有“{s}”这种状态")))?,
            ),
        };
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(20);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(bad_parameter(
                "page",
                format!("页码须在 1 到 {MAX_PAGE} 之间"),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(bad_parameter(
                "per_page",
                format!("每页须为 1–{MAX_PER_PAGE} 条"),
            ));
        }
        if q.q
            .as_deref()
            .is_some_and(|t| crate::rules::has_control_chars(t, false))
        {
            return Err(bad_parameter("q", "搜索内容含有不可见的控制字符".into()));
        }
        let mut filter = repo::ListFilter {
            status,
            year: q.year,
            q: q.q.as_ref().map(|s| s.chars().take(100).collect()),
            page,
            per_page,
            ..repo::ListFilter::default()
        };
        let params = queue::QueueParams {
            sort: q.sort.as_deref(),
            overdue: q.overdue.as_deref(),
            due_soon: q.due_soon.as_deref(),
            open: q.open.as_deref(),
            assignee: q.assignee.as_deref(),
            township: q.township.as_deref(),
            submitted_from: q.submitted_from.as_deref(),
            submitted_to: q.submitted_to.as_deref(),
        };
        params.apply(&mut filter)?;
        filter.after = match q.after.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(repo::Cursor::parse(a).ok_or_else(|| {
                bad_parameter(
                    "after",
                    "after 不是有效的翻页位置（请使用上一页的 next_after）".into(),
                )
            })?),
        };
        Ok(filter)
    }
}

#[utoipa::path(get, tag = "applications",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "a page; with ?format=csv every row as CSV (officials)",
               content((repo::Page = "application/json"), (String = "text/csv"))),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
#[get("/applications")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let csv = queue::wants_csv(query.format.as_deref())?;
    let filter = query.filter()?;
    let (actor, settings) = (user.0, state.workflow.clone());
    let today = settings.local_date(state.clock.now());
    if csv {
        let body = state
            .db
            .run(move |conn| repo::export_csv(conn, &settings, &actor, &filter, today))
            .await?;
        return Ok(queue::csv_response(body, today));
    }
    let page = state
        .db
        .run(move |conn| repo::list(conn, &settings, &actor, &filter, today))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(get, tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = repo::Detail), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn detail(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (actor, settings) = (user.0, state.workflow.clone());
    let today = settings.local_date(state.clock.now());
    let detail = state
        .db
        .run(move |conn| repo::detail(conn, &settings, &actor, &id, today))
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[utoipa::path(post, tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content(
        (TransitionRequest = "application/json"),
        (ResubmissionForm = "multipart/form-data"))),
    responses((status = 200, body = TransitionResult),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "decode memory is busy or the file storage cannot be reached; see Retry-After")))]
#[post("/applications/{id}/transitions")]
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let result = flow::transition(&req, &state, user.0, path.into_inner(), payload).await?;
    Ok(HttpResponse::Ok().json(result))
}
