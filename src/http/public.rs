//! What anyone may use without logging in: the rule check, the preview, the rule
//! catalogue and the approval counts.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::preview::{invalid_spec, png_response, preview_width, PreviewQuery};
use super::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::rules::ProfileRef;
use crate::spec::{DesignInfo, Finding, Layout, SignSpec, Verdict};
use crate::stats;
use crate::storage::MAX_FILES;

#[derive(Serialize, ToSchema)]
pub struct CheckResponse {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub profile: ProfileRef,
    /// The layout that was checked: the one sent, or the one composed for the sign.
    #[schema(value_type = Option<Object>)]
    pub layout: Option<Layout>,
}

/// A sign spec to check, with the pixel sizes of the design images chosen so far (read in the
/// page before uploading), so that I3 and I4 are told before the application is submitted.
#[derive(Deserialize, ToSchema)]
pub struct CheckRequest {
    #[serde(flatten)]
    pub spec: SignSpec,
    #[serde(default)]
    #[schema(max_items = 8)]
    pub designs: Vec<DesignInfo>,
}

#[utoipa::path(post, tag = "public",
    request_body(content = CheckRequest, description = "a sign spec (docs/rules.md), optionally \
        with `designs: [{width_px, height_px}]`, the sizes of the design images to be uploaded"),
    responses((status = 200, body = CheckResponse), (status = 400, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
#[post("/check")]
pub async fn check(
    state: web::Data<AppState>,
    body: web::Json<CheckRequest>,
) -> AppResult<HttpResponse> {
    let CheckRequest { spec, designs } = body.into_inner();
    let spec = crate::rules::validate(spec).map_err(invalid_spec)?;
    if designs.len() > MAX_FILES {
        crate::applications::invalid_fields(vec![(
            "designs".into(),
            format!("每份申请最多上传 {MAX_FILES} 张设计图"),
        )])?;
    }
    state.terms.before_check(&state.db, &state.engine).await;
    let engine = state.engine.clone();
    let evaluation = web::block(move || engine.evaluate(&spec, &designs))
        .await
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().json(CheckResponse {
        verdict: evaluation.verdict,
        findings: evaluation.findings,
        profile: evaluation.profile,
        layout: evaluation.layout,
    }))
}

#[utoipa::path(post, tag = "public",
    params(PreviewQuery),
    request_body(content = SignSpec, description = "a sign spec (docs/rules.md)"),
    responses((status = 200, description = "the sign as drawn", content_type = "image/png"),
              (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    query: web::Query<PreviewQuery>,
    body: web::Json<SignSpec>,
) -> AppResult<HttpResponse> {
    let width = preview_width(&query)?;
    let spec = body.into_inner();
    let spec = crate::rules::validate(spec).map_err(invalid_spec)?;
    png_response(&state, spec, width).await
}

#[utoipa::path(get, tag = "public",
    responses((status = 200, body = crate::rules::Catalogue)))]
#[get("/rules")]
pub async fn rules(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(crate::rules::catalogue(state.engine.profile()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// One year, with its months and townships.
    #[param(minimum = 1900, maximum = 9999)]
    pub year: Option<i32>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct YearsResponse {
    pub years: Vec<stats::YearFigures>,
}

/// The JSON of `/stats/approvals`: every year, or with `?year=` that year's detail.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum StatsAnswer {
    Years(YearsResponse),
    Year(stats::YearDetail),
}

#[utoipa::path(get, tag = "public", params(StatsQuery),
    responses((status = 200,
               description = "every year; with ?year= a YearDetail; with ?format=csv CSV",
               content((StatsAnswer = "application/json"), (String = "text/csv"))),
              (status = 400, body = ErrorBody)))]
#[get("/stats/approvals")]
pub async fn approval_stats(
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::explained(
                ErrorCode::InvalidQuery,
                "format 只能是 json 或 csv",
            ))
        }
    };
    if query.year.is_some_and(|y| !(1900..=9999).contains(&y)) {
        return Err(AppError::explained(ErrorCode::InvalidQuery, "年份不正确"));
    }
    let response = match query.year {
        Some(year) => {
            let detail = state.db.run(move |conn| stats::year(conn, year)).await?;
            if csv {
                csv_response(stats::year_csv(&detail), &format!("approvals-{year}.csv"))
            } else {
                HttpResponse::Ok().json(detail)
            }
        }
        None if csv => {
            let years = state.db.run(stats::by_year).await?;
            csv_response(stats::years_csv(&years), "approvals.csv")
        }
        None => {
            let years = state.db.run(stats::years).await?;
            HttpResponse::Ok().json(YearsResponse { years })
        }
    };
    Ok(response)
}

fn csv_response(body: String, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}
