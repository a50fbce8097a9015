//! Registration, login, the current user and the admin's management of accounts. Each
//! handler turns HTTP into one call of [`crate::auth::Accounts`].

use actix_web::{get, patch, post};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{client_addr, AuthUser, SignedIn};
use super::AppState;
use crate::auth::events::UserEvent;
use crate::auth::{NewUser, Role, User};
use crate::error::{AppError, AppResult, ErrorBody};

#[utoipa::path(post, tag = "accounts",
    request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "too many registrations from this address; see Retry-After"),
              (status = 503, body = ErrorBody, description = "busy; see Retry-After")))]
#[post("/auth/register")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<NewUser>,
) -> AppResult<HttpResponse> {
    let user = state
        .accounts
        .register(&state.db, body.into_inner(), &client_addr(&req))
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
    /// Only `GET /me` and `POST /me/password` answer until the password is changed.
    pub must_change_password: bool,
    pub user: User,
}

#[utoipa::path(post, tag = "accounts",
    request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "account_disabled"),
              (status = 429, body = ErrorBody, description = "too many failures; see Retry-After"),
              (status = 503, body = ErrorBody, description = "busy; see Retry-After")))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    let user = state
        .accounts
        .login(&state.db, username, password, &client_addr(&req))
        .await?;
    let (token, expires_at) = state
        .keys
        .issue(&user.id, user.role, state.clock.now())
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token,
        role: user.role,
        expires_at,
        must_change_password: user.must_change_password,
        user,
    }))
}

#[utoipa::path(get, tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "account_disabled")))]
#[get("/me")]
pub async fn me(user: SignedIn) -> HttpResponse {
    HttpResponse::Ok().json(user.0)
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "changed"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "account_disabled"),
              (status = 422, body = ErrorBody, description = "wrong_password or invalid_password"),
              (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[post("/me/password")]
pub async fn change_password(
    req: HttpRequest,
    user: SignedIn,
    state: web::Data<AppState>,
    body: web::Json<PasswordChange>,
) -> AppResult<HttpResponse> {
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner();
    let now = state.clock.now();
    state
        .accounts
        .change_password(
            &state.db,
            &user.0,
            current_password,
            new_password,
            &client_addr(&req),
            now,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct NewOfficial {
    #[serde(flatten)]
    pub user: NewUser,
    pub role: Role,
}

#[utoipa::path(post, tag = "accounts", security(("bearer" = [])),
    request_body = NewOfficial,
    responses((status = 201, body = User), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/users")]
pub async fn create_official(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<NewOfficial>,
) -> AppResult<HttpResponse> {
    let admin = user.require(&[Role::Admin])?;
    let NewOfficial { user: new, role } = body.into_inner();
    let created = state
        .accounts
        .create_official(&state.db, admin, new, role)
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(get, tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(user: AuthUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let users = state.db.run(crate::auth::list_officials).await?;
    Ok(HttpResponse::Ok().json(users))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordReset {
    pub new_password: String,
}

#[utoipa::path(post, tag = "accounts",
    security(("bearer" = [])), request_body = PasswordReset,
    params(("id" = String, Path, description = "user id")),
    responses((status = 204, description = "reset; the user must change it at next login"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[post("/users/{id}/password")]
pub async fn reset_password(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<PasswordReset>,
) -> AppResult<HttpResponse> {
    let admin = user.require(&[Role::Admin])?;
    let now = state.clock.now();
    state
        .accounts
        .reset_password(&state.db, admin, &path, body.into_inner().new_password, now)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct UserPatch {
    pub disabled: bool,
}

#[utoipa::path(patch, tag = "accounts",
    security(("bearer" = [])), request_body = UserPatch,
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = User), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "cannot_disable_self")))]
#[patch("/users/{id}")]
pub async fn update_user(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<UserPatch>,
) -> AppResult<HttpResponse> {
    let admin = user.require(&[Role::Admin])?;
    let now = state.clock.now();
    let updated = state
        .accounts
        .set_disabled(&state.db, admin, &path, body.disabled, now)
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

#[utoipa::path(get, tag = "accounts",
    security(("bearer" = [])), params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = Vec<UserEvent>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
#[get("/users/{id}/events")]
pub async fn user_events(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let events = state.accounts.events(&state.db, &path).await?;
    Ok(HttpResponse::Ok().json(events))
}
