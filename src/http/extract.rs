//! Request extractors: the signed-in user, and multipart submissions read with limits.

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::{Stream, StreamExt};
use std::task::Poll;

use super::client_ip::TrustedProxies;
use super::middleware::BodyEnded;
use super::AppState;
use crate::auth::{self, Role, User};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::storage::{MAX_FILES, MAX_FILE_BYTES};

/// The user of a valid bearer token, enabled and not owing a password change: 401 without a
/// valid token, 403 `account_disabled` or `password_change_required` otherwise.
pub struct AuthUser(pub User);

/// The user of a valid bearer token of an enabled account, even one that must change its
/// password first (for `GET /me` and `POST /me/password`).
pub struct SignedIn(pub User);

/// The enabled account a request's bearer token names.
async fn signed_in(state: Option<web::Data<AppState>>, token: Option<String>) -> AppResult<User> {
    let state = state.ok_or_else(|| AppError::internal("state missing"))?;
    let token = token.ok_or_else(AppError::unauthorized)?;
    let claims = state.keys.verify(&token).ok_or_else(|| {
        AppError::explained(ErrorCode::InvalidToken, "登录已过期或无效，请重新登录")
    })?;
    let user = state
        .db
        .run(move |conn| auth::find_by_id(conn, &claims.sub))
        .await?
        .ok_or_else(AppError::unauthorized)?;
    if user.disabled {
        return Err(auth::AccountError::Disabled.into());
    }
    Ok(user)
}

fn bearer(req: &HttpRequest) -> (Option<web::Data<AppState>>, Option<String>) {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    (state, token)
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (state, token) = bearer(req);
        Box::pin(async move { signed_in(state, token).await.map(SignedIn) })
    }
}

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (state, token) = bearer(req);
        Box::pin(async move {
            let user = signed_in(state, token).await?;
            if user.must_change_password {
                return Err(AppError::explained(
                    ErrorCode::PasswordChangeRequired,
                    "请先修改密码后再继续使用",
                ));
            }
            Ok(AuthUser(user))
        })
    }
}

impl AuthUser {
    /// 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> AppResult<&User> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(AppError::forbidden())
        }
    }
}

/// The address a request came from, for login limits: the direct peer, or behind a trusted
/// proxy what it forwarded (see [`TrustedProxies`]); never a header a client can forge.
pub fn client_addr(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let Some(proxies) = req.app_data::<web::Data<TrustedProxies>>() else {
        return peer.to_canonical().to_string();
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    proxies.client(peer, &forwarded).to_string()
}

/// A multipart submission: the JSON parts by name and the design files.
#[derive(Default)]
pub struct Parts {
    pub json: std::collections::HashMap<String, Vec<u8>>,
    pub designs: Vec<(String, Vec<u8>)>,
}

const JSON_PART_LIMIT: usize = 256 * 1024;
/// A whole submission: every design at its limit plus the JSON parts and headers.
pub const MULTIPART_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 2 * 1024 * 1024;

pub fn is_multipart(req: &HttpRequest) -> bool {
    content_type_is(req, "multipart/form-data")
}

/// Whether the request's `Content-Type` starts with `prefix` (case-insensitive).
pub fn content_type_is(req: &HttpRequest, prefix: &str) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with(prefix))
}

/// A body that is not well-formed multipart (cut off before its closing boundary, say): 400
/// `invalid_multipart`; a client that stalled: 408.
fn multipart_error(e: MultipartError) -> AppError {
    if let MultipartError::Payload(p) = &e {
        if super::middleware::is_timeout(p) {
            return super::middleware::body_timed_out();
        }
    }
    AppError::explained(
        ErrorCode::InvalidMultipart,
        "上传内容格式不正确，请重新提交",
    )
    .with_details(serde_json::json!({"reason": e.to_string()}))
}

/// Reads a multipart body with limits on every part, the number of designs and the whole body.
/// `json_names` are the JSON parts accepted; files come in parts named `design`.
pub async fn read_parts(
    req: &HttpRequest,
    payload: web::Payload,
    json_names: &[&str],
) -> AppResult<Parts> {
    if !is_multipart(req) {
        return Err(AppError::explained(
            ErrorCode::UnsupportedMediaType,
            "请以 multipart/form-data 方式提交申请和设计图",
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MULTIPART_LIMIT) {
        return Err(too_large_body());
    }
    let ended = req.extensions().get::<BodyEnded>().cloned();
    let mut multipart = Multipart::new(req.headers(), payload.into_inner());
    let mut parts = Parts::default();
    let mut total = 0usize;
    while let Some(field) = next_unless_stuck(&mut multipart, ended.as_ref()).await? {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        let (limit, is_design) = if name == "design" {
            if parts.designs.len() >= MAX_FILES {
                return Err(AppError::explained(
                    ErrorCode::TooManyFiles,
                    format!("每份申请最多上传 {MAX_FILES} 张设计图"),
                ));
            }
            (MAX_FILE_BYTES, true)
        } else if json_names.contains(&name.as_str()) {
            (JSON_PART_LIMIT, false)
        } else {
            return Err(AppError::explained(
                ErrorCode::UnknownPart,
                format!("无法识别的上传内容“{name}”"),
            ));
        };
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("design")
            .chars()
            // Kept in the database and shown to officials: no control characters.
            .filter(|c| !c.is_control())
            .take(200)
            .collect::<String>();
        let mut buf = Vec::new();
        while let Some(chunk) = next_unless_stuck(&mut field, ended.as_ref()).await? {
            let chunk = chunk.map_err(multipart_error)?;
            total += chunk.len();
            if buf.len() + chunk.len() > limit {
                return Err(if is_design {
                    AppError::explained(
                        ErrorCode::FileTooLarge,
                        format!("设计图“{filename}”超过 10 MB，请压缩后再上传"),
                    )
                } else {
                    too_large_body()
                });
            }
            if total > MULTIPART_LIMIT {
                return Err(too_large_body());
            }
            buf.extend_from_slice(&chunk);
        }
        if is_design {
            parts.designs.push((filename, buf));
        } else if parts.json.insert(name.clone(), buf).is_some() {
            return Err(AppError::explained(
                ErrorCode::DuplicatePart,
                format!("“{name}”只能提交一次"),
            ));
        }
    }
    Ok(parts)
}

/// The next item of a multipart stream. actix-multipart may wait for ever on a body that ended
/// before its closing boundary (it answers `Pending` with nothing left to wake it up); once the
/// body has ended, `Pending` can mean nothing else, so it is answered as an incomplete body.
async fn next_unless_stuck<S: Stream + Unpin>(
    stream: &mut S,
    ended: Option<&BodyEnded>,
) -> AppResult<Option<S::Item>> {
    futures_util::future::poll_fn(|cx| match stream.poll_next_unpin(cx) {
        Poll::Pending if ended.is_some_and(BodyEnded::get) => {
            Poll::Ready(Err(multipart_error(MultipartError::Incomplete)))
        }
        other => other.map(Ok),
    })
    .await
}

fn too_large_body() -> AppError {
    AppError::new(ErrorCode::BodyTooLarge)
}

/// Parses a JSON part like the JSON extractor would: 400 for broken JSON, 422 for the wrong
/// shape, 400 when the part is missing.
pub fn json_part<T: serde::de::DeserializeOwned>(parts: &Parts, name: &str) -> AppResult<T> {
    let bytes = parts.json.get(name).ok_or_else(|| {
        AppError::explained(ErrorCode::MissingPart, format!("缺少“{name}”部分"))
            .with_details(serde_json::json!({"part": name}))
    })?;
    parse_json(bytes, Some(name))
}

/// JSON bytes into `T`: 400 `invalid_json` when they are not JSON, 422 `invalid_body` when
/// the JSON has the wrong shape (the part's name, if any, in the details).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    part: Option<&str>,
) -> AppResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        let details = serde_json::json!({"part": part, "reason": e.to_string()});
        if e.is_data() {
            AppError::explained(ErrorCode::InvalidBody, "提交的内容缺少必填项或类型不对")
                .with_details(details)
        } else {
            AppError::explained(ErrorCode::InvalidJson, "提交的内容不是有效的 JSON")
                .with_details(details)
        }
    })
}
