//! The inbox of the signed-in user, and the administrator's view of troubled deliveries with
//! their metrics and a resend. Each handler is one call of [`crate::notify`].

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::AuthUser;
use super::AppState;
use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::notify::rows::{Resent, Unread};
use crate::notify::{self, Inbox, Trouble, TroubleReport};

/// Messages on one inbox page, at most.
const INBOX_PAGE: i64 = 50;
/// Troubled deliveries listed, at most.
const TROUBLE_PAGE: i64 = 200;

#[utoipa::path(get, tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Inbox), (status = 401, body = ErrorBody)))]
#[get("/notifications")]
pub async fn inbox(user: AuthUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let id = user.0.id;
    let inbox = state
        .db
        .run(move |conn| notify::inbox(conn, &id, INBOX_PAGE))
        .await?;
    Ok(HttpResponse::Ok().json(inbox))
}

#[utoipa::path(post, tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "notification id")),
    responses((status = 200, body = Unread), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such message of this user")))]
#[post("/notifications/{id}/read")]
pub async fn read(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (me, id, now) = (user.0.id, path.into_inner(), state.clock.now().naive_utc());
    let unread = state
        .db
        .run(move |conn| notify::mark_read(conn, &me, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(unread))
}

#[utoipa::path(post, tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Unread), (status = 401, body = ErrorBody)))]
#[post("/notifications/read-all")]
pub async fn read_all(user: AuthUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (me, now) = (user.0.id, state.clock.now().naive_utc());
    let unread = state
        .db
        .run(move |conn| notify::mark_all_read(conn, &me, now))
        .await?;
    Ok(HttpResponse::Ok().json(unread))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TroubleQuery {
    /// dead | failing (both when left out)
    #[param(value_type = Option<Trouble>)]
    pub status: Option<String>,
}

impl TroubleQuery {
    fn filter(&self) -> AppResult<Option<Trouble>> {
        match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some("dead") => Ok(Some(Trouble::Dead)),
            Some("failing") => Ok(Some(Trouble::Failing)),
            Some(other) => Err(AppError::explained(
                ErrorCode::InvalidQuery,
                format!("没有“{other}”这种投递状态（可选 dead 或 failing）"),
            )
            .with_details(serde_json::json!({"parameter": "status"}))),
        }
    }
}

#[utoipa::path(get, tag = "notifications", security(("bearer" = [])), params(TroubleQuery),
    responses((status = 200, body = TroubleReport), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
#[get("/admin/notifications")]
pub async fn troubled(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<TroubleQuery>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let filter = query.filter()?;
    let report = state
        .db
        .run(move |conn| notify::report(conn, filter, TROUBLE_PAGE))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(post, tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "notification id")),
    responses((status = 200, body = Resent), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
#[post("/admin/notifications/{id}/resend")]
pub async fn resend(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = path.into_inner();
    let resent = state
        .db
        .run(move |conn| notify::resend(conn, &id, chrono::Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Ok().json(resent))
}
