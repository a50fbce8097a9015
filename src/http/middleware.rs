//! Middleware at the edge of the service: a stalled request body times out, and JSON answers
//! are never stored by a cache.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::{Stream, StreamExt};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use crate::error::{AppError, ErrorCode};

/// Replaces the request's body with one that fails with a timeout error when the client sends
/// nothing for `idle`: every extractor (JSON, multipart) then sees [`is_timeout`] errors
/// instead of waiting for ever.
/// The request's [`BodyEnded`] is in its extensions.
pub async fn body_timeout(
    idle: Duration,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let payload = req.parts_mut().1.take();
    let ended = BodyEnded::default();
    req.extensions_mut().insert(ended.clone());
    // Fused: readers such as multipart poll again after the end.
    let guarded: Payload = Payload::from(Box::pin(idle_timeout(payload, idle, ended).fuse())
        as std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>);
    req.set_payload(guarded);
    next.call(req).await
}

/// Set once the whole request body has arrived: after that, a reader that still waits for
/// data waits for ever.
#[derive(Clone, Default)]
pub struct BodyEnded(Rc<Cell<bool>>);

impl BodyEnded {
    pub fn get(&self) -> bool {
        self.0.get()
    }
}

/// The chunks of `payload`, or one timeout error when the next chunk takes longer than `idle`.
fn idle_timeout(
    payload: Payload,
    idle: Duration,
    ended: BodyEnded,
) -> impl Stream<Item = Result<Bytes, PayloadError>> {
    futures_util::stream::unfold(Some(payload), move |state| {
        let ended = ended.clone();
        async move {
            let mut payload = state?;
            match actix_web::rt::time::timeout(idle, payload.next()).await {
                Ok(Some(item)) => Some((item, Some(payload))),
                Ok(None) => {
                    ended.0.set(true);
                    None
                }
                Err(_) => Some((
                    Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no body data for {} s", idle.as_secs_f32()),
                    ))),
                    None,
                )),
            }
        }
    })
}

/// Whether a body error is the client stalling (see [`body_timeout`]).
pub fn is_timeout(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// A body that could not be read: 408 when the client stalled, else 400 `invalid_body`.
pub fn payload_error(e: &PayloadError) -> AppError {
    if is_timeout(e) {
        body_timed_out()
    } else {
        AppError::new(ErrorCode::UnreadableBody)
            .with_details(serde_json::json!({"reason": e.to_string()}))
    }
}

pub fn body_timed_out() -> AppError {
    AppError::explained(
        ErrorCode::BodyTimeout,
        "上传中断或过慢，请检查网络后重新提交",
    )
}

/// `Cache-Control: no-store` on every JSON answer that does not set its own: signed-in answers
/// carry phone and licence numbers, and login's carries a token.
pub async fn no_store_json(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let headers = res.headers_mut();
    if is_json && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}
