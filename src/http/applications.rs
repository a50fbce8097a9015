//! Submitting, listing, reading and deciding applications; their images and previews.

use actix_web::http::header;
use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::disposition::inline_disposition;
use super::extract::{is_multipart, json_part, parse_json, read_parts, AuthUser};
use super::preview::{invalid_spec, png_response, preview_width, PreviewQuery};
use super::{AppState, JSON_LIMIT};
use crate::applications::repo::{
    self, ApplicationRow, Created, NewRevision, TransitionInput, TransitionResult, Upload,
};
use crate::applications::{Action, ChangeItem};
use crate::applications::{ApplicationForm, Evaluation, Status, SubmitResult, TransitionRequest};
use crate::auth::Role;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::spec::{DesignInfo, SignSpec};
use crate::storage::images::{self, DesignFormat, ImageError};
use crate::storage::{BudgetError, Variant};

/// The multipart body of a submission, for the API description.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmissionForm {
    /// JSON of [`ApplicationForm`].
    #[schema(value_type = ApplicationForm)]
    application: String,
    /// One or more design images (PNG, JPEG or WebP; at most 8, 10 MiB each).
    #[schema(value_type = Vec<String>, format = Binary)]
    design: Vec<Vec<u8>>,
}

/// The multipart body of a resubmission.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResubmissionForm {
    /// JSON `{"action": "resubmit", "expected_version": N}`.
    #[schema(value_type = Object)]
    transition: String,
    #[schema(value_type = ApplicationForm)]
    application: String,
    /// New design images; none keeps the previous ones.
    #[schema(value_type = Vec<String>, format = Binary)]
    design: Vec<Vec<u8>>,
}

fn image_error(name: &str, e: ImageError) -> AppError {
    match e {
        ImageError::Unsupported => AppError::explained(
            ErrorCode::UnsupportedImage,
            format!("“{name}”不是 PNG、JPEG 或 WebP 图片，或文件已损坏"),
        ),
        ImageError::TooLarge => AppError::explained(
            ErrorCode::FileTooLarge,
            format!("设计图“{name}”超过 10 MB，请压缩后再上传"),
        ),
        ImageError::TooManyPixels { width, height } => AppError::explained(
            ErrorCode::TooManyPixels,
            format!("设计图“{name}”尺寸过大（{width}×{height}），请不要超过 4000 万像素"),
        ),
    }
    .with_details(serde_json::json!({"file": name}))
}

fn budget_error(state: &AppState, name: &str, probe: &images::Probe, e: BudgetError) -> AppError {
    match e {
        BudgetError::TooBig {
            need_mib,
            budget_mib,
        } => AppError::explained(ErrorCode::ImageTooDemanding,
            format!(
                "设计图“{name}”（{}×{}）解码需要约 {need_mib} MB 内存，超过服务器允许的 {budget_mib} MB，请缩小尺寸或转为 8 位色深后再上传",
                probe.width, probe.height
            ),
        )
        .with_details(serde_json::json!({
            "file": name, "width": probe.width, "height": probe.height,
            "need_mb": need_mib, "budget_mb": budget_mib,
        })),
        BudgetError::Busy => AppError::busy("服务器正在处理其他图片，请稍后再试")
            .with_retry_after(state.decode.retry_after_secs()),
    }
}

/// Decodes and checks every upload and checks the spec: CPU work, off the async workers.
/// The headers are read first, so the memory the decodes need is reserved from the shared
/// budget before any pixel is decoded; the uploads of one request are decoded one by one.
async fn prepare_revision(
    state: &web::Data<AppState>,
    spec: SignSpec,
    designs: Vec<(String, Vec<u8>)>,
    carried: Vec<DesignInfo>,
) -> AppResult<(SignSpec, Vec<Upload>, Evaluation)> {
    let engine = state.engine.clone();
    let max_alloc = state.decode.total_bytes();
    let (designs, worst) = web::block(move || {
        let mut worst: Option<(String, images::Probe)> = None;
        for (name, bytes) in &designs {
            let probe = images::probe(bytes, max_alloc).map_err(|e| image_error(name, e))?;
            if worst.as_ref().is_none_or(|(_, w)| probe.cost > w.cost) {
                worst = Some((name.clone(), probe));
            }
        }
        Ok::<_, AppError>((designs, worst))
    })
    .await
    .map_err(AppError::internal)??;
    let _permit = match &worst {
        Some((name, probe)) => Some(
            state
                .decode
                .acquire(probe.cost)
                .await
                .map_err(|e| budget_error(state, name, probe, e))?,
        ),
        None => None,
    };
    web::block(move || {
        let mut uploads = Vec::with_capacity(designs.len());
        for (name, bytes) in designs {
            let image = images::prepare(bytes, max_alloc).map_err(|e| image_error(&name, e))?;
            uploads.push(Upload {
                image,
                original_name: name,
            });
        }
        let infos: Vec<DesignInfo> = if uploads.is_empty() {
            carried
        } else {
            uploads
                .iter()
                .map(|u| DesignInfo {
                    width_px: u.image.width,
                    height_px: u.image.height,
                })
                .collect()
        };
        let evaluation = engine.evaluate(&spec, &infos);
        Ok((spec, uploads, evaluation))
    })
    .await
    .map_err(AppError::internal)?
}

/// Writes the files, then runs `write`. Files are content-addressed and may be shared with a
/// concurrent request, so nothing is removed when the write fails: files no row references
/// are left to the sweeper. The store is held from the first file written to the commit, so
/// the sweeper of this process cannot remove a file in between.
async fn store_then<T, F>(
    state: &web::Data<AppState>,
    uploads: Vec<Upload>,
    write: F,
) -> AppResult<T>
where
    F: FnOnce(&mut crate::db::DbConn, &[Upload]) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let store = state.store.clone();
    let db = state.db.clone();
    web::block(move || {
        let _hold = store.hold();
        for u in &uploads {
            store
                .put(&u.image)
                .map_err(|e| AppError::internal(format!("storing upload: {e}")))?;
        }
        let mut conn = db.get()?;
        write(&mut conn, &uploads)
    })
    .await
    .map_err(AppError::internal)?
}

fn idempotency_key(req: &HttpRequest) -> AppResult<Option<String>> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(k) if !k.trim().is_empty() && k.len() <= 200 => Ok(Some(k.trim().to_owned())),
        _ => Err(AppError::explained(
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key 须为 1–200 个可见字符",
        )),
    }
}

#[utoipa::path(post, tag = "applications",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat-safe submission key")),
    request_body(content = SubmissionForm, content_type = "multipart/form-data"),
    responses((status = 201, body = SubmitResult),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "decode memory is busy; see Retry-After")))]
#[post("/applications")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let merchant = user.require(&[Role::Merchant])?.clone();
    let key = idempotency_key(&req)?;
    if let Some(k) = key.clone() {
        let id = merchant.id.clone();
        if let Some(first) = state
            .db
            .run(move |conn| repo::find_by_idempotency_key(conn, &id, &k))
            .await?
        {
            return Ok(replayed(first));
        }
    }
    let parts = read_parts(&req, payload, &["application"]).await?;
    let form: ApplicationForm = json_part(&parts, "application")?;
    form.validate()?;
    if parts.designs.is_empty() {
        return Err(AppError::explained(
            ErrorCode::DesignRequired,
            "请至少上传一张牌匾设计图",
        ));
    }
    let (spec, uploads, evaluation) =
        prepare_revision(&state, form.spec.clone(), parts.designs, Vec::new()).await?;
    let settings = state.workflow.clone();
    let now = state.clock.now();
    let result = store_then(&state, uploads, move |conn, uploads| {
        let rev = NewRevision {
            spec: &spec,
            evaluation: &evaluation,
            uploads,
        };
        repo::create(conn, &settings, &merchant, &form, &rev, key.as_deref(), now)
    })
    .await?;
    Ok(match result {
        Created::New(result) => HttpResponse::Created().json(result),
        // The same key's first request stored while this one was decoding.
        Created::Replayed(first) => replayed(first),
    })
}

fn replayed(first: SubmitResult) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("Idempotent-Replayed", "true"))
        .json(first)
}

/// Highest page number: far past any real list, and `page × per_page` stays a valid offset.
pub const MAX_PAGE: i64 = 1_000_000;
pub const MAX_PER_PAGE: i64 = 100;

/// 400 `invalid_query` naming the parameter.
fn bad_parameter(name: &str, message: String) -> AppError {
    AppError::explained(ErrorCode::InvalidQuery, message)
        .with_details(serde_json::json!({"parameter": name}))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// translating | in_review | changes_requested | approved | rejected | withdrawn
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Year of first submission.
    pub year: Option<i32>,
    /// Part of the shop name or licence number (no control characters).
    #[param(pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub q: Option<String>,
    /// From 1 (default) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// From 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, tag = "applications",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = repo::Page), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
#[get("/applications")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            AppError::explained(ErrorCode::InvalidQuery, format!("没有“{s}”这种状态"))
        })?),
    };
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(bad_parameter(
            "page",
            format!("页码须在 1 到 {MAX_PAGE} 之间"),
        ));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(bad_parameter(
            "per_page",
            format!("每页须为 1–{MAX_PER_PAGE} 条"),
        ));
    }
    if q.q
        .as_deref()
        .is_some_and(|t| crate::rules::has_control_chars(t, false))
    {
        return Err(bad_parameter("q", "搜索内容含有不可见的控制字符".into()));
    }
    let filter = repo::ListFilter {
        status,
        year: q.year,
        q: q.q.map(|s| s.chars().take(100).collect()),
        page,
        per_page,
    };
    let actor = user.0;
    let page = state
        .db
        .run(move |conn| repo::list(conn, &actor, &filter))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(get, tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = repo::Detail), (status = 404, body = ErrorBody)))]
#[get("/applications/{id}")]
pub async fn detail(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = user.0;
    let detail = state
        .db
        .run(move |conn| repo::detail(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Reads a JSON body up to the JSON limit.
async fn json_body<T: serde::de::DeserializeOwned>(mut payload: web::Payload) -> AppResult<T> {
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| super::middleware::payload_error(&e))?;
        if buf.len() + chunk.len() > JSON_LIMIT {
            return Err(AppError::explained(
                ErrorCode::BodyTooLarge,
                "提交的内容过大",
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    parse_json(&buf, None)
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"))
}

#[utoipa::path(post, tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content(
        (TransitionRequest = "application/json"),
        (ResubmissionForm = "multipart/form-data"))),
    responses((status = 200, body = TransitionResult),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "decode memory is busy; see Retry-After")))]
#[post("/applications/{id}/transitions")]
#[allow(clippy::too_many_lines)] // Split by the applications work of issue 9.
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let actor = user.0;
    let (request, form, designs): (TransitionRequest, Option<ApplicationForm>, _) =
        if is_multipart(&req) {
            let parts = read_parts(&req, payload, &["transition", "application"]).await?;
            let request = json_part(&parts, "transition")?;
            let form = parts
                .json
                .contains_key("application")
                .then(|| json_part(&parts, "application"))
                .transpose()?;
            (request, form, parts.designs)
        } else if is_json(&req) {
            (json_body(payload).await?, None, Vec::new())
        } else {
            return Err(AppError::explained(
                ErrorCode::UnsupportedMediaType,
                "请以 JSON 提交操作（重新提交申请时用 multipart/form-data）",
            ));
        };
    request.validate()?;

    let (app, current) = {
        let actor = actor.clone();
        let id = id.clone();
        state
            .db
            .run(move |conn| {
                let app = repo::get_visible(conn, &actor, &id)?;
                let current = repo::get_revision(conn, &app.id, app.current_revision)?;
                let designs = repo::list_attachments(conn, &app.id, Some(app.current_revision))?;
                Ok::<_, AppError>((app, (current, designs)))
            })
            .await?
    };
    repo::precheck(&app, &actor, request.action, request.expected_version)?;
    let (current, current_designs) = current;
    let carried: Vec<DesignInfo> = current_designs
        .iter()
        .map(|a| DesignInfo {
            width_px: a.width.max(0) as u32,
            height_px: a.height.max(0) as u32,
        })
        .collect();

    let prepared = match request.action {
        Action::SupplyTranslation => {
            let mn = request.mn.clone().unwrap_or_default();
            if mn.trim().is_empty() {
                return Err(AppError::explained(
                    ErrorCode::TranslationMissing,
                    "请填写蒙古文译文",
                ));
            }
            let mut spec = current.spec()?;
            spec.texts.mn = mn;
            spec.translation_requested = false;
            // Line breaks laid out for the old Mongolian text do not fit the new one.
            for block in spec.layout.iter_mut().flat_map(|l| l.blocks.iter_mut()) {
                if block.script == crate::spec::Script::Mn {
                    block.text = None;
                }
            }
            if let Err(invalid) = crate::rules::validate(&spec) {
                return Err(invalid_spec(invalid));
            }
            Some(prepare_revision(&state, spec, Vec::new(), carried).await?)
        }
        Action::Resubmit => {
            let form = form.as_ref().ok_or_else(|| {
                if is_multipart(&req) {
                    AppError::explained(ErrorCode::MissingPart, "缺少“application”部分")
                } else {
                    AppError::explained(
                        ErrorCode::UnsupportedMediaType,
                        "重新提交申请请用 multipart/form-data，附上修改后的申请内容",
                    )
                }
            })?;
            form.validate()?;
            Some(prepare_revision(&state, form.spec.clone(), designs, carried).await?)
        }
        _ => None,
    };

    let settings = state.workflow.clone();
    let now = state.clock.now();
    let TransitionRequest {
        action,
        expected_version,
        comment,
        items,
        ..
    } = request;
    let items: Option<Vec<ChangeItem>> = items;
    let result = match prepared {
        Some((spec, uploads, evaluation)) => {
            store_then(&state, uploads, move |conn, uploads| {
                let input = TransitionInput {
                    action,
                    expected_version,
                    comment,
                    items,
                    new_revision: Some(NewRevision {
                        spec: &spec,
                        evaluation: &evaluation,
                        uploads,
                    }),
                    form: form.as_ref(),
                };
                repo::apply_transition(conn, &settings, &actor, &app.id, input, now)
            })
            .await?
        }
        None => {
            state
                .db
                .run(move |conn| {
                    let input = TransitionInput {
                        action,
                        expected_version,
                        comment,
                        items,
                        new_revision: None,
                        form: None,
                    };
                    repo::apply_transition(conn, &settings, &actor, &app.id, input, now)
                })
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(result))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AttachmentQuery {
    /// `1`: the 480 px thumbnail.
    #[param(minimum = 0, maximum = 1)]
    pub thumb: Option<u8>,
}

#[utoipa::path(get,
    tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path), ("attachment_id" = String, Path), AttachmentQuery),
    responses((status = 200, description = "the image, without metadata", content_type = "image/*"),
              (status = 404, body = ErrorBody)))]
#[get("/applications/{id}/attachments/{attachment_id}")]
pub async fn attachment(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    query: web::Query<AttachmentQuery>,
) -> AppResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let actor = user.0;
    let row = state
        .db
        .run(move |conn| {
            let app: ApplicationRow = repo::get_visible(conn, &actor, &id)?;
            repo::get_attachment(conn, &app.id, &attachment_id)
        })
        .await?;
    let format = match row.content_type.as_str() {
        "image/png" => DesignFormat::Png,
        "image/jpeg" => DesignFormat::Jpeg,
        _ => DesignFormat::Webp,
    };
    let variant = if query.thumb == Some(1) {
        Variant::Thumb
    } else {
        Variant::Display
    };
    let ext = images::display_ext(format);
    let path = state
        .store
        .path(&row.sha256, variant, ext)
        .ok_or_else(|| AppError::internal("bad stored hash"))?;
    let bytes = web::block(move || std::fs::read(&path))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(format!("reading stored image: {e}")))?;
    let content_type = if ext == "jpg" {
        "image/jpeg"
    } else {
        "image/png"
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            inline_disposition(&row.original_name, ext),
        ))
        .body(bytes))
}

#[utoipa::path(get,
    tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path), ("n" = i32, Path), PreviewQuery),
    responses((status = 200, description = "the sign as drawn", content_type = "image/png"),
              (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "the stored sign cannot be drawn")))]
#[get("/applications/{id}/revisions/{n}/preview.png")]
pub async fn revision_preview(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, i32)>,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let width = preview_width(&query)?;
    let (id, n) = path.into_inner();
    let actor = user.0;
    let rev = state
        .db
        .run(move |conn| {
            let app = repo::get_visible(conn, &actor, &id)?;
            repo::get_revision(conn, &app.id, n)
        })
        .await?;
    let mut spec = rev.spec()?;
    spec.layout = rev.layout()?.or(spec.layout);
    png_response(&state, spec, width).await
}
