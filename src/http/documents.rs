//! An application's documents: the list and each PDF (same visibility as the application).

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use super::extract::AuthUser;
use super::AppState;
use crate::documents::load::{self, DocumentEntry};
use crate::documents::{self, CertificateParts, DocKind};
use crate::error::{AppError, AppResult, ErrorBody};

/// Long side of the approved sign's picture on the certificate, in pixels.
const CERTIFICATE_PREVIEW_PX: u32 = 900;

#[utoipa::path(get, tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<DocumentEntry>), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/documents")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (actor, id) = (user.0, path.into_inner());
    let entries = state
        .db
        .run(move |conn| load::list(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

#[utoipa::path(get, tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path),
           ("kind" = DocKind, Path, description = "receipt | correction_notice | approval_decision | rejection_decision | certificate")),
    responses((status = 200, description = "the document", content_type = "application/pdf"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/documents/{kind}.pdf")]
pub async fn pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    let kind = DocKind::parse(&kind).ok_or_else(AppError::not_found)?;
    let (actor, settings, now) = (user.0, state.workflow.clone(), state.clock.now());
    let loaded = state
        .db
        .run(move |conn| load::load(conn, &settings, &actor, &id, kind, now))
        .await?;
    let (engine, fonts, settings) = (
        state.engine.clone(),
        state.pdf_fonts.clone(),
        state.workflow.clone(),
    );
    let reference = loaded.record.reference.clone();
    let bytes = web::block(move || -> AppResult<Vec<u8>> {
        let mut record = loaded.record;
        if let Some((spec, token)) = loaded.draw {
            let preview = engine
                .preview_png(&spec, CERTIFICATE_PREVIEW_PX)
                .map_err(AppError::internal)?;
            record.certificate = Some(CertificateParts {
                verify_url: settings.verify_url(&token),
                short_code: token,
                preview_png: preview,
            });
        }
        documents::render(kind, &record, &fonts).map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{reference}-{}.pdf\"", kind.as_str()),
        ))
        .body(bytes))
}
