//! The embedded migrations of both backends, applied safely when several replicas start at
//! once: on PostgreSQL under an advisory lock (one applies them, the others wait and find
//! nothing left), and never on a database migrated by a newer release.

use diesel::backend::Backend;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::collections::BTreeSet;

use super::{Db, DbConn};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The advisory lock key every signboard process migrates under ("SIGNBOAR" in ASCII).
const MIGRATION_LOCK: i64 = 0x5349_474E_424F_4152;

impl Db {
    /// Applies the migrations this binary has and the database lacks; answers their versions.
    /// Refuses a database that has migrations this binary does not know.
    pub fn migrate(&self) -> Result<Vec<String>, String> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        match &mut *conn {
            DbConn::Sqlite(c) => apply::<diesel::sqlite::Sqlite, _>(c, SQLITE_MIGRATIONS),
            DbConn::Postgres(c) => {
                lock(c, "pg_advisory_lock")?;
                let applied = apply::<diesel::pg::Pg, _>(c, POSTGRES_MIGRATIONS);
                let unlocked = lock(c, "pg_advisory_unlock");
                let applied = applied?;
                unlocked?;
                Ok(applied)
            }
        }
    }

    /// Checks, without changing anything, that the database has exactly the migrations this
    /// binary knows (`serve --no-migrate`).
    pub fn check_schema(&self) -> Result<(), String> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        let missing = match &mut *conn {
            DbConn::Sqlite(c) => pending::<diesel::sqlite::Sqlite, _>(c, SQLITE_MIGRATIONS)?,
            DbConn::Postgres(c) => pending::<diesel::pg::Pg, _>(c, POSTGRES_MIGRATIONS)?,
        };
        match missing.first() {
            None => Ok(()),
            Some(first) => Err(format!(
                "the database lacks {} migration(s) of this release (from {first}): \
                 run `signboard migrate` first, or start without --no-migrate",
                missing.len()
            )),
        }
    }
}

fn lock(conn: &mut diesel::PgConnection, function: &str) -> Result<(), String> {
    diesel::sql_query(format!("SELECT {function}({MIGRATION_LOCK})"))
        .execute(conn)
        .map(drop)
        .map_err(|e| format!("cannot take the migration lock: {e}"))
}

fn apply<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, String>
where
    DB: Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    refuse_newer(conn, &source)?;
    conn.run_pending_migrations(source)
        .map(|v| v.into_iter().map(|m| m.to_string()).collect())
        .map_err(|e| format!("migration failed: {e}"))
}

/// The versions this binary has and the database lacks, after [`refuse_newer`].
fn pending<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, String>
where
    DB: Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    refuse_newer(conn, &source)?;
    conn.pending_migrations(source)
        .map(|v| v.iter().map(|m| m.name().version().to_string()).collect())
        .map_err(|e| format!("cannot read the applied migrations: {e}"))
}

/// An error naming the migrations the database has and this binary does not know: the
/// schema belongs to a newer release, which this one must not serve.
fn refuse_newer<DB, C>(conn: &mut C, source: &EmbeddedMigrations) -> Result<(), String>
where
    DB: Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let known: BTreeSet<String> = MigrationSource::<DB>::migrations(source)
        .map_err(|e| format!("cannot read the embedded migrations: {e}"))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied = conn
        .applied_migrations()
        .map_err(|e| format!("cannot read the applied migrations: {e}"))?;
    let unknown: Vec<String> = applied
        .into_iter()
        .map(|v| v.to_string())
        .filter(|v| !known.contains(v))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the database schema is newer than this release of signboard ({}): it has \
         migration(s) {} this binary does not know; run the release that migrated it (or a \
         newer one)",
        env!("CARGO_PKG_VERSION"),
        unknown.join(", ")
    ))
}
