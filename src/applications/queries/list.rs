//! The list of applications a viewer may see, filtered and paged.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::rows::{utc, ApplicationRow};
use crate::applications::states::Status;
use crate::auth::{Role, User};
use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::AppResult;

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub year: Option<i32>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListItem {
    pub id: String,
    pub reference: String,
    pub shop_name: String,
    pub license_no: String,
    pub township: String,
    pub status: Status,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ApplicationRow> for ListItem {
    fn from(r: ApplicationRow) -> Self {
        ListItem {
            status: r.status,
            id: r.id,
            reference: r.reference,
            shop_name: r.shop_name,
            license_no: r.license_no,
            township: r.township,
            version: r.version,
            current_revision: r.current_revision,
            translation_confirmed: r.translation_confirmed,
            approval_no: r.approval_no,
            submitted_at: utc(r.submitted_at),
            updated_at: utc(r.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    pub items: Vec<ListItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

type Backend = <DbConn as diesel::Connection>::Backend;

fn query<'a>(actor: &User, filter: &ListFilter) -> applications::BoxedQuery<'a, Backend> {
    let mut q = applications::table.into_boxed();
    if actor.role == Role::Merchant {
        q = q.filter(applications::merchant_id.eq(actor.id.clone()));
    }
    if let Some(s) = filter.status {
        q = q.filter(applications::status.eq(s));
    }
    if let Some(y) = filter.year {
        q = q.filter(applications::submitted_year.eq(y));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(text));
        q = q.filter(
            applications::shop_name
                .like(pattern.clone())
                .escape('\\')
                .or(applications::license_no.like(pattern.clone()).escape('\\'))
                .or(applications::reference.like(pattern).escape('\\')),
        );
    }
    q
}

pub fn list(conn: &mut DbConn, actor: &User, filter: &ListFilter) -> AppResult<Page> {
    let total: i64 = query(actor, filter).count().get_result(conn)?;
    let rows: Vec<ApplicationRow> = query(actor, filter)
        .select(ApplicationRow::as_select())
        .order((applications::submitted_at.desc(), applications::id.desc()))
        .limit(filter.per_page)
        .offset((filter.page - 1) * filter.per_page)
        .load(conn)?;
    Ok(Page {
        items: rows.into_iter().map(ListItem::from).collect(),
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
