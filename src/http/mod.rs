//! The HTTP face: one route table, the shared state, the error shape for actix's own
//! extractor errors, security headers and the static pages.

pub mod accounts;
pub mod applications;
pub mod disposition;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod preview;
pub mod public;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;

use crate::applications::WorkflowSettings;
use crate::auth::token::Keys;
use crate::auth::Accounts;
use crate::db::Db;
use crate::engine::Engine;
use crate::error::{AppError, ErrorCode};
use crate::storage::{DecodeBudget, FileStore};

/// Where the time comes from; tests fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Everything a handler may use, shared by all workers.
pub struct AppState {
    pub db: Db,
    pub engine: Arc<Engine>,
    pub keys: Keys,
    pub accounts: Accounts,
    pub workflow: WorkflowSettings,
    pub store: FileStore,
    /// Memory budget of image decoding, shared by every upload.
    pub decode: DecodeBudget,
    pub clock: Arc<dyn Clock>,
}

/// Largest JSON body (a sign spec with long texts fits many times over).
pub const JSON_LIMIT: usize = 1024 * 1024;

/// The route table. Every route is listed here and in [`openapi::ApiDoc`]; a test holds the
/// two together.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(public::healthz))
        .route("/healthz", web::route().to(api_not_found))
        .service(
            web::scope("/api/v1")
                .route("/auth/register", web::post().to(accounts::register))
                .route("/auth/login", web::post().to(accounts::login))
                .route("/me", web::get().to(accounts::me))
                .route("/me/password", web::post().to(accounts::change_password))
                .route("/users", web::post().to(accounts::create_official))
                .route("/users", web::get().to(accounts::list_users))
                .route("/users/{id}", web::patch().to(accounts::update_user))
                .route(
                    "/users/{id}/password",
                    web::post().to(accounts::reset_password),
                )
                .route("/users/{id}/events", web::get().to(accounts::user_events))
                .route("/applications", web::post().to(applications::submit))
                .route("/applications", web::get().to(applications::list))
                .route("/applications/{id}", web::get().to(applications::detail))
                .route(
                    "/applications/{id}/transitions",
                    web::post().to(applications::transition),
                )
                .route(
                    "/applications/{id}/attachments/{attachment_id}",
                    web::get().to(applications::attachment),
                )
                .route(
                    "/applications/{id}/revisions/{n}/preview.png",
                    web::get().to(applications::revision_preview),
                )
                .route("/check", web::post().to(public::check))
                .route("/preview", web::post().to(public::preview))
                .route("/rules", web::get().to(public::rules))
                .route("/stats/approvals", web::get().to(public::approval_stats))
                .route("/openapi.json", web::get().to(openapi::serve))
                .default_service(web::to(api_not_found)),
        );
}

/// The `(method, path)` of every route, as in [`routes`].
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users"),
    ("patch", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/password"),
    ("get", "/api/v1/users/{id}/events"),
    ("post", "/api/v1/applications"),
    ("get", "/api/v1/applications"),
    ("get", "/api/v1/applications/{id}"),
    ("post", "/api/v1/applications/{id}/transitions"),
    (
        "get",
        "/api/v1/applications/{id}/attachments/{attachment_id}",
    ),
    ("get", "/api/v1/applications/{id}/revisions/{n}/preview.png"),
    ("post", "/api/v1/check"),
    ("post", "/api/v1/preview"),
    ("get", "/api/v1/rules"),
    ("get", "/api/v1/stats/approvals"),
    ("get", "/api/v1/openapi.json"),
];

/// No route for the request: 405 with `Allow` when the path is served with other methods,
/// else 404 `route_not_found`.
async fn api_not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    let details = serde_json::json!({"method": req.method().as_str(), "path": req.path()});
    let allowed: Vec<String> = ROUTES
        .iter()
        .filter(|(_, pattern)| path_matches(pattern, req.path()))
        .map(|(method, _)| method.to_ascii_uppercase())
        .collect();
    if allowed.is_empty() {
        return AppError::explained(ErrorCode::RouteNotFound, "没有这个接口")
            .with_details(details)
            .error_response();
    }
    let mut response = AppError::explained(
        ErrorCode::MethodNotAllowed,
        format!("该接口只支持 {} 请求", allowed.join("、")),
    )
    .with_details(details)
    .error_response();
    if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// Whether `path` fits a route pattern of [`ROUTES`] (`{name}` matches one non-empty segment).
fn path_matches(pattern: &str, path: &str) -> bool {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == s.len()
        && p.iter().zip(&s).all(|(p, s)| {
            if p.starts_with('{') {
                !s.is_empty()
            } else {
                p == s
            }
        })
}

/// actix's own JSON errors in our shape: 415 for the wrong type, 413 for too large, 400 for
/// broken JSON, 422 for JSON of the wrong shape, 408 for a body that stalled.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let e = match &err {
        JsonPayloadError::ContentType => AppError::explained(
            ErrorCode::UnsupportedMediaType,
            "请求内容须为 JSON（Content-Type: application/json）",
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            AppError::explained(ErrorCode::BodyTooLarge, "提交的内容过大")
        }
        JsonPayloadError::Deserialize(de) if de.is_data() => {
            AppError::explained(ErrorCode::InvalidBody, "提交的内容缺少必填项或类型不对")
                .with_details(serde_json::json!({"reason": de.to_string()}))
        }
        JsonPayloadError::Deserialize(de) => {
            AppError::explained(ErrorCode::InvalidJson, "提交的内容不是有效的 JSON")
                .with_details(serde_json::json!({"reason": de.to_string()}))
        }
        JsonPayloadError::Payload(payload) => middleware::payload_error(payload),
        _ => AppError::explained(ErrorCode::UnreadableBody, "无法读取提交的内容"),
    };
    e.into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::explained(ErrorCode::InvalidQuery, "查询参数不正确")
        .with_details(serde_json::json!({"reason": err.to_string()}))
        .into()
}

pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::not_found().into()
}

/// Headers on every response: the pages load only our own scripts, styles and fonts.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
}

/// The portal and console pages, and the fonts they use.
pub fn static_files(cfg: &mut web::ServiceConfig, static_dir: PathBuf, fonts_dir: PathBuf) {
    cfg.service(actix_files::Files::new("/fonts", fonts_dir))
        .service(
            actix_files::Files::new("/", static_dir)
                .index_file("index.html")
                .default_handler(web::to(|| async {
                    HttpResponse::NotFound()
                        .content_type("text/plain; charset=utf-8")
                        .body("页面不存在")
                })),
        );
}
