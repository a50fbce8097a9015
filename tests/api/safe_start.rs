//! Start-up on a shared database: replicas starting at once migrate once, `--no-migrate`
//! and a newer schema refuse to start, PostgreSQL needs the shared secrets, and the
//! connection to PostgreSQL can require TLS. The real binary, as an operator starts it.

use crate::helpers::{fresh_postgres, postgres_url, ADMIN_PASSWORD};
use diesel::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FUTURE_VERSION: &str = "99991231000001";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with every setting a server needs, none taken from the test's environment.
fn signboard(database_url: &str, data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_signboard"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") {
            c.env_remove(k);
        }
    }
    c.env("SIGNBOARD_DATABASE_URL", database_url)
        .env("SIGNBOARD_DATA_DIR", data_dir)
        .env("SIGNBOARD_FONTS_DIR", root().join("fonts"))
        .env("SIGNBOARD_STATIC_DIR", root().join("static"))
        .env("SIGNBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env(
            "SIGNBOARD_JWT_SECRET",
            "start-test-secret-start-test-secret!",
        )
        .env(
            "SIGNBOARD_SIGNING_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .env("SIGNBOARD_WORKERS", "1")
        .env("SIGNBOARD_DB_POOL", "2")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    c
}

/// A `serve` process on a free port with its standard error in a file.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(mut cmd: Command, data_dir: &Path, extra: &[&str]) -> Server {
    std::fs::create_dir_all(data_dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = data_dir.join(format!("server-{port}.log"));
    let child = cmd
        .arg("serve")
        .args(extra)
        .env("SIGNBOARD_BIND", format!("127.0.0.1:{port}"))
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    Server { child, port, log }
}

impl Server {
    /// `Ok` once `/healthz` answers; `Err(standard error)` if the process exits first.
    fn up(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.try_wait().unwrap() {
                let err = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("exited with {status}: {err}"));
            }
            let url = format!("http://127.0.0.1:{}/healthz", self.port);
            if healthy(&url) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server neither started nor exited in 60 s");
    }
}

/// A minimal HTTP/1.0 GET, so that the test needs no runtime: whether the answer is 200.
fn healthy(url: &str) -> bool {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").split('/').next().unwrap();
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

fn migrations_on_disk(backend: &str) -> i64 {
    std::fs::read_dir(root().join("migrations").join(backend))
        .unwrap()
        .count() as i64
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The rows of diesel's migrations table.
fn applied(conn: &mut signboard::db::DbConn) -> i64 {
    use signboard::db::DbConn;
    let sql = "SELECT COUNT(*) AS n FROM __diesel_schema_migrations";
    let rows: Vec<N> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c).unwrap(),
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c).unwrap(),
    };
    rows[0].n
}

fn db(url: &str) -> signboard::db::Db {
    signboard::db::Db::connect(&signboard::db::DbUrl::parse(url).unwrap(), 1).unwrap()
}

/// Each backend the test can use: SQLite always, PostgreSQL when configured. Each URL is a
/// fresh, empty database.
fn each_backend(run: impl Fn(&str, &Path)) {
    let tmp = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", tmp.path().join("db.sqlite").display());
    run(&sqlite, &tmp.path().join("sqlite-data"));
    if postgres_url().is_some() {
        let (url, _guard) = fresh_postgres();
        run(&url, &tmp.path().join("pg-data"));
    }
}

#[test]
fn two_replicas_starting_together_on_an_empty_postgres_apply_the_schema_once() {
    if postgres_url().is_none() {
        eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: skipped");
        return;
    }
    let (url, _guard) = fresh_postgres();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let mut first = serve(signboard(&url, &a), &a, &[]);
    let mut second = serve(signboard(&url, &b), &b, &[]);
    first.up().unwrap();
    second.up().unwrap();
    let mut conn = db(&url).get().unwrap();
    assert_eq!(applied(&mut conn), migrations_on_disk("postgres"));
}

#[test]
fn a_database_migrated_by_a_newer_release_is_refused() {
    each_backend(|url, data| {
        db(url).migrate().unwrap();
        let mut conn = db(url).get().unwrap();
        diesel::sql_query(format!(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ('{FUTURE_VERSION}')"
        ))
        .execute(&mut *conn)
        .unwrap();
        for extra in [&[][..], &["--no-migrate"][..]] {
            let err = serve(signboard(url, data), data, extra).up().unwrap_err();
            assert!(
                err.contains("newer than this release") && err.contains(FUTURE_VERSION),
                "{err}"
            );
        }
        let out = signboard(url, data).arg("migrate").output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains(FUTURE_VERSION));
        assert_eq!(applied(&mut conn), migrations_on_disk(backend(url)) + 1);
    });
}

fn backend(url: &str) -> &'static str {
    if url.starts_with("sqlite") {
        "sqlite"
    } else {
        "postgres"
    }
}

#[test]
fn serve_no_migrate_needs_a_migrated_database() {
    each_backend(|url, data| {
        let err = serve(signboard(url, data), data, &["--no-migrate"])
            .up()
            .unwrap_err();
        assert!(err.contains("run `signboard migrate`"), "{err}");
        let out = signboard(url, data).arg("migrate").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut server = serve(signboard(url, data), data, &["--no-migrate"]);
        server.up().unwrap();
        assert_eq!(
            applied(&mut db(url).get().unwrap()),
            migrations_on_disk(backend(url))
        );
    });
}

#[test]
fn postgres_without_the_shared_secrets_refuses_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Refused before any connection: no server needs to answer at this URL.
    let url = "postgres://nobody@127.0.0.1:1/none";
    for (unset, named) in [
        (&["SIGNBOARD_JWT_SECRET"][..], "SIGNBOARD_JWT_SECRET"),
        (&["SIGNBOARD_SIGNING_KEY"][..], "SIGNBOARD_SIGNING_KEY"),
        (
            &["SIGNBOARD_JWT_SECRET", "SIGNBOARD_SIGNING_KEY"][..],
            "SIGNBOARD_JWT_SECRET",
        ),
    ] {
        let mut cmd = signboard(url, &data);
        for var in unset {
            cmd.env_remove(var);
        }
        let err = serve(cmd, &data, &[]).up().unwrap_err();
        assert!(err.contains(&format!("{named} is not set")), "{err}");
    }
    assert!(!data.join("jwt_secret").exists() && !data.join("signing_key").exists());
}

#[test]
fn the_connection_to_postgres_can_require_tls() {
    let Some(url) = postgres_url() else {
        eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}sslmode=require");
    #[derive(QueryableByName)]
    struct Ssl {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ssl: bool,
    }
    let mut conn = db(&url).get().unwrap();
    let signboard::db::DbConn::Postgres(pg) = &mut *conn else {
        panic!("not PostgreSQL");
    };
    let rows: Vec<Ssl> =
        diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .load(pg)
            .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].ssl, "the connection is not encrypted");
}
