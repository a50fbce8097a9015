//! Verification of a certificate by anyone (no login): the record and its standing, the public
//! key, and the approved sign as drawn.

use actix_web::{get, web, HttpResponse};

use super::preview::{png_response, preview_width, PreviewQuery};
use super::AppState;
use crate::error::{AppResult, ErrorBody};
use crate::verify::{self, PublicKey, Verification};

#[utoipa::path(get, tag = "public",
    responses((status = 200, body = PublicKey)))]
#[get("/verify/key")]
pub async fn key(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(verify::public_key(&state.workflow)))
}

#[utoipa::path(get, tag = "public", params(("token" = String, Path)),
    responses((status = 200, body = Verification), (status = 404, body = ErrorBody)))]
#[get("/verify/{token}")]
pub async fn lookup(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (token, settings) = (path.into_inner(), state.workflow.clone());
    let found = state
        .db
        .run(move |conn| verify::lookup(conn, &settings, &token))
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[utoipa::path(get, tag = "public", params(("token" = String, Path), PreviewQuery),
    responses((status = 200, description = "the approved sign as drawn", content_type = "image/png"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/verify/{token}/preview.png")]
pub async fn preview(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let width = preview_width(&query)?;
    let token = path.into_inner();
    let spec = state
        .db
        .run(move |conn| verify::approved_spec(conn, &token))
        .await?;
    png_response(&state, spec, width).await
}
