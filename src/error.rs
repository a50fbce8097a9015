//! The one error type of the service. Every error reaches the client as
//! `{"error": {"code": "snake_case", "message": "中文说明", "details": …}}` with the right
//! status; internal causes are logged, never sent.
//!
//! The codes form one closed set, [`ErrorCode`]: each carries its HTTP status and its default
//! Chinese message, so no call site picks a status of its own.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

/// The cause of an internal error: logged, never sent.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Declares [`ErrorCode`] and the list of all its variants from one list.
macro_rules! error_codes {
    ($($(#[$meta:meta])* $variant:ident,)*) => {
        /// Every code the API answers. Serialised in `snake_case`; clients and the pages rely
        /// on these names, so a name never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$meta])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];
        }
    };
}

error_codes! {
    // 400
    InvalidJson,
    /// A body that could not be read at all (a broken connection, a bad encoding); the name
    /// is shared with the 422 [`ErrorCode::InvalidBody`] because clients know it so.
    #[serde(rename = "invalid_body")]
    UnreadableBody,
    InvalidQuery,
    InvalidMultipart,
    MissingPart,
    UnknownPart,
    DuplicatePart,
    InvalidIdempotencyKey,
    // 401
    Unauthorized,
    InvalidToken,
    InvalidCredentials,
    // 403
    Forbidden,
    AccountDisabled,
    PasswordChangeRequired,
    // 404, 405
    NotFound,
    RouteNotFound,
    MethodNotAllowed,
    // 408
    BodyTimeout,
    // 409
    Duplicate,
    UsernameTaken,
    VersionConflict,
    // 413
    BodyTooLarge,
    FileTooLarge,
    TooManyPixels,
    ImageTooDemanding,
    // 415
    UnsupportedMediaType,
    UnsupportedImage,
    // 422
    InvalidBody,
    TooManyFiles,
    InvalidUser,
    InvalidPassword,
    WrongPassword,
    CannotDisableSelf,
    InvalidApplication,
    InvalidTransition,
    IllegalTransition,
    TranslationMissing,
    TranslationUnconfirmed,
    AlreadyConfirmed,
    FindingsUnresolved,
    ItemsRequired,
    ReasonRequired,
    DesignRequired,
    UnrenderableSpec,
    AlreadyExtended,
    InvalidExtensionDays,
    InvalidAssignee,
    InvalidTerm,
    InvalidImport,
    // 429
    TooManyAttempts,
    TooManyRegistrations,
    // 500
    InternalError,
    // 503
    ServiceUnavailable,
    ServiceBusy,
    /// The readiness probe: a dependency is unreachable, or the process is shutting down.
    NotReady,
    /// The object store of uploads cannot be reached.
    StorageUnavailable,
}

impl ErrorCode {
    /// The HTTP status every answer with this code has.
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            InvalidJson
            | UnreadableBody
            | InvalidQuery
            | InvalidMultipart
            | MissingPart
            | UnknownPart
            | DuplicatePart
            | InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            Unauthorized | InvalidToken | InvalidCredentials => StatusCode::UNAUTHORIZED,
            Forbidden | AccountDisabled | PasswordChangeRequired => StatusCode::FORBIDDEN,
            NotFound | RouteNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Duplicate | UsernameTaken | VersionConflict => StatusCode::CONFLICT,
            BodyTooLarge | FileTooLarge | TooManyPixels | ImageTooDemanding => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            UnsupportedMediaType | UnsupportedImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            InvalidBody
            | TooManyFiles
            | InvalidUser
            | InvalidPassword
            | WrongPassword
            | CannotDisableSelf
            | InvalidApplication
            | InvalidTransition
            | IllegalTransition
            | TranslationMissing
            | TranslationUnconfirmed
            | AlreadyConfirmed
            | FindingsUnresolved
            | ItemsRequired
            | ReasonRequired
            | DesignRequired
            | UnrenderableSpec
            | AlreadyExtended
            | InvalidExtensionDays
            | InvalidAssignee => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidTerm | InvalidImport => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyAttempts | TooManyRegistrations => StatusCode::TOO_MANY_REQUESTS,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            ServiceUnavailable | ServiceBusy | NotReady | StorageUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// The Chinese message sent when the call site gives no more precise one.
    pub fn default_message(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidJson => "提交的内容不是有效的 JSON",
            UnreadableBody => "无法读取提交的内容",
            InvalidQuery => "查询参数不正确",
            InvalidMultipart => "上传内容格式不正确，请重新提交",
            MissingPart => "上传内容缺少必需的部分",
            UnknownPart => "上传内容包含无法识别的部分",
            DuplicatePart => "上传内容的某一部分重复出现",
            InvalidIdempotencyKey => "Idempotency-Key 格式不正确",
            Unauthorized => "请先登录",
            InvalidToken => "登录已过期或无效，请重新登录",
            InvalidCredentials => "用户名或密码不正确",
            Forbidden => "您没有进行此操作的权限",
            AccountDisabled => "该账号已停用，请联系管理员",
            PasswordChangeRequired => "请先修改密码后再继续使用",
            NotFound => "找不到该内容",
            RouteNotFound => "没有这个接口",
            MethodNotAllowed => "该接口不支持这种请求方式",
            BodyTimeout => "上传中断或过慢，请检查网络后重新提交",
            Duplicate => "该记录已存在，请勿重复提交",
            UsernameTaken => "该用户名已被使用，请换一个",
            VersionConflict => "该申请已被他人修改，请刷新后再试",
            BodyTooLarge => "提交的内容过大",
            FileTooLarge => "上传的文件过大",
            TooManyPixels => "图片像素过多",
            ImageTooDemanding => "图片过大，服务器无法处理",
            UnsupportedMediaType => "不支持这种内容类型",
            UnsupportedImage => "不支持这种图片格式",
            InvalidBody => "提交的内容缺少必填项或类型不对",
            TooManyFiles => "上传的文件过多",
            InvalidUser => "账号信息有误",
            InvalidPassword => "密码不符合要求",
            WrongPassword => "当前密码不正确",
            CannotDisableSelf => "不能停用自己的账号",
            InvalidApplication => "申请内容有误",
            InvalidTransition => "提交的内容有误",
            IllegalTransition => "当前状态下不能进行此操作",
            TranslationMissing => "尚未提供蒙古文译文",
            TranslationUnconfirmed => "蒙古文译文尚未确认",
            AlreadyConfirmed => "译文已确认",
            FindingsUnresolved => "仍有未解决的审查问题",
            ItemsRequired => "请列出需要修改的事项",
            ReasonRequired => "请填写理由",
            DesignRequired => "请上传设计图",
            UnrenderableSpec => "无法按此规格绘制牌匾效果图",
            AlreadyExtended => "办理期限已经延长过一次，不能再次延长",
            InvalidExtensionDays => "延长的天数超出允许的范围",
            InvalidAssignee => "承办人须为在职的工作人员",
            InvalidTerm => "术语内容有误",
            InvalidImport => "导入的文件有误，没有导入任何术语",
            TooManyAttempts => "尝试次数过多，请稍后再试",
            TooManyRegistrations => "注册过于频繁，请稍后再试",
            InternalError => "服务器内部错误，请稍后再试",
            ServiceUnavailable => "服务繁忙，请稍后再试",
            ServiceBusy => "服务器正忙，请稍后再试",
            NotReady => "服务暂不能接受请求（正在启动、停止或依赖不可用）",
            StorageUnavailable => "文件存储暂时无法访问，请稍后再试",
        }
    }

    /// The name clients see, e.g. `version_conflict`.
    pub fn name(self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::String(name)) => name,
            _ => format!("{self:?}"),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The OpenAPI schema: a string enum of every distinct name.
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        let mut names: Vec<String> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Stable snake_case code, e.g. `version_conflict`."))
            .enum_values(Some(names))
            .into()
    }
}

impl ToSchema for ErrorCode {}

#[derive(Debug)]
pub struct AppError {
    pub code: ErrorCode,
    /// A more precise message than the code's default.
    message: Option<String>,
    pub details: Option<Value>,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
    /// Logged when the response is built; never sent.
    cause: Option<Cause>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// Chinese explanation for people.
    pub message: String,
    /// Free-form: an object (`{"field": …}`) or, for a 422 listing fields, an array of
    /// `{"field", "message"}`.
    #[schema(value_type = Option<Value>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        AppError::new(code)
    }
}

impl AppError {
    /// An error with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        AppError {
            code,
            message: None,
            details: None,
            retry_after: None,
            cause: None,
        }
    }

    /// An error with a message more precise than the code's default.
    pub fn explained(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut e = Self::new(code);
        e.message = Some(message.into());
        e
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The message the client reads.
    pub fn message(&self) -> &str {
        self.message
            .as_deref()
            .unwrap_or_else(|| self.code.default_message())
    }

    /// Asks the client to try again after `secs` seconds (`Retry-After`).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The service is too busy right now; the client may try again later.
    pub fn busy(message: impl Into<String>) -> Self {
        Self::explained(ErrorCode::ServiceBusy, message)
    }

    /// A refusal with `code` listing every problem of `what` (e.g. 申请内容, 术语): the message
    /// names them all, `details` is the list of `{"field", "message"}`.
    pub fn listing(code: ErrorCode, what: &str, problems: Vec<(String, String)>) -> AppError {
        if problems.is_empty() {
            return AppError::internal("a refusal without problems");
        }
        let message = format!(
            "{what}有 {} 处需要修改：{}",
            problems.len(),
            problems
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("；")
        );
        let details: Vec<_> = problems
            .into_iter()
            .map(|(field, message)| serde_json::json!({"field": field, "message": message}))
            .collect();
        AppError::explained(code, message).with_details(details)
    }

    pub fn with_details(mut self, details: impl Serialize) -> Self {
        self.details = serde_json::to_value(details).ok();
        self
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound)
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized)
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden)
    }

    /// Something the client could not cause: logged with its cause, answered with a generic 500.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        let mut e = Self::new(ErrorCode::InternalError);
        e.cause = Some(cause.into());
        e
    }

    /// The pool could not hand out a connection in time.
    pub fn pool(cause: impl Into<Cause>) -> Self {
        let mut e = Self::new(ErrorCode::ServiceUnavailable);
        e.cause = Some(cause.into());
        e
    }

    /// The object store of uploads did not answer: 503, the cause logged.
    pub fn storage(cause: impl Into<Cause>) -> Self {
        let mut e = Self::new(ErrorCode::StorageUnavailable).with_retry_after(5);
        e.cause = Some(cause.into());
        e
    }

    /// The logged cause, if any.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.cause.as_deref()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status(), self.message())?;
        if let Some(cause) = &self.cause {
            write!(f, " [{cause}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(code = %self.code, cause = %cause, "request failed");
        }
        let status = self.status();
        let mut response = HttpResponse::build(status);
        if let Some(secs) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
        }
        if status == StatusCode::REQUEST_TIMEOUT {
            // The rest of a stalled body may never come: do not wait for it on this connection.
            response.force_close();
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message().to_owned(),
                details: self.details.clone(),
            },
        })
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Pool(cause) => AppError::pool(cause),
            crate::db::DbError::Query(e) => e.into(),
            other => AppError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::not_found(),
            e if crate::db::is_unique_violation(&e) => AppError::new(ErrorCode::Duplicate),
            other => AppError::internal(other),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
