//! The in-memory indexes of the term base and the memory, kept in step with the database by
//! its version counters: each use first reads the two counters (one small query) and reloads
//! what changed, so a change made through any replica is seen by every other at its next
//! request. The approved terms are handed to the [`Engine`] for rule T3.

use std::sync::{Arc, RwLock};

use super::memory;
use super::rows::{self, Versions};
use super::suggest::{MemoryIndex, Suggester};
use crate::db::{Db, DbConn};
use crate::engine::Engine;
use crate::error::AppResult;
use crate::rules::TermBase;

/// What the cache holds: the indexes and the versions they were built from.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub versions: Versions,
    pub suggester: Suggester,
    /// False only before the first load (the migration's backfill bumps no counter).
    loaded: bool,
}

pub struct TermCache {
    current: RwLock<Arc<Snapshot>>,
    /// One reload at a time; the others wait and take its result.
    reload: tokio::sync::Mutex<()>,
}

impl Default for TermCache {
    fn default() -> Self {
        TermCache {
            current: RwLock::new(Arc::new(Snapshot::default())),
            reload: tokio::sync::Mutex::new(()),
        }
    }
}

/// The snapshot for `now`, reusing the parts of `old` whose version did not change.
fn rebuild(conn: &mut DbConn, old: &Snapshot, now: Versions) -> AppResult<Snapshot> {
    let terms = if old.loaded && now.terms == old.versions.terms {
        old.suggester.terms().clone()
    } else {
        Arc::new(TermBase::new(rows::approved_pairs(conn)?))
    };
    let memory = if old.loaded && now.memory == old.versions.memory {
        old.suggester.memory().clone()
    } else {
        Arc::new(MemoryIndex::new(memory::all(conn)?))
    };
    Ok(Snapshot {
        versions: now,
        suggester: Suggester::new(terms, memory),
        loaded: true,
    })
}

impl TermCache {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, snapshot: Arc<Snapshot>, engine: &Engine) {
        engine.set_terms(snapshot.suggester.terms().clone());
        match self.current.write() {
            Ok(mut g) => *g = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }

    /// Loads everything (at start-up, on a blocking thread).
    pub fn load(&self, conn: &mut DbConn, engine: &Engine) -> AppResult<()> {
        let now = rows::versions(conn)?;
        let fresh = rebuild(conn, &Snapshot::default(), now)?;
        self.store(Arc::new(fresh), engine);
        Ok(())
    }

    /// The indexes as the database has them now: one query of the counters when nothing
    /// changed, else a reload of what changed.
    pub async fn refresh(&self, db: &Db, engine: &Engine) -> AppResult<Arc<Snapshot>> {
        let now = db.run(rows::versions).await?;
        let seen = self.snapshot();
        if seen.loaded && seen.versions == now {
            return Ok(seen);
        }
        let _one = self.reload.lock().await;
        let old = self.snapshot();
        if old.loaded && old.versions == now {
            return Ok(old);
        }
        let fresh = db
            .run(move |conn| {
                // Counters first: data newer than them only makes the next reload come sooner.
                let now = rows::versions(conn)?;
                rebuild(conn, &old, now)
            })
            .await?;
        let fresh = Arc::new(fresh);
        self.store(fresh.clone(), engine);
        Ok(fresh)
    }

    /// [`refresh`](Self::refresh) for the checks: when the database cannot be asked, the
    /// terms last loaded are used (and the failure logged).
    pub async fn refresh_or_keep(&self, db: &Db, engine: &Engine) {
        if let Err(e) = self.refresh(db, engine).await {
            tracing::warn!(error = %e, "term base not refreshed; checking with the terms last loaded");
        }
    }
}
