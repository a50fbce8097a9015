//! The reads of the term base: the searched page, one term, the approved pairs, the export and
//! the version counters.

use diesel::prelude::*;
use std::collections::HashMap;

use super::model::{Term, TermPage, TermRow, TermStatus};
use crate::db::schema::{term_versions, terms, users};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// What the term list is asked for.
#[derive(Debug, Clone)]
pub struct TermFilter {
    /// Part of the Chinese, the Mongolian or the note.
    pub q: Option<String>,
    pub status: Option<TermStatus>,
    pub page: i64,
    pub per_page: i64,
}

type Backend = <DbConn as diesel::Connection>::Backend;

fn query<'a>(filter: &TermFilter) -> terms::BoxedQuery<'a, Backend> {
    let mut q = terms::table.into_boxed();
    if let Some(s) = filter.status {
        q = q.filter(terms::status.eq(s));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(text));
        q = q.filter(
            terms::zh
                .like(pattern.clone())
                .escape('\\')
                .or(terms::mn.like(pattern.clone()).escape('\\'))
                .or(terms::note.like(pattern).escape('\\')),
        );
    }
    q
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of the terms matching `filter`, by Chinese.
pub fn list(conn: &mut DbConn, filter: &TermFilter) -> AppResult<TermPage> {
    let total: i64 = query(filter).count().get_result(conn)?;
    let rows: Vec<TermRow> = query(filter)
        .select(TermRow::as_select())
        .order((terms::zh, terms::id))
        .limit(filter.per_page)
        .offset((filter.page - 1) * filter.per_page)
        .load(conn)?;
    Ok(TermPage {
        items: with_names(conn, rows)?,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// The views of some rows, with the names of who changed them last.
pub fn with_names(conn: &mut DbConn, rows: Vec<TermRow>) -> AppResult<Vec<Term>> {
    let mut ids: Vec<&str> = rows.iter().map(|r| r.updated_by.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<String, String> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.updated_by).cloned().unwrap_or_default();
            Term::of(r, name)
        })
        .collect())
}

pub fn get(conn: &mut DbConn, id: &str) -> AppResult<TermRow> {
    terms::table
        .filter(terms::id.eq(id))
        .select(TermRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

/// The term with this Chinese, if any.
pub fn by_zh(conn: &mut DbConn, zh: &str) -> AppResult<Option<TermRow>> {
    Ok(terms::table
        .filter(terms::zh.eq(zh))
        .select(TermRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every term, by Chinese (the export).
pub fn all(conn: &mut DbConn) -> AppResult<Vec<TermRow>> {
    Ok(terms::table
        .select(TermRow::as_select())
        .order(terms::zh)
        .load(conn)?)
}

/// The approved `(zh, mn)` pairs.
pub fn approved_pairs(conn: &mut DbConn) -> AppResult<Vec<(String, String)>> {
    Ok(terms::table
        .filter(terms::status.eq(TermStatus::Approved))
        .select((terms::zh, terms::mn))
        .load(conn)?)
}

/// The counters of the term base and of the memory: a change of either means the in-memory
/// index is out of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Versions {
    pub terms: i64,
    pub memory: i64,
}

pub fn versions(conn: &mut DbConn) -> AppResult<Versions> {
    let rows: Vec<(String, i64)> = term_versions::table
        .select((term_versions::name, term_versions::n))
        .load(conn)?;
    let mut v = Versions::default();
    for (name, n) in rows {
        match name.as_str() {
            "terms" => v.terms = n,
            "memory" => v.memory = n,
            _ => {}
        }
    }
    Ok(v)
}

/// Bumps one counter inside the caller's transaction (`terms` or `memory`). On PostgreSQL the
/// row stays locked until commit, so counters and the data they count commit together.
pub fn bump(conn: &mut DbConn, name: &'static str) -> Result<(), diesel::result::Error> {
    diesel::update(term_versions::table.filter(term_versions::name.eq(name)))
        .set(term_versions::n.eq(term_versions::n + 1))
        .execute(conn)?;
    Ok(())
}
