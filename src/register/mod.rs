//! The public register (公示) of approvals: every approval with its number, date, shop,
//! address, township, both texts, a thumbnail and its standing (revoked and superseded ones
//! shown as such). The licence number is masked; phone and merchant's name never appear;
//! rejections and open applications are not in it (they have no `approvals` row).
//! Read from `approvals` alone, newest first, through its `(decided_at, application_id)` index.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::rows::approval::{ApprovalRow, Standing};
use crate::applications::rows::utc;
use crate::db::schema::approvals;
use crate::db::DbConn;
use crate::error::AppResult;

/// Most entries on one page.
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    pub year: Option<i32>,
    pub township: Option<String>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterTexts {
    pub zh: String,
    pub mn: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterEntry {
    pub approval_no: String,
    pub decided_at: DateTime<Utc>,
    pub shop_name: String,
    pub address: String,
    pub township: String,
    /// First 8 and last 2 characters; the rest `*`.
    pub licence_no: String,
    pub texts: RegisterTexts,
    pub status: Standing,
    pub status_label: String,
    /// The approved sign, small.
    pub thumbnail_url: String,
    /// The public verification page.
    pub verify_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterPage {
    pub items: Vec<RegisterEntry>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

type Backend = <DbConn as diesel::Connection>::Backend;

fn query<'a>(filter: &RegisterFilter) -> approvals::BoxedQuery<'a, Backend> {
    let mut q = approvals::table.into_boxed();
    if let Some(y) = filter.year {
        q = q.filter(approvals::decided_year.eq(y));
    }
    if let Some(t) = filter.township.as_deref().filter(|t| !t.is_empty()) {
        q = q.filter(approvals::township.eq(t.to_owned()));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q = q.filter(
            approvals::shop_name
                .like(pattern.clone())
                .escape('\\')
                .or(approvals::address.like(pattern.clone()).escape('\\'))
                .or(approvals::approval_no.like(pattern).escape('\\')),
        );
    }
    q
}

fn entry(row: ApprovalRow, public_url: &str) -> RegisterEntry {
    let standing = row.standing();
    RegisterEntry {
        thumbnail_url: format!("/api/v1/verify/{}/preview.png?width_px=240", row.token),
        verify_url: format!("{public_url}/v/{}", row.token),
        approval_no: row.approval_no,
        decided_at: utc(row.decided_at),
        shop_name: row.shop_name,
        address: row.address,
        township: row.township,
        licence_no: row.licence_masked,
        texts: RegisterTexts {
            zh: row.text_zh,
            mn: row.text_mn,
        },
        status: standing,
        status_label: standing.label().to_owned(),
    }
}

/// One page of the register, newest approval first.
pub fn page(
    conn: &mut DbConn,
    filter: &RegisterFilter,
    public_url: &str,
) -> AppResult<RegisterPage> {
    let total: i64 = query(filter).count().get_result(conn)?;
    let rows: Vec<ApprovalRow> = query(filter)
        .select(ApprovalRow::as_select())
        .order((
            approvals::decided_at.desc(),
            approvals::application_id.desc(),
        ))
        .limit(filter.per_page)
        .offset((filter.page - 1) * filter.per_page)
        .load(conn)?;
    Ok(RegisterPage {
        items: rows.into_iter().map(|r| entry(r, public_url)).collect(),
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be read as a formula by a spreadsheet.
    let guarded = match s.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{s}"),
        _ => s.to_owned(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The page as CSV (UTF-8), one line per approval.
pub fn csv(page: &RegisterPage) -> String {
    let mut out = String::from(
        "approval_no,decided_at,shop_name,address,township,licence_no,text_zh,text_mn,status\n",
    );
    for e in &page.items {
        let date = e.decided_at.format("%Y-%m-%d").to_string();
        let fields = [
            e.approval_no.as_str(),
            date.as_str(),
            e.shop_name.as_str(),
            e.address.as_str(),
            e.township.as_str(),
            e.licence_no.as_str(),
            e.texts.zh.as_str(),
            e.texts.mn.as_str(),
            e.status_label.as_str(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formula_safe() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
    }
}
