//! `approvals`: the signed verification record of an approval, with what the public register
//! shows of it, and its later revocation or replacement.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::approvals;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = approvals)]
pub struct ApprovalRow {
    pub application_id: String,
    pub approval_no: String,
    pub reference: String,
    pub token: String,
    pub token_hash: String,
    pub revision: i32,
    pub decided_at: NaiveDateTime,
    pub decided_year: i32,
    pub shop_name: String,
    pub address: String,
    pub township: String,
    pub licence_masked: String,
    pub text_zh: String,
    pub text_mn: String,
    /// The exact text that was signed.
    pub canonical: String,
    /// base64url Ed25519 signature of `canonical`.
    pub signature: String,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    /// The application whose approval replaced this one.
    pub replaced_by: Option<String>,
}

/// What a verification says of an approval now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Revoked,
    Superseded,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Valid => "有效",
            Standing::Revoked => "已撤销",
            Standing::Superseded => "已变更",
        }
    }
}

impl ApprovalRow {
    /// Revoked wins over replaced: a revoked approval is no longer valid whatever followed.
    pub fn standing(&self) -> Standing {
        match (&self.revoked_at, &self.replaced_by) {
            (Some(_), _) => Standing::Revoked,
            (None, Some(_)) => Standing::Superseded,
            (None, None) => Standing::Valid,
        }
    }
}

pub fn insert_approval(conn: &mut DbConn, row: &ApprovalRow) -> AppResult<()> {
    diesel::insert_into(approvals::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get_approval(conn: &mut DbConn, app_id: &str) -> AppResult<Option<ApprovalRow>> {
    Ok(approvals::table
        .filter(approvals::application_id.eq(app_id))
        .select(ApprovalRow::as_select())
        .first(conn)
        .optional()?)
}

/// The approval a token belongs to, found by the token's hash (unique index).
pub fn find_by_token_hash(conn: &mut DbConn, hash: &str) -> AppResult<Option<ApprovalRow>> {
    Ok(approvals::table
        .filter(approvals::token_hash.eq(hash))
        .select(ApprovalRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn mark_revoked(
    conn: &mut DbConn,
    app_id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(approvals::table.filter(approvals::application_id.eq(app_id)))
        .set((
            approvals::revoked_at.eq(Some(at)),
            approvals::revoked_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_replaced(conn: &mut DbConn, old_id: &str, new_id: &str) -> AppResult<()> {
    diesel::update(approvals::table.filter(approvals::application_id.eq(old_id)))
        .set(approvals::replaced_by.eq(Some(new_id)))
        .execute(conn)?;
    Ok(())
}
