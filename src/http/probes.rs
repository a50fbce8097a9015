//! What operators and load balancers ask: liveness (`/healthz`), readiness (`/readyz`) and the
//! metrics (`/metrics`, Prometheus text format).

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::time::Duration;
use utoipa::ToSchema;

use super::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::metrics::{Backlog, Snapshot, CONTENT_TYPE};

/// How long the readiness probe waits for the database and for the file store.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// The process is alive: no dependency is asked.
#[utoipa::path(get, tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    pub status: String,
    /// `ok`.
    pub database: String,
    /// `ok`.
    pub storage: String,
}

/// The service takes requests: it is not shutting down, the database answers `SELECT 1` and
/// the file store is reachable, each within 2 s.
#[utoipa::path(get, tag = "operations",
    responses((status = 200, body = Readiness),
              (status = 503, body = ErrorBody,
               description = "shutting down, or the database or the file store is unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if state.lifecycle.is_draining() {
        return Err(AppError::explained(ErrorCode::NotReady, "服务正在停止")
            .with_details(serde_json::json!({"shutting_down": true})));
    }
    let db = state.db.clone();
    let database = web::block(move || db.ping(PROBE_TIMEOUT))
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
    let storage = match actix_web::rt::time::timeout(PROBE_TIMEOUT, state.store.probe()).await {
        Ok(result) => result,
        Err(_) => Err("file store check timed out".into()),
    };
    if database.is_ok() && storage.is_ok() {
        return Ok(HttpResponse::Ok().json(Readiness {
            status: "ready".into(),
            database: "ok".into(),
            storage: "ok".into(),
        }));
    }
    let verdict = |r: &Result<(), String>| if r.is_ok() { "ok" } else { "unavailable" };
    tracing::warn!(database = ?database.as_ref().err(), storage = ?storage.as_ref().err(), "not ready");
    let message = match (&database, &storage) {
        (Err(_), _) => "数据库暂时无法连接",
        _ => "文件存储暂时无法访问",
    };
    Err(
        AppError::explained(ErrorCode::NotReady, message).with_details(serde_json::json!({
            "database": verdict(&database),
            "storage": verdict(&storage),
        })),
    )
}

/// Counters and gauges in the Prometheus text format (version 0.0.4). When
/// `SIGNBOARD_METRICS_TOKEN` is set, the request must carry `Authorization: Bearer <token>`.
#[utoipa::path(get, tag = "operations",
    responses((status = 200, body = String, content_type = "text/plain",
               description = "the Prometheus text exposition"),
              (status = 401, body = ErrorBody,
               description = "SIGNBOARD_METRICS_TOKEN is set and the request does not carry it")))]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if let Some(token) = &state.metrics_token {
        if !bearer_matches(&req, token) {
            return Err(AppError::explained(
                ErrorCode::Unauthorized,
                "读取监控指标需要正确的令牌",
            ));
        }
    }
    let snapshot = snapshot(&state).await;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(state.metrics.render(&snapshot)))
}

/// Whether the request's bearer token is `token` (compared by digest, in constant time).
fn bearer_matches(req: &HttpRequest, token: &str) -> bool {
    let sent = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let (a, b) = (Sha256::digest(sent.trim()), Sha256::digest(token));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// What the caches, the pool and the notification outbox say now.
async fn snapshot(state: &web::Data<AppState>) -> Snapshot {
    let glyphs = state.engine.fonts().glyph_cache().stats();
    let previews = state.engine.preview_stats();
    let (connections, idle, max) = state.db.pool_state();
    let backlog = state.db.run(crate::notify::metrics);
    let notifications = match actix_web::rt::time::timeout(PROBE_TIMEOUT, backlog).await {
        Ok(Ok(m)) => Some(Backlog {
            pending: m.pending,
            failing: m.failing,
            dead: m.dead,
        }),
        _ => None,
    };
    Snapshot {
        glyph_cache_hits: glyphs.hits,
        glyph_cache_misses: glyphs.misses,
        preview_cache_hits: previews.hits,
        previews_rendered: previews.renders,
        db_pool_connections: connections,
        db_pool_idle: idle,
        db_pool_max: max,
        notifications,
    }
}
