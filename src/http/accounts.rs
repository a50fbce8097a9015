//! Registration, login, the current user and the admin's management of officials.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use utoipa::ToSchema;

use super::extract::{client_addr, AuthUser};
use super::AppState;
use crate::auth::{self, NewUser, Role, User};
use crate::error::{AppError, AppResult, ErrorBody};

/// Hashes a password off the async workers (Argon2 takes tens of milliseconds by design).
async fn hash_password(state: &AppState, password: String) -> AppResult<String> {
    let hasher = state.hasher;
    web::block(move || hasher.hash(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts",
    request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    body: web::Json<NewUser>,
) -> AppResult<HttpResponse> {
    let new = body.into_inner();
    new.validate()?;
    let hash = hash_password(&state, new.password.clone()).await?;
    let user = state
        .db
        .run(move |conn| auth::create_user(conn, &new, Role::Merchant, hash))
        .await?;
    Ok(HttpResponse::Created().json(user))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

fn login_failed() -> AppError {
    AppError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "用户名或密码不正确",
    )
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
               (status = 429, body = ErrorBody)))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    let username = username.trim().to_owned();
    let user_key = format!("user:{}", username.to_lowercase());
    let addr_key = format!("addr:{}", client_addr(&req));
    let now = Instant::now();
    let blocked = state
        .login_by_user
        .blocked_for(&user_key, now)
        .or_else(|| state.login_by_addr.blocked_for(&addr_key, now));
    if let Some(secs) = blocked {
        return Err(AppError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("登录失败次数过多，请 {} 分钟后再试", secs.div_ceil(60)),
        )
        .with_details(serde_json::json!({"retry_after_secs": secs})));
    }
    let hasher = state.hasher;
    let found = state
        .db
        .run(move |conn| {
            let row = auth::find_by_username(conn, &username)?;
            // Spend the same time whether or not the user exists.
            let ok = match &row {
                Some(r) => hasher.verify(&password, &r.password_hash),
                None => {
                    hasher.verify_dummy(&password);
                    false
                }
            };
            Ok(row.filter(|_| ok))
        })
        .await?;
    let Some(row) = found else {
        state.login_by_user.record_failure(&user_key, now);
        state.login_by_addr.record_failure(&addr_key, now);
        return Err(login_failed());
    };
    state.login_by_user.clear(&user_key);
    let user = User::try_from(row)?;
    let (token, expires_at) = state
        .keys
        .issue(&user.id, user.role, state.clock.now())
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token,
        role: user.role,
        expires_at,
        user,
    }))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub async fn me(user: AuthUser) -> HttpResponse {
    HttpResponse::Ok().json(user.0)
}

#[derive(Deserialize, ToSchema)]
pub struct NewOfficial {
    #[serde(flatten)]
    pub user: NewUser,
    pub role: Role,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    request_body = NewOfficial,
    responses((status = 201, body = User), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_official(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<NewOfficial>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let NewOfficial { user: new, role } = body.into_inner();
    new.validate()?;
    let hash = hash_password(&state, new.password.clone()).await?;
    let created = state
        .db
        .run(move |conn| auth::create_user(conn, &new, role, hash))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
pub async fn list_users(user: AuthUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let users = state.db.run(auth::list_officials).await?;
    Ok(HttpResponse::Ok().json(users))
}
