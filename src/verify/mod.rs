//! Verification of a certificate by the token in its QR code: what the approval says now
//! (valid, revoked, superseded), the signed record and its signature. Anyone may ask; nothing
//! private is in the answer. An unknown token costs the same work as a known one: its hash is
//! computed and looked up in the unique index either way.

use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::rows::approval::{find_by_token_hash, get_approval, Standing};
use crate::applications::rows::{get_revision, stored_spec, utc};
use crate::applications::WorkflowSettings;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::rules::ValidSpec;
use crate::signing::{is_token_shaped, token_hash};

/// The approval that replaced a superseded one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Replacement {
    pub approval_no: String,
    /// Its own verification page.
    pub url: String,
}

/// `GET /api/v1/verify/{token}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub status: Standing,
    /// 有效 / 已撤销 / 已变更.
    pub status_label: String,
    /// `canonical`, parsed.
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
    /// The exact UTF-8 text that was signed: the record as compact JSON with sorted keys.
    pub canonical: String,
    /// base64url Ed25519 signature of `canonical` (see `/api/v1/verify/key`).
    pub signature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<Replacement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The approved sign as drawn.
    pub preview_url: String,
}

/// `GET /api/v1/verify/key`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicKey {
    /// Always `Ed25519`.
    pub alg: String,
    /// base64url of the 32 raw bytes of the public key.
    pub public_key: String,
}

/// The verification of `token`, or 404.
pub fn lookup(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    token: &str,
) -> AppResult<Verification> {
    // The same hash and the same indexed lookup whatever the token is.
    let shaped = is_token_shaped(token);
    let found = find_by_token_hash(conn, &token_hash(token))?;
    let row = found.filter(|_| shaped).ok_or_else(AppError::not_found)?;
    let replaced_by = match &row.replaced_by {
        Some(new_id) => get_approval(conn, new_id)?.map(|new| Replacement {
            url: settings.verify_url(&new.token),
            approval_no: new.approval_no,
        }),
        None => None,
    };
    let record = serde_json::from_str(&row.canonical).map_err(AppError::internal)?;
    Ok(Verification {
        status: row.standing(),
        status_label: row.standing().label().to_owned(),
        record,
        preview_url: format!("/api/v1/verify/{token}/preview.png"),
        canonical: row.canonical,
        signature: row.signature,
        replaced_by,
        revoked_reason: row.revoked_reason,
        revoked_at: row.revoked_at.map(utc),
    })
}

/// The approved revision's sign, for drawing on the public page.
pub fn approved_spec(conn: &mut DbConn, token: &str) -> AppResult<ValidSpec> {
    let shaped = is_token_shaped(token);
    let row = find_by_token_hash(conn, &token_hash(token))?
        .filter(|_| shaped)
        .ok_or_else(AppError::not_found)?;
    stored_spec(&get_revision(conn, &row.application_id, row.revision)?)
}

pub fn public_key(settings: &WorkflowSettings) -> PublicKey {
    PublicKey {
        alg: "Ed25519".into(),
        public_key: settings.seal.public_key(),
    }
}
