//! Every change of the term base, each in one transaction with its audit row (`term_events`)
//! and the bump of the `terms` counter that tells every replica to reload.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::input::{refusal, NewTerm, TermPatch, ValidTerm};
use super::model::{Term, TermRow, TermStatus};
use super::rows::{self, bump};
use crate::auth::User;
use crate::db::schema::{term_events, terms};
use crate::db::{write_tx, DbConn};
use crate::engine::Engine;
use crate::error::{AppError, AppResult, ErrorCode};

/// Rows written per INSERT (SQLite allows 32,766 bound values).
const CHUNK: usize = 500;

#[derive(Insertable)]
#[diesel(table_name = term_events)]
struct TermEvent<'a> {
    id: String,
    term_id: &'a str,
    actor_id: &'a str,
    action: &'a str,
    details: String,
    at: NaiveDateTime,
}

fn event<'a>(
    term_id: &'a str,
    actor: &'a User,
    action: &'a str,
    details: Value,
    at: NaiveDateTime,
) -> TermEvent<'a> {
    TermEvent {
        id: uuid::Uuid::new_v4().to_string(),
        term_id,
        actor_id: &actor.id,
        action,
        details: details.to_string(),
        at,
    }
}

fn snapshot(row: &TermRow) -> Value {
    json!({"zh": row.zh, "mn": row.mn, "note": row.note, "source": row.source,
           "status": row.status.as_str(), "version": row.version})
}

fn new_row(term: &ValidTerm, actor: &User, now: NaiveDateTime) -> TermRow {
    TermRow {
        id: uuid::Uuid::new_v4().to_string(),
        zh: term.zh().to_owned(),
        mn: term.mn().to_owned(),
        note: term.note().to_owned(),
        source: term.source().to_owned(),
        status: TermStatus::Proposed,
        version: 1,
        created_at: now,
        updated_by: actor.id.clone(),
        updated_at: now,
    }
}

fn exists(zh: &str) -> AppError {
    AppError::explained(
        ErrorCode::Duplicate,
        format!("术语“{zh}”已在术语库中，请直接修改那一条"),
    )
    .with_details(json!({"field": "zh"}))
}

/// Adds a term (`proposed`).
pub fn create(
    conn: &mut DbConn,
    actor: &User,
    term: &ValidTerm,
    now: NaiveDateTime,
) -> AppResult<Term> {
    let row = new_row(term, actor, now);
    write_tx(conn, |conn| -> AppResult<()> {
        if rows::by_zh(conn, &row.zh)?.is_some() {
            return Err(exists(&row.zh));
        }
        diesel::insert_into(terms::table)
            .values(&row)
            .execute(conn)?;
        let e = event(
            &row.id,
            actor,
            "create",
            json!({"after": snapshot(&row)}),
            now,
        );
        diesel::insert_into(term_events::table)
            .values(&e)
            .execute(conn)?;
        bump(conn, "terms")?;
        Ok(())
    })?;
    Ok(Term::of(row, actor.display_name.clone()))
}

/// The row after `patch`: fields checked like a new term's; a changed Chinese or Mongolian
/// needs approving again unless the patch approves it.
fn patched(row: &TermRow, patch: TermPatch, engine: &Engine) -> AppResult<TermRow> {
    let text_changed = patch.zh.as_ref().is_some_and(|z| z.trim() != row.zh)
        || patch.mn.as_ref().is_some_and(|m| m.trim() != row.mn);
    let valid = ValidTerm::parse(
        NewTerm {
            zh: patch.zh.unwrap_or_else(|| row.zh.clone()),
            mn: patch.mn.unwrap_or_else(|| row.mn.clone()),
            note: Some(patch.note.unwrap_or_else(|| row.note.clone())),
            source: Some(patch.source.unwrap_or_else(|| row.source.clone())),
        },
        engine,
    )
    .map_err(refusal)?;
    let status = match (patch.status, text_changed) {
        (Some(s), _) => s,
        (None, true) => TermStatus::Proposed,
        (None, false) => row.status,
    };
    Ok(TermRow {
        zh: valid.zh().to_owned(),
        mn: valid.mn().to_owned(),
        note: valid.note().to_owned(),
        source: valid.source().to_owned(),
        status,
        version: row.version + 1,
        ..row.clone()
    })
}

/// Changes a term (a compare-and-set on its version).
pub fn update(
    conn: &mut DbConn,
    engine: &Engine,
    actor: &User,
    id: &str,
    patch: TermPatch,
    now: NaiveDateTime,
) -> AppResult<Term> {
    let expected = patch.version;
    let row = write_tx(conn, |conn| -> AppResult<TermRow> {
        let old = rows::get(conn, id)?;
        if expected.is_some_and(|v| v != old.version) {
            return Err(version_conflict(old.version));
        }
        let mut new = patched(&old, patch, engine)?;
        new.updated_by = actor.id.clone();
        new.updated_at = now;
        if new.zh != old.zh && rows::by_zh(conn, &new.zh)?.is_some() {
            return Err(exists(&new.zh));
        }
        let n = diesel::update(
            terms::table
                .filter(terms::id.eq(id))
                .filter(terms::version.eq(old.version)),
        )
        .set((
            terms::zh.eq(&new.zh),
            terms::mn.eq(&new.mn),
            terms::note.eq(&new.note),
            terms::source.eq(&new.source),
            terms::status.eq(new.status),
            terms::version.eq(new.version),
            terms::updated_by.eq(&new.updated_by),
            terms::updated_at.eq(now),
        ))
        .execute(conn)?;
        if n != 1 {
            return Err(version_conflict(old.version));
        }
        let action = if old.status != TermStatus::Approved && new.status == TermStatus::Approved {
            "approve"
        } else {
            "update"
        };
        let details = json!({"before": snapshot(&old), "after": snapshot(&new)});
        diesel::insert_into(term_events::table)
            .values(&event(id, actor, action, details, now))
            .execute(conn)?;
        bump(conn, "terms")?;
        Ok(new)
    })?;
    Ok(Term::of(row, actor.display_name.clone()))
}

fn version_conflict(current: i32) -> AppError {
    AppError::explained(
        ErrorCode::VersionConflict,
        "该术语已被他人修改，请刷新后再试",
    )
    .with_details(json!({"current_version": current}))
}

/// Removes a term; its history stays.
pub fn delete(conn: &mut DbConn, actor: &User, id: &str, now: NaiveDateTime) -> AppResult<()> {
    write_tx(conn, |conn| -> AppResult<()> {
        let old = rows::get(conn, id)?;
        diesel::delete(terms::table.filter(terms::id.eq(id))).execute(conn)?;
        let details = json!({"before": snapshot(&old)});
        diesel::insert_into(term_events::table)
            .values(&event(id, actor, "delete", details, now))
            .execute(conn)?;
        bump(conn, "terms")?;
        Ok(())
    })
}

/// Adds every term of an import (already checked row by row), all or none: a Chinese already
/// in the base refuses the whole file with the line numbers.
pub fn import(
    conn: &mut DbConn,
    actor: &User,
    lines: &[(usize, ValidTerm)],
    now: NaiveDateTime,
) -> AppResult<usize> {
    let new: Vec<TermRow> = lines.iter().map(|(_, t)| new_row(t, actor, now)).collect();
    write_tx(conn, |conn| -> AppResult<()> {
        let existing: Vec<String> = terms::table
            .filter(terms::zh.eq_any(new.iter().map(|r| r.zh.as_str()).collect::<Vec<_>>()))
            .select(terms::zh)
            .load(conn)?;
        if !existing.is_empty() {
            let problems = lines
                .iter()
                .filter(|(_, t)| existing.iter().any(|z| z == t.zh()))
                .map(|(line, t)| (*line, "zh".to_string(), format!("“{}”已在术语库中", t.zh())))
                .collect();
            return Err(super::csv::refusal(problems));
        }
        for chunk in new.chunks(CHUNK) {
            let events: Vec<TermEvent<'_>> = chunk
                .iter()
                .map(|r| event(&r.id, actor, "import", json!({"after": snapshot(r)}), now))
                .collect();
            match conn {
                // Diesel's SQLite batch insert opens a transaction of its own, which cannot
                // nest in ours: one statement a row (in-process, so cheap).
                DbConn::Sqlite(c) => {
                    for (row, e) in chunk.iter().zip(&events) {
                        diesel::insert_into(terms::table).values(row).execute(c)?;
                        diesel::insert_into(term_events::table)
                            .values(e)
                            .execute(c)?;
                    }
                }
                DbConn::Postgres(c) => {
                    diesel::insert_into(terms::table).values(chunk).execute(c)?;
                    diesel::insert_into(term_events::table)
                        .values(&events)
                        .execute(c)?;
                }
            }
        }
        bump(conn, "terms")?;
        Ok(())
    })?;
    Ok(new.len())
}
