//! What can go wrong with an account, in the domain's terms. The HTTP edge turns it into an
//! [`AppError`] (code, status, message) in one place, [`From<AccountError> for AppError`].

use crate::db::DbError;
use crate::error::{AppError, Cause, ErrorCode};

/// Fields of a request that break the rules: `(field, Chinese message)`, all at once.
#[derive(Debug, Default)]
pub struct Problems(pub(crate) Vec<(&'static str, &'static str)>);

impl Problems {
    pub fn push(&mut self, field: &'static str, message: &'static str) {
        self.0.push((field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when there is no problem, else the error `wrap` makes of them.
    pub fn into_result(self, wrap: fn(Problems) -> AccountError) -> AccountResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(wrap(self))
        }
    }
}

/// Which limit refused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Registrations,
    Logins,
    PasswordChecks,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid new user")]
    InvalidUser(Problems),
    #[error("invalid password")]
    InvalidPassword(Problems),
    #[error("the new password equals the current one")]
    SamePassword,
    #[error("wrong current password")]
    WrongPassword,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("account disabled")]
    Disabled,
    #[error("username taken")]
    UsernameTaken,
    #[error("an admin cannot disable itself")]
    CannotDisableSelf,
    #[error("no such user")]
    NotFound,
    #[error("the signed-in user is gone")]
    Unauthorized,
    #[error("limit {limit:?} reached; retry after {retry_after} s")]
    TooMany { limit: Limit, retry_after: u64 },
    #[error("hashing is busy; retry after {retry_after} s")]
    Busy { retry_after: u64 },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Internal(Cause),
}

pub type AccountResult<T> = Result<T, AccountError>;

impl AccountError {
    pub fn internal(cause: impl Into<Cause>) -> Self {
        AccountError::Internal(cause.into())
    }
}

fn wait_text(secs: u64) -> String {
    if secs < 60 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", secs.div_ceil(60))
    }
}

/// A 422 `code` listing every field.
fn fields(code: ErrorCode, problems: &Problems) -> AppError {
    let details: Vec<_> = problems
        .0
        .iter()
        .map(|(field, message)| serde_json::json!({"field": field, "message": message}))
        .collect();
    let message = problems
        .0
        .iter()
        .map(|(_, m)| *m)
        .collect::<Vec<_>>()
        .join("；");
    AppError::explained(code, message).with_details(details)
}

fn one_field(code: ErrorCode, field: &str, message: &str) -> AppError {
    AppError::explained(code, message)
        .with_details(serde_json::json!([{"field": field, "message": message}]))
}

fn too_many(limit: Limit, secs: u64) -> AppError {
    let (code, what) = match limit {
        Limit::Registrations => (ErrorCode::TooManyRegistrations, "注册过于频繁"),
        Limit::Logins => (ErrorCode::TooManyAttempts, "登录失败次数过多"),
        Limit::PasswordChecks => (ErrorCode::TooManyAttempts, "密码错误次数过多"),
    };
    AppError::explained(code, format!("{what}，请 {} 后再试", wait_text(secs)))
        .with_details(serde_json::json!({"retry_after_secs": secs}))
        .with_retry_after(secs)
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        use AccountError as E;
        match e {
            E::InvalidUser(p) => fields(ErrorCode::InvalidUser, &p),
            E::InvalidPassword(p) => fields(ErrorCode::InvalidPassword, &p),
            E::SamePassword => one_field(
                ErrorCode::InvalidPassword,
                "new_password",
                "新密码不能与当前密码相同",
            ),
            E::WrongPassword => one_field(
                ErrorCode::WrongPassword,
                "current_password",
                "当前密码不正确",
            ),
            E::InvalidCredentials => AppError::new(ErrorCode::InvalidCredentials),
            E::Disabled => AppError::new(ErrorCode::AccountDisabled),
            E::UsernameTaken => AppError::new(ErrorCode::UsernameTaken),
            E::CannotDisableSelf => AppError::new(ErrorCode::CannotDisableSelf),
            E::NotFound => AppError::not_found(),
            E::Unauthorized => AppError::unauthorized(),
            E::TooMany { limit, retry_after } => too_many(limit, retry_after),
            E::Busy { retry_after } => {
                AppError::new(ErrorCode::ServiceUnavailable).with_retry_after(retry_after)
            }
            E::Db(e) => e.into(),
            E::Database(e) => e.into(),
            E::Internal(cause) => AppError::internal(cause),
        }
    }
}
