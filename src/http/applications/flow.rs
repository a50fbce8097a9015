//! The steps of a submission and of a transition that touch HTTP, the decode budget and the
//! file store; every decision is the domain's (`applications`).

use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use super::super::extract::{
    content_type_is, is_multipart, json_part, parse_json, read_parts, AuthUser,
};
use super::super::{AppState, JSON_LIMIT};
use super::upload::{prepare_revision, store_then, Prepared};
use crate::applications::repo::{self, Created, NewRevision, TransitionInput, TransitionResult};
use crate::applications::{
    ApplicationForm, IdempotencyKey, SubmitResult, TransitionRequest, ValidForm,
};
use crate::auth::{Role, User};
use crate::error::{AppError, AppResult, ErrorCode};

fn idempotency_key(req: &HttpRequest) -> AppResult<Option<IdempotencyKey>> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    IdempotencyKey::parse(value.as_bytes())
        .map(Some)
        .ok_or_else(|| {
            AppError::explained(
                ErrorCode::InvalidIdempotencyKey,
                "Idempotency-Key 须为 1–200 个可见字符",
            )
        })
}

fn replayed(first: SubmitResult) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("Idempotent-Replayed", "true"))
        .json(first)
}

/// A submission: a repeated key answers the first result; else the form is parsed, the
/// designs decoded and checked, the files stored and the application created.
pub async fn submit(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: &AuthUser,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let merchant = user.require(&[Role::Merchant])?.clone();
    let key = idempotency_key(req)?;
    if let Some(k) = key.clone() {
        let id = merchant.id.clone();
        let first = state
            .db
            .run(move |conn| repo::find_by_idempotency_key(conn, &id, &k))
            .await?;
        if let Some(first) = first {
            return Ok(replayed(first));
        }
    }
    let parts = read_parts(req, payload, &["application"]).await?;
    let form = json_part::<ApplicationForm>(&parts, "application")?.parse()?;
    if parts.designs.is_empty() {
        return Err(AppError::explained(
            ErrorCode::DesignRequired,
            "请至少上传一张牌匾设计图",
        ));
    }
    let Prepared {
        spec,
        uploads,
        evaluation,
    } = prepare_revision(state, form.spec.clone(), parts.designs, Vec::new()).await?;
    let settings = state.workflow.clone();
    let now = state.clock.now();
    let sizes = upload_sizes(&uploads);
    let result = store_then(state, uploads, move |conn, uploads| {
        let rev = NewRevision {
            spec: &spec,
            evaluation: &evaluation,
            uploads,
        };
        repo::create(conn, &settings, &merchant, &form, &rev, key.as_ref(), now)
    })
    .await?;
    Ok(match result {
        Created::New(result) => {
            state.metrics.uploads(sizes.0, sizes.1);
            state
                .metrics
                .transition(crate::applications::Action::Submit.as_str());
            HttpResponse::Created().json(result)
        }
        // The same key's first request stored while this one was decoding.
        Created::Replayed(first) => replayed(first),
    })
}

/// The number of design images and their bytes as sent, for the metrics.
fn upload_sizes(uploads: &[crate::applications::repo::Upload]) -> (u64, u64) {
    let bytes = uploads.iter().map(|u| u.image.original.len() as u64).sum();
    (uploads.len() as u64, bytes)
}

/// Reads a JSON body up to the JSON limit.
async fn json_body<T: serde::de::DeserializeOwned>(mut payload: web::Payload) -> AppResult<T> {
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| super::super::middleware::payload_error(&e))?;
        if buf.len() + chunk.len() > JSON_LIMIT {
            return Err(AppError::new(ErrorCode::BodyTooLarge));
        }
        buf.extend_from_slice(&chunk);
    }
    parse_json(&buf, None)
}

/// A transition as sent: the request, the form of a resubmission, its designs.
struct Sent {
    request: TransitionRequest,
    form: Option<ApplicationForm>,
    designs: Vec<(String, Vec<u8>)>,
    multipart: bool,
}

async fn read_transition(req: &HttpRequest, payload: web::Payload) -> AppResult<Sent> {
    if is_multipart(req) {
        let parts = read_parts(req, payload, &["transition", "application"]).await?;
        let request = json_part(&parts, "transition")?;
        let form = parts
            .json
            .contains_key("application")
            .then(|| json_part(&parts, "application"))
            .transpose()?;
        Ok(Sent {
            request,
            form,
            designs: parts.designs,
            multipart: true,
        })
    } else if content_type_is(req, "application/json") {
        Ok(Sent {
            request: json_body(payload).await?,
            form: None,
            designs: Vec::new(),
            multipart: false,
        })
    } else {
        Err(AppError::explained(
            ErrorCode::UnsupportedMediaType,
            "请以 JSON 提交操作（重新提交申请时用 multipart/form-data）",
        ))
    }
}

/// The form a resubmission must carry, parsed.
fn resubmitted_form(sent: &mut Sent) -> AppResult<Option<ValidForm>> {
    if sent.request.action() != crate::applications::Action::Resubmit {
        return Ok(None);
    }
    let form = sent.form.take().ok_or_else(|| {
        if sent.multipart {
            AppError::explained(ErrorCode::MissingPart, "缺少“application”部分")
        } else {
            AppError::explained(
                ErrorCode::UnsupportedMediaType,
                "重新提交申请请用 multipart/form-data，附上修改后的申请内容",
            )
        }
    })?;
    form.parse().map(Some)
}

/// A transition: read, checked against the workflow, the new revision (if the move makes
/// one) decoded and checked, the files stored, then applied in one transaction.
pub async fn transition(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: User,
    id: String,
    payload: web::Payload,
) -> AppResult<TransitionResult> {
    let mut sent = read_transition(req, payload).await?;
    sent.request.validate()?;
    let loaded = {
        let (actor, request) = (actor.clone(), sent.request.clone());
        let settings = state.workflow.clone();
        state
            .db
            .run(move |conn| Ok::<_, AppError>(repo::load(conn, &settings, &actor, &id, &request)?))
            .await?
    };
    let form = resubmitted_form(&mut sent)?;
    let prepared = match repo::new_spec(&loaded, &sent.request, form.as_ref())? {
        Some(spec) => Some(prepare_revision(state, spec, sent.designs, loaded.carried).await?),
        None => None,
    };
    let settings = state.workflow.clone();
    let now = state.clock.now();
    let action = sent.request.action();
    let (request, app_id) = (sent.request, loaded.app.id);
    let apply = move |conn: &mut crate::db::DbConn, rev: Option<NewRevision<'_>>| {
        let input = TransitionInput {
            request: &request,
            new_revision: rev,
            form: form.as_ref(),
        };
        Ok(repo::apply_transition(
            conn, &settings, &actor, &app_id, input, now,
        )?)
    };
    let result = match prepared {
        Some(Prepared {
            spec,
            uploads,
            evaluation,
        }) => {
            let sizes = upload_sizes(&uploads);
            let result = store_then(state, uploads, move |conn, uploads| {
                let rev = NewRevision {
                    spec: &spec,
                    evaluation: &evaluation,
                    uploads,
                };
                apply(conn, Some(rev))
            })
            .await?;
            state.metrics.uploads(sizes.0, sizes.1);
            result
        }
        None => state.db.run(move |conn| apply(conn, None)).await?,
    };
    state.metrics.transition(action.as_str());
    Ok(result)
}
