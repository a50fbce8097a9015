//! The closed set of error codes: names unchanged, a status and a Chinese message for each,
//! and the cause of an internal error kept but never sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::StatusCode;
use actix_web::ResponseError;
use signboard::error::{AppError, ErrorCode};

/// Every code the API answered before the codes were closed; clients rely on the names.
const NAMES: &[&str] = &[
    "account_disabled",
    "already_confirmed",
    "already_extended",
    "body_timeout",
    "body_too_large",
    "cannot_disable_self",
    "design_required",
    "duplicate",
    "duplicate_part",
    "file_too_large",
    "findings_unresolved",
    "forbidden",
    "illegal_transition",
    "image_too_demanding",
    "internal_error",
    "invalid_application",
    "invalid_assignee",
    "invalid_body",
    "invalid_credentials",
    "invalid_extension_days",
    "invalid_idempotency_key",
    "invalid_import",
    "invalid_json",
    "invalid_multipart",
    "invalid_password",
    "invalid_query",
    "invalid_term",
    "invalid_token",
    "invalid_transition",
    "invalid_user",
    "items_required",
    "method_not_allowed",
    "missing_part",
    "not_found",
    "not_ready",
    "password_change_required",
    "reason_required",
    "route_not_found",
    "service_busy",
    "service_unavailable",
    "storage_unavailable",
    "too_many_attempts",
    "too_many_files",
    "too_many_pixels",
    "too_many_registrations",
    "translation_missing",
    "translation_unconfirmed",
    "unauthorized",
    "unknown_part",
    "unrenderable_spec",
    "unsupported_image",
    "unsupported_media_type",
    "username_taken",
    "version_conflict",
    "wrong_password",
];

#[test]
fn serialised_names_are_unchanged() {
    let mut names: Vec<String> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names, NAMES);
}

#[test]
fn every_code_has_a_status_and_a_chinese_message() {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for &code in ErrorCode::ALL {
        let status = code.status();
        assert!(
            status.is_client_error() || status.is_server_error(),
            "{code}"
        );
        let message = code.default_message();
        assert!(message.chars().any(han), "{code}: {message:?}");
    }
    // Only what a client cannot cause is a 5xx.
    let server: Vec<String> = ErrorCode::ALL
        .iter()
        .filter(|c| c.status().is_server_error())
        .map(|c| c.name())
        .collect();
    assert_eq!(
        server,
        [
            "internal_error",
            "service_unavailable",
            "service_busy",
            "not_ready",
            "storage_unavailable"
        ]
    );
}

#[test]
fn a_shared_name_keeps_one_status_per_variant() {
    assert_eq!(ErrorCode::UnreadableBody.name(), "invalid_body");
    assert_eq!(ErrorCode::UnreadableBody.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        ErrorCode::InvalidBody.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[test]
fn the_cause_is_kept_and_never_sent() {
    let io = std::io::Error::other("disk on fire");
    let e = AppError::internal(io);
    assert_eq!(
        e.cause().map(ToString::to_string).as_deref(),
        Some("disk on fire")
    );
    let body = actix_web::body::to_bytes(e.error_response().into_body());
    let body = futures_util::FutureExt::now_or_never(body)
        .and_then(Result::ok)
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("internal_error") && !text.contains("disk"),
        "{text}"
    );
}
