//! The term base, its CSV import and export, and the translators' suggestions. Each handler
//! turns HTTP into one call of [`crate::terms::Terms`]. Every official reads the base;
//! translators and admins change it and ask for suggestions.

use actix_web::http::header;
use actix_web::{delete, get, patch, post};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{content_type_is, AuthUser};
use super::middleware::payload_error;
use super::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::terms::rows::TermFilter;
use crate::terms::service::too_large;
use crate::terms::{
    csv, NewTerm, Suggestions, Term, TermPage, TermPatch, TermStatus, READERS, WRITERS,
};

const MAX_PER_PAGE: i64 = 200;
const MAX_PAGE: i64 = 1_000_000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct TermQuery {
    /// Part of the Chinese, the Mongolian or the note (at most 50 characters).
    #[param(max_length = 50, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub q: Option<String>,
    /// proposed | approved
    #[param(value_type = Option<TermStatus>)]
    pub status: Option<String>,
    /// From 1 (default).
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// From 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

fn bad_parameter(name: &str, message: &str) -> AppError {
    AppError::explained(ErrorCode::InvalidQuery, message)
        .with_details(serde_json::json!({"parameter": name}))
}

impl TermQuery {
    fn filter(self) -> AppResult<TermFilter> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                TermStatus::parse(s)
                    .ok_or_else(|| bad_parameter("status", "状态只能是 proposed 或 approved"))?,
            ),
        };
        let (page, per_page) = (self.page.unwrap_or(1), self.per_page.unwrap_or(50));
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(bad_parameter("page", "页码不正确"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(bad_parameter("per_page", "每页须为 1–200 条"));
        }
        if let Some(q) = &self.q {
            if q.chars().count() > 50 || crate::rules::has_control_chars(q, false) {
                return Err(bad_parameter("q", "搜索内容过长或含有控制字符"));
            }
        }
        Ok(TermFilter {
            q: self.q,
            status,
            page,
            per_page,
        })
    }
}

#[utoipa::path(get, tag = "terms", security(("bearer" = [])), params(TermQuery),
    responses((status = 200, body = TermPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/terms")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<TermQuery>,
) -> AppResult<HttpResponse> {
    user.require(READERS)?;
    let filter = query.into_inner().filter()?;
    let page = state.terms.list(&state.db, filter).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(post, tag = "terms", security(("bearer" = [])), request_body = NewTerm,
    responses((status = 201, body = Term), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the Chinese is already a term"),
              (status = 422, body = ErrorBody, description = "invalid_term, listing every field")))]
#[post("/terms")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<NewTerm>,
) -> AppResult<HttpResponse> {
    let actor = user.require(WRITERS)?.clone();
    let now = state.clock.now();
    let term = state
        .terms
        .create(&state.db, &state.engine, actor, body.into_inner(), now)
        .await?;
    Ok(HttpResponse::Created().json(term))
}

#[utoipa::path(patch, tag = "terms", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TermPatch,
    responses((status = 200, body = Term), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "version_conflict or duplicate"),
              (status = 422, body = ErrorBody)))]
#[patch("/terms/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    body: web::Json<TermPatch>,
) -> AppResult<HttpResponse> {
    let actor = user.require(WRITERS)?.clone();
    let now = state.clock.now();
    let term = state
        .terms
        .update(
            &state.db,
            &state.engine,
            actor,
            path.into_inner(),
            body.into_inner(),
            now,
        )
        .await?;
    Ok(HttpResponse::Ok().json(term))
}

#[utoipa::path(delete, tag = "terms", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "deleted"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/terms/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = user.require(WRITERS)?.clone();
    let now = state.clock.now();
    state
        .terms
        .delete(&state.db, &state.engine, actor, path.into_inner(), now)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    /// How many terms were added (all `proposed`).
    pub imported: usize,
}

/// The body, refused with 413 as soon as it grows past the import limit.
async fn read_limited(req: &HttpRequest, mut payload: web::Payload) -> AppResult<Vec<u8>> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > csv::MAX_IMPORT_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| payload_error(&e))?;
        if body.len() + chunk.len() > csv::MAX_IMPORT_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[utoipa::path(post, tag = "terms", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv",
        description = "UTF-8 CSV with the header `zh,mn,note` (`source` may be added)"),
    responses((status = 201, body = ImportResult), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody,
               description = "invalid_import: every bad line with its number; nothing imported")))]
#[post("/terms/import")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let actor = user.require(WRITERS)?.clone();
    if !content_type_is(&req, "text/csv") {
        return Err(AppError::explained(
            ErrorCode::UnsupportedMediaType,
            "请上传 CSV 文件（Content-Type: text/csv）",
        ));
    }
    let body = read_limited(&req, payload).await?;
    let now = state.clock.now();
    let imported = state
        .terms
        .import(&state.db, &state.engine, actor, body, now)
        .await?;
    Ok(HttpResponse::Created().json(ImportResult { imported }))
}

#[utoipa::path(get, tag = "terms", security(("bearer" = [])),
    responses((status = 200, description = "the whole base as UTF-8 CSV",
               content_type = "text/csv", body = String),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/terms/export")]
pub async fn export(state: web::Data<AppState>, user: AuthUser) -> AppResult<HttpResponse> {
    user.require(READERS)?;
    let csv = state.terms.export(&state.db).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"terms.csv\""))
        .body(csv))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// The Chinese to translate (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub zh: String,
}

#[utoipa::path(post, tag = "terms", security(("bearer" = [])), request_body = SuggestRequest,
    responses((status = 200, body = Suggestions), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/translate/suggest")]
pub async fn suggest(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SuggestRequest>,
) -> AppResult<HttpResponse> {
    user.require(WRITERS)?;
    let suggestions = state
        .terms
        .suggest(&state.db, &state.engine, body.into_inner().zh)
        .await?;
    Ok(HttpResponse::Ok().json(suggestions))
}
