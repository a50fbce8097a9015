//! [`Terms`]: what the HTTP layer calls. Each operation checks its input, runs its database
//! work off the async workers, and after a change brings the in-memory indexes (and the
//! terms rule T3 uses) up to date.

use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::cache::TermCache;
use super::commands;
use super::csv;
use super::input::{refusal, NewTerm, TermPatch, ValidTerm};
use super::model::{Term, TermPage};
use super::rows::{self, TermFilter};
use super::suggest::Suggestions;
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::engine::Engine;
use crate::error::{AppError, AppResult, ErrorCode};

/// Longest Chinese text a suggestion is asked for (a sign's Chinese is at most 200 chars).
pub const MAX_SUGGEST_CHARS: usize = 200;

#[derive(Default)]
pub struct Terms {
    cache: TermCache,
}

impl Terms {
    /// Loads the indexes and hands the approved terms to the engine (start-up).
    pub fn load(conn: &mut DbConn, engine: &Engine) -> AppResult<Terms> {
        let terms = Terms::default();
        terms.cache.load(conn, engine)?;
        Ok(terms)
    }

    /// Brings the terms rule T3 uses up to date before a check; on a database failure the
    /// check runs with the terms last loaded.
    pub async fn before_check(&self, db: &Db, engine: &Engine) {
        self.cache.refresh_or_keep(db, engine).await;
    }

    async fn changed(&self, db: &Db, engine: &Engine) {
        self.cache.refresh_or_keep(db, engine).await;
    }

    pub async fn list(&self, db: &Db, filter: TermFilter) -> AppResult<TermPage> {
        db.run(move |conn| rows::list(conn, &filter)).await
    }

    pub async fn create(
        &self,
        db: &Db,
        engine: &Arc<Engine>,
        actor: User,
        term: NewTerm,
        now: DateTime<Utc>,
    ) -> AppResult<Term> {
        let checker = engine.clone();
        let term = db
            .run(move |conn| {
                let valid = ValidTerm::parse(term, &checker).map_err(refusal)?;
                commands::create(conn, &actor, &valid, now.naive_utc())
            })
            .await?;
        self.changed(db, engine).await;
        Ok(term)
    }

    pub async fn update(
        &self,
        db: &Db,
        engine: &Arc<Engine>,
        actor: User,
        id: String,
        patch: TermPatch,
        now: DateTime<Utc>,
    ) -> AppResult<Term> {
        let checker = engine.clone();
        let term = db
            .run(move |conn| commands::update(conn, &checker, &actor, &id, patch, now.naive_utc()))
            .await?;
        self.changed(db, engine).await;
        Ok(term)
    }

    pub async fn delete(
        &self,
        db: &Db,
        engine: &Engine,
        actor: User,
        id: String,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        db.run(move |conn| commands::delete(conn, &actor, &id, now.naive_utc()))
            .await?;
        self.changed(db, engine).await;
        Ok(())
    }

    /// Imports a CSV body: every line checked first, every problem reported with its line
    /// number (422), and nothing imported unless all lines are good.
    pub async fn import(
        &self,
        db: &Db,
        engine: &Arc<Engine>,
        actor: User,
        body: Vec<u8>,
        now: DateTime<Utc>,
    ) -> AppResult<usize> {
        if body.len() > csv::MAX_IMPORT_BYTES {
            return Err(too_large());
        }
        let checker = engine.clone();
        let n = db
            .run(move |conn| {
                let lines = check_lines(csv::parse(&body).map_err(csv::refusal)?, &checker)?;
                commands::import(conn, &actor, &lines, now.naive_utc())
            })
            .await?;
        self.changed(db, engine).await;
        Ok(n)
    }

    /// The whole base as CSV.
    pub async fn export(&self, db: &Db) -> AppResult<String> {
        let rows = db.run(rows::all).await?;
        Ok(csv::export(&rows))
    }

    /// Suggestions for a Chinese text, from the data as it is now.
    pub async fn suggest(&self, db: &Db, engine: &Engine, zh: String) -> AppResult<Suggestions> {
        let zh = zh.trim().to_owned();
        let n = zh.chars().count();
        if n == 0 || n > MAX_SUGGEST_CHARS {
            return Err(AppError::explained(
                ErrorCode::InvalidBody,
                format!("请填写汉文（1–{MAX_SUGGEST_CHARS} 个字）"),
            )
            .with_details(serde_json::json!([{"field": "zh", "message": "汉文长度不对"}])));
        }
        let snapshot = self.cache.refresh(db, engine).await?;
        Ok(snapshot.suggester.suggest(&zh))
    }
}

/// 413 for an import body over the limit.
pub fn too_large() -> AppError {
    AppError::explained(
        ErrorCode::BodyTooLarge,
        format!(
            "导入文件不能超过 {} KB，请分成几个文件导入",
            csv::MAX_IMPORT_BYTES / 1024
        ),
    )
}

/// Every line checked like a new term, and no Chinese twice in the file.
fn check_lines(
    lines: Vec<(usize, NewTerm)>,
    engine: &Engine,
) -> AppResult<Vec<(usize, ValidTerm)>> {
    let mut problems = Vec::new();
    let mut good: Vec<(usize, ValidTerm)> = Vec::with_capacity(lines.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, term) in lines {
        match ValidTerm::parse(term, engine) {
            Ok(valid) => {
                if let Some(first) = seen.insert(valid.zh().to_owned(), line) {
                    problems.push((
                        line,
                        "zh".to_string(),
                        format!("“{}”与第 {first} 行重复", valid.zh()),
                    ));
                }
                good.push((line, valid));
            }
            Err(list) => problems.extend(list.into_iter().map(|(f, m)| (line, f, m))),
        }
    }
    if problems.is_empty() {
        Ok(good)
    } else {
        Err(csv::refusal(problems))
    }
}
