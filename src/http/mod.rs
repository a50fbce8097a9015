//! The HTTP face: one route list (served and documented together), the shared state, the error shape for actix's own
//! extractor errors, security headers and the static pages.

pub mod accounts;
pub mod applications;
pub mod calendar;
pub mod client_ip;
pub mod disposition;
pub mod documents;
pub mod extract;
pub mod middleware;
pub mod notifications;
pub mod observe;
pub mod openapi;
pub mod preview;
pub mod probes;
pub mod public;
pub mod register;
pub mod terms;
pub mod verify;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::applications::WorkflowSettings;
use crate::auth::token::Keys;
use crate::auth::Accounts;
use crate::calendar::Calendar;
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
    /// Working days: holidays and make-up days.
    pub calendar: Arc<Calendar>,
    /// The term base and translation memory, with their in-memory indexes.
    pub terms: crate::terms::Terms,
    /// The fonts the PDF documents embed.
    pub pdf_fonts: Arc<crate::documents::PdfFonts>,
    /// Counters served at `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Running or shutting down; read by `/readyz` and the background threads.
    pub lifecycle: Arc<crate::lifecycle::Lifecycle>,
    /// The bearer token `/metrics` requires, when set.
    pub metrics_token: Option<String>,
}

/// Largest JSON body (a sign spec with long texts fits many times over).
pub const JSON_LIMIT: usize = 1024 * 1024;

/// The route list: every API route is registered and documented by the same `service` call
/// (a handler without `#[utoipa::path]` does not compile here), so the served routes and the
/// OpenAPI paths cannot differ. Add an endpoint by adding its handler here.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(probes::healthz)
        .route("/healthz", web::route().to(api_not_found))
        .service(probes::readyz)
        .route("/readyz", web::route().to(api_not_found))
        .service(probes::metrics)
        .route("/metrics", web::route().to(api_not_found))
        .service(
            scope("/api/v1")
                .service(accounts::register)
                .service(accounts::login)
                .service(accounts::me)
                .service(accounts::change_password)
                .service(accounts::create_official)
                .service(accounts::list_users)
                .service(accounts::update_user)
                .service(accounts::reset_password)
                .service(accounts::user_events)
                .service(applications::submit)
                .service(applications::list)
                .service(applications::summary)
                .service(applications::detail)
                .service(applications::transition)
                .service(applications::attachment)
                .service(applications::revision_preview)
                .service(public::check)
                .service(public::preview)
                .service(public::rules)
                .service(public::approval_stats)
                .service(calendar::year)
                .service(notifications::inbox)
                .service(notifications::read)
                .service(notifications::read_all)
                .service(notifications::troubled)
                .service(notifications::resend)
                .service(terms::list)
                .service(terms::create)
                .service(terms::export)
                .service(terms::import)
                .service(terms::update)
                .service(terms::delete)
                .service(terms::suggest)
                .service(documents::list)
                .service(documents::pdf)
                .service(verify::key)
                .service(verify::lookup)
                .service(verify::preview)
                .service(register::list)
                .service(openapi::serve)
                .default_service(web::to(api_not_found)),
        );
}

/// No route for the request: 405 with `Allow` when the path is served with other methods,
/// else 404 `route_not_found`. The served paths are read from the API description, which
/// [`routes`] built.
async fn api_not_found(req: HttpRequest, api: Option<web::Data<OpenApi>>) -> HttpResponse {
    use actix_web::ResponseError;
    let details = serde_json::json!({"method": req.method().as_str(), "path": req.path()});
    let allowed = api.map_or_else(Vec::new, |api| allowed_methods(&api, req.path()));
    if allowed.is_empty() {
        return AppError::new(ErrorCode::RouteNotFound)
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

/// The methods the description documents for `path`, upper-case. A literal route
/// (`/terms/export`) hides a template that would also match it (`/terms/{id}`), as in routing.
fn allowed_methods(api: &OpenApi, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let literal = api.paths.paths.contains_key(path);
    for (pattern, item) in &api.paths.paths {
        if !path_matches(pattern, path) || (literal && pattern != path) {
            continue;
        }
        let methods = [
            ("POST", &item.post),
            ("GET", &item.get),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        out.extend(
            methods
                .into_iter()
                .filter(|(_, op)| op.is_some())
                .map(|(m, _)| m.to_owned()),
        );
    }
    out
}

/// Whether `path` fits a documented route pattern (`{name}` matches one non-empty segment).
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
            AppError::new(ErrorCode::BodyTooLarge)
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
        _ => AppError::new(ErrorCode::UnreadableBody),
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
    let verify_page = static_dir.join("verify.html");
    cfg.route(
        "/v/{token}",
        web::get().to(move || {
            let page = verify_page.clone();
            async move { actix_files::NamedFile::open_async(page).await }
        }),
    )
    .service(actix_files::Files::new("/fonts", fonts_dir))
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
