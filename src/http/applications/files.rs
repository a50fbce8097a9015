//! An application's files: its design images and the preview of a revision.

use actix_web::get;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::super::disposition::inline_disposition;
use super::super::extract::AuthUser;
use super::super::preview::{png_response, preview_width, PreviewQuery};
use super::super::AppState;
use super::upload::storage_error;
use crate::applications::repo::{self, ApplicationRow};
use crate::error::{AppResult, ErrorBody};
use crate::storage::images::{self, DesignFormat};
use crate::storage::Variant;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AttachmentQuery {
    /// `1`: the 480 px thumbnail.
    #[param(minimum = 0, maximum = 1)]
    pub thumb: Option<u8>,
}

#[utoipa::path(get, tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path), ("attachment_id" = String, Path), AttachmentQuery),
    responses((status = 200, description = "the image, without metadata", content_type = "image/*"),
              (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "the file storage cannot be reached")))]
#[get("/applications/{id}/attachments/{attachment_id}")]
pub async fn attachment(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    query: web::Query<AttachmentQuery>,
) -> AppResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let actor = user.0;
    let row = state
        .db
        .run(move |conn| {
            let app: ApplicationRow = repo::get_visible(conn, &actor, &id)?;
            repo::get_attachment(conn, &app.id, &attachment_id)
        })
        .await?;
    let format = DesignFormat::from_content_type(&row.content_type).unwrap_or(DesignFormat::Webp);
    let variant = if query.thumb == Some(1) {
        Variant::Thumb
    } else {
        Variant::Display
    };
    let ext = images::display_ext(format);
    let bytes = state
        .store
        .get(&row.sha256, variant, ext)
        .await
        .map_err(storage_error)?;
    let content_type = if ext == "jpg" {
        "image/jpeg"
    } else {
        "image/png"
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            inline_disposition(&row.original_name, ext),
        ))
        .body(bytes))
}

#[utoipa::path(get, tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path), ("n" = i32, Path), PreviewQuery),
    responses((status = 200, description = "the sign as drawn", content_type = "image/png"),
              (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "the stored sign cannot be drawn")))]
#[get("/applications/{id}/revisions/{n}/preview.png")]
pub async fn revision_preview(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, i32)>,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let width = preview_width(&query)?;
    let (id, n) = path.into_inner();
    let actor = user.0;
    let rev = state
        .db
        .run(move |conn| {
            let app = repo::get_visible(conn, &actor, &id)?;
            repo::get_revision(conn, &app.id, n)
        })
        .await?;
    png_response(&state, repo::stored_spec(&rev)?, width).await
}
