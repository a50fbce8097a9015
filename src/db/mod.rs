//! The database at the bottom of the service: one connection enum over SQLite and PostgreSQL,
//! a pool, the embedded migrations of both backends and the transaction helpers. It knows no
//! domain rule.

pub mod counters;
mod migrate;
pub mod schema;
pub mod text_enum;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use std::path::PathBuf;
use std::time::Duration;

/// The pool could not hand out a connection, the blocking pool could not run the work, or a
/// query failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("blocking task failed: {0}")]
    Blocking(String),
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
}

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

/// Where the data lives, picked from the URL scheme by us (never by `establish`, which would
/// take any string as an SQLite path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "SQLite URL needs a file path, e.g. sqlite://./data/signboard.db".into(),
                );
            }
            Ok(DbUrl::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(url.to_owned()))
        } else {
            Err(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB",
                redact(url)
            ))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DbUrl::Sqlite(_) => "sqlite",
            DbUrl::Postgres(_) => "postgres",
        }
    }
}

/// A URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot open database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("cannot configure database connection: {0}")]
    Setup(#[from] diesel::result::Error),
}

pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        match &self.url {
            DbUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
            DbUrl::Postgres(url) => Ok(DbConn::Postgres(diesel::PgConnection::establish(url)?)),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        Ok(conn.batch_execute("SELECT 1")?)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Conn = PooledConnection<Manager>;

/// The pool; every use goes through [`Db::run`], off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: &'static str,
}

impl Db {
    /// Opens the pool (creating the SQLite file's folder) and checks one connection.
    pub fn connect(url: &DbUrl, max_size: u32) -> Result<Db, String> {
        if let DbUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        Ok(Db {
            pool,
            backend: url.backend(),
        })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Whether the database answers `SELECT 1` on a pooled connection within `timeout`
    /// (blocking: the readiness probe runs it off the async workers).
    pub fn ping(&self, timeout: Duration) -> Result<(), String> {
        let mut conn = self
            .pool
            .get_timeout(timeout)
            .map_err(|e| format!("no database connection: {e}"))?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| format!("database check failed: {e}"))
    }

    /// The pool's connections now: (open, idle, most it opens).
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let state = self.pool.state();
        (
            state.connections,
            state.idle_connections,
            self.pool.max_size(),
        )
    }

    /// A connection for blocking code (start-up, the command line, tests).
    pub fn get(&self) -> Result<Conn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on the blocking thread pool; the work's own error type
    /// carries the pool's failures too.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Blocking(e.to_string()))?
    }
}

/// A write transaction. On SQLite it begins `IMMEDIATE`, so two writers queue on the lock
/// (with `busy_timeout`) instead of failing when a read transaction tries to upgrade.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Postgres(_) => conn.transaction(f),
        DbConn::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

/// Takes the next number of a per-year sequence inside the caller's transaction. The row
/// update holds a lock until commit, so numbers are unique and, since a rolled-back
/// transaction gives its number back, gap-free.
pub fn next_approval_seq(conn: &mut DbConn, year: i32) -> Result<i32, diesel::result::Error> {
    use diesel::sql_types::Integer;
    const INSERT: &str =
        "INSERT INTO approval_counters (year, last_seq) VALUES (?, 0) ON CONFLICT (year) DO NOTHING";
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(INSERT)
            .bind::<Integer, _>(year)
            .execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(postgres_placeholders(INSERT))
            .bind::<Integer, _>(year)
            .execute(c)?,
    };
    use schema::approval_counters::dsl;
    diesel::update(dsl::approval_counters.filter(dsl::year.eq(year)))
        .set(dsl::last_seq.eq(dsl::last_seq + 1))
        .execute(conn)?;
    dsl::approval_counters
        .filter(dsl::year.eq(year))
        .select(dsl::last_seq)
        .first(conn)
}

/// Adds `delta` to one running count (see `stat_counts` in the migration), inside the
/// caller's transaction.
pub fn bump_count(
    conn: &mut DbConn,
    key: (i32, i32, &str),
    metric: &str,
    delta: i64,
) -> Result<(), diesel::result::Error> {
    use diesel::sql_types::{BigInt, Integer, Text};
    let (year, month, township) = key;
    const UPSERT: &str = "INSERT INTO stat_counts (year, month, township, metric, n) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (year, month, township, metric) \
         DO UPDATE SET n = stat_counts.n + excluded.n";
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Integer, _>(year)
                .bind::<Integer, _>(month)
                .bind::<Text, _>(township)
                .bind::<Text, _>(metric)
                .bind::<BigInt, _>(delta)
                .execute($c)
        };
    }
    match conn {
        DbConn::Sqlite(c) => run!(c, UPSERT)?,
        DbConn::Postgres(c) => run!(c, postgres_placeholders(UPSERT))?,
    };
    Ok(())
}

/// `?` placeholders numbered for PostgreSQL (`$1`, `$2`, …).
pub(crate) fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether an error is a unique-constraint violation (a lost race on an insert).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
