//! What an approval leaves behind besides the new state, in the approval's transaction: the
//! signed verification record (a random token for the QR code, the record as canonical JSON and
//! its Ed25519 signature) and, for an application that replaces an approved sign, the old
//! record marked as superseded. A revocation marks the record revoked.

use chrono::{NaiveDateTime, SecondsFormat};
use serde_json::json;

use crate::applications::rows::approval::{
    get_approval, insert_approval, mark_replaced, mark_revoked, ApprovalRow,
};
use crate::applications::rows::{utc, ApplicationRow};
use crate::applications::WorkflowSettings;
use crate::error::AppResult;
use crate::signing::{canonical_json, mask_licence, new_token, token_hash};
use crate::spec::SignSpec;

/// The approval being recorded.
pub struct Approved<'a> {
    pub app: &'a ApplicationRow,
    pub spec: &'a SignSpec,
    pub revision: i32,
    pub approval_no: &'a str,
    pub decided_at: NaiveDateTime,
    pub decided_year: i32,
}

/// The record as signed: everything the certificate states, nothing private (the licence
/// masked, no phone, no merchant name).
pub fn record_json(
    settings: &WorkflowSettings,
    a: &Approved<'_>,
    token: &str,
) -> serde_json::Value {
    let sign = &a.spec.sign;
    json!({
        "approval_no": a.approval_no,
        "reference": a.app.reference,
        "shop_name": a.app.shop_name,
        "address": a.app.address,
        "township": a.app.township,
        "licence_no": mask_licence(&a.app.license_no),
        "texts": {"zh": a.spec.texts.zh, "mn": a.spec.texts.mn},
        "sign": {
            "kind": sign.kind,
            "width_mm": sign.width_mm,
            "height_mm": sign.height_mm,
            "arrangement": sign.arrangement,
            "material": sign.material,
            "illuminated": sign.illuminated,
        },
        "decided_at": utc(a.decided_at).to_rfc3339_opts(SecondsFormat::Secs, true),
        "office": settings.office_name,
        "token": token,
        "url": settings.verify_url(token),
    })
}

/// Signs and stores the verification record of an approval; marks the record of the
/// application it replaces, if any, as superseded.
pub fn issue(
    settings: &WorkflowSettings,
    conn: &mut crate::db::DbConn,
    a: Approved<'_>,
) -> AppResult<()> {
    let token = new_token();
    let canonical = canonical_json(&record_json(settings, &a, &token));
    let signature = settings.seal.sign(&canonical);
    let row = ApprovalRow {
        application_id: a.app.id.clone(),
        approval_no: a.approval_no.to_owned(),
        reference: a.app.reference.clone(),
        token_hash: token_hash(&token),
        token,
        revision: a.revision,
        decided_at: a.decided_at,
        decided_year: a.decided_year,
        shop_name: a.app.shop_name.clone(),
        address: a.app.address.clone(),
        township: a.app.township.clone(),
        licence_masked: mask_licence(&a.app.license_no),
        text_zh: a.spec.texts.zh.clone(),
        text_mn: a.spec.texts.mn.clone(),
        canonical,
        signature,
        revoked_at: None,
        revoked_reason: None,
        replaced_by: None,
    };
    insert_approval(conn, &row)?;
    if let Some(old) = &a.app.replaces {
        if get_approval(conn, old)?.is_some() {
            mark_replaced(conn, old, &a.app.id)?;
        }
    }
    Ok(())
}

/// Marks the record of a revoked approval.
pub fn revoke(
    conn: &mut crate::db::DbConn,
    app_id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> AppResult<()> {
    mark_revoked(conn, app_id, reason, at)
}

/// Signs and stores the missing records of approvals decided before records existed
/// (migration 000007), once, at start; their certificates, register entries and
/// verifications then work like any other. A replica racing another one over the same
/// approval leaves the record the other one stored.
pub fn backfill(settings: &WorkflowSettings, conn: &mut crate::db::DbConn) -> AppResult<usize> {
    use crate::applications::states::Status;
    use crate::db::schema::{applications, approvals, revisions};
    use diesel::dsl::{exists, not};
    use diesel::prelude::*;
    let ids: Vec<String> = applications::table
        .filter(applications::status.eq(Status::Approved))
        .filter(applications::approval_no.is_not_null())
        .filter(not(exists(
            approvals::table.filter(approvals::application_id.eq(applications::id)),
        )))
        .filter(exists(
            revisions::table
                .filter(revisions::application_id.eq(applications::id))
                .filter(revisions::n.eq(applications::current_revision)),
        ))
        .select(applications::id)
        .load(conn)?;
    let mut signed = 0;
    for id in &ids {
        match crate::db::write_tx(conn, |c| backfill_one(settings, c, id)) {
            Ok(()) => signed += 1,
            // Another replica stored it first, or this one cannot be signed: it stays without
            // a certificate (as before) and start-up goes on.
            Err(e) if get_approval(conn, id)?.is_none() => {
                tracing::warn!(application = %id, error = ?e, "approval left without a record");
            }
            Err(_) => {}
        }
    }
    Ok(signed)
}

fn backfill_one(
    settings: &WorkflowSettings,
    conn: &mut crate::db::DbConn,
    id: &str,
) -> AppResult<()> {
    use crate::db::schema::applications;
    use chrono::Datelike;
    use diesel::prelude::*;
    if get_approval(conn, id)?.is_some() {
        return Ok(());
    }
    let app: ApplicationRow = applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)?;
    let revision =
        crate::applications::rows::revision::get_revision(conn, id, app.current_revision)?;
    let spec = revision.spec()?;
    let decided_at = app.decided_at.unwrap_or(app.updated_at);
    let approved = Approved {
        app: &app,
        spec: &spec,
        revision: app.current_revision,
        approval_no: app.approval_no.as_deref().unwrap_or_default(),
        decided_at,
        decided_year: app.decided_year.unwrap_or(decided_at.year()),
    };
    issue(settings, conn, approved)
}
