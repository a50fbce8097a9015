//! Drawing a sign as a PNG answer, and the query and errors that go with it: shared by the
//! public preview and an application's revision preview.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::rules::ValidSpec;

#[derive(Debug, Deserialize, IntoParams)]
pub struct PreviewQuery {
    /// Long side of the picture in pixels (up to 4096, default 1200).
    #[param(minimum = 16, maximum = 4096)]
    pub width_px: Option<u32>,
}

pub fn preview_width(q: &PreviewQuery) -> AppResult<u32> {
    match q.width_px.unwrap_or(crate::render::DEFAULT_LONG_SIDE_PX) {
        w @ 16..=crate::render::MAX_LONG_SIDE_PX => Ok(w),
        _ => Err(AppError::explained(
            ErrorCode::InvalidQuery,
            "width_px 须在 16 到 4096 之间",
        )),
    }
}

/// The refusal of a sign spec that failed validation: one 422 listing every field.
pub use crate::applications::invalid_spec;

/// Draws a spec that passed validation, off the async workers.
pub async fn png_response(
    state: &web::Data<AppState>,
    spec: ValidSpec,
    width: u32,
) -> AppResult<HttpResponse> {
    let engine = state.engine.clone();
    let png = web::block(move || engine.preview_png(&spec, width))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| {
            AppError::explained(ErrorCode::UnrenderableSpec, "无法按此规格绘制牌匾效果图")
                .with_details(serde_json::json!({"reason": e.to_string()}))
        })?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "no-store"))
        .body(png.as_ref().clone()))
}
