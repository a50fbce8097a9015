//! Notifications across processes, with the real binary: a server killed (SIGKILL) after a
//! committed approval and before its delivery delivers it after a restart; two servers on one
//! PostgreSQL database deliver each notification exactly once between them.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{application, form, fresh_postgres, png_part, postgres_url, ADMIN_PASSWORD};
use crate::notify_receiver::{eventually, secret, Answer, Receiver};
use signboard::db::{Db, DbConn, DbUrl};

/// A `signboard serve` process; killed when dropped.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with no `SIGNBOARD_*` setting of the test's environment.
fn signboard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_signboard"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn a_webhook_without_a_valid_secret_stops_start_up_without_echoing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("db.sqlite").display());
    let run = |secret: Option<&str>| {
        let mut c = signboard();
        c.arg("migrate")
            .env("SIGNBOARD_DATABASE_URL", &db)
            .env("SIGNBOARD_WEBHOOK_URL", "http://127.0.0.1:9/hook");
        if let Some(s) = secret {
            c.env("SIGNBOARD_WEBHOOK_SECRET", s);
        }
        let out = c.output().unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = run(None);
    assert!(err.contains("SIGNBOARD_WEBHOOK_SECRET"), "{err}");
    let err = run(Some("hunter2-not-a-standard-secret"));
    assert!(err.contains("whsec_"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the secret is never echoed: {err}"
    );
    let err = run(Some("whsec_aHVudGVyMg=="));
    assert!(
        err.contains("at least 24 bytes") && !err.contains("aHVudGVyMg"),
        "{err}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str, data_dir: &Path, webhook: &str) -> Server {
    let port = free_port();
    let log = std::fs::File::create(data_dir.join(format!("server-{port}.log"))).unwrap();
    let child = signboard()
        .arg("serve")
        .env("SIGNBOARD_BIND", format!("127.0.0.1:{port}"))
        .env("SIGNBOARD_DATABASE_URL", database_url)
        .env("SIGNBOARD_DATA_DIR", data_dir)
        .env("SIGNBOARD_FONTS_DIR", root().join("fonts"))
        .env("SIGNBOARD_STATIC_DIR", root().join("static"))
        .env("SIGNBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env(
            "SIGNBOARD_JWT_SECRET",
            "process-test-secret-process-test-secret",
        )
        // Two servers on one PostgreSQL share the signing key too.
        .env(
            "SIGNBOARD_SIGNING_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .env("SIGNBOARD_WORKERS", "1")
        .env("SIGNBOARD_DB_POOL", "4")
        .env("SIGNBOARD_WEBHOOK_URL", webhook)
        .env("SIGNBOARD_WEBHOOK_SECRET", secret())
        .env("SIGNBOARD_WEBHOOK_TIMEOUT_MS", "1000")
        .env("SIGNBOARD_NOTIFY_RETRY_BASE_MS", "50")
        .env("SIGNBOARD_NOTIFY_POLL_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
    };
    let start = std::time::Instant::now();
    loop {
        let up = server
            .client
            .get(format!("{}/healthz", server.base))
            .send()
            .await;
        if up.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Server {
    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self, username: &str, password: &str) -> String {
        let creds = json!({"username": username, "password": password});
        let (status, v) = self.post("/auth/login", None, &creds).await;
        assert_eq!(status, 200, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    async fn official(&self, admin: &str, name: &str, role: &str) -> String {
        let user = json!({"username": name, "password": "official-pass",
                          "display_name": name, "role": role});
        let (status, v) = self.post("/users", Some(admin), &user).await;
        assert_eq!(status, 201, "{v}");
        self.login(name, "official-pass").await
    }

    async fn merchant(&self, name: &str) -> String {
        let user = json!({"username": name, "password": "merchant-pass",
                          "display_name": "商户", "phone": "13800000000"});
        let (status, v) = self.post("/auth/register", None, &user).await;
        assert_eq!(status, 201, "{v}");
        self.login(name, "merchant-pass").await
    }

    async fn submit(&self, token: &str) -> String {
        let resp = self
            .client
            .post(format!("{}/api/v1/applications", self.base))
            .bearer_auth(token)
            .multipart(form(&application(), vec![png_part(1600, 400)]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    async fn act(&self, token: &str, id: &str, action: &str, version: i64) {
        let req = json!({"action": action, "expected_version": version});
        let (status, v) = self
            .post(
                &format!("/applications/{id}/transitions"),
                Some(token),
                &req,
            )
            .await;
        assert_eq!(status, 200, "{action}: {v}");
    }
}

fn count(db: &Db, sql_where: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.get().unwrap();
    let conn: &mut DbConn = &mut conn;
    let sql = format!("SELECT COUNT(*) AS n FROM notifications WHERE {sql_where}");
    let rows: Vec<N> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c).unwrap(),
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c).unwrap(),
    };
    rows[0].n
}

async fn killed_after_an_approval_delivers_after_restart(url: DbUrl, database_url: &str) {
    let tmp = tempfile::tempdir().unwrap();
    // Everything but the approval is taken at once; the approval is held unanswered.
    let receiver = Receiver::start(|kind, _| match kind {
        "application.approved" => Answer::Hang,
        _ => Answer::Status(200),
    });
    let first = start(database_url, tmp.path(), &receiver.url).await;
    let admin = first.login("admin", ADMIN_PASSWORD).await;
    let translator = first.official(&admin, "tr_u", "translator").await;
    let reviewer = first.official(&admin, "rev_u", "reviewer").await;
    let m = first.merchant("m_u").await;
    let id = first.submit(&m).await;
    first.act(&translator, &id, "confirm_translation", 1).await;
    first.act(&reviewer, &id, "approve", 2).await;
    // The approval is committed; its notification is being sent: kill the server now.
    let approved = || {
        receiver
            .hits()
            .into_iter()
            .filter(|h| h.json()["type"] == "application.approved")
            .collect::<Vec<_>>()
    };
    eventually(
        Duration::from_secs(20),
        "the approval's first attempt",
        || !approved().is_empty(),
    )
    .await;
    drop(first);
    let db = Db::connect(&url, 2).unwrap();
    assert_eq!(count(&db, "event = 'approved' AND status = 'pending'"), 1);
    assert_eq!(approved()[0].answered, None);

    receiver.set_plan(|_, _| Answer::Status(200));
    let _second = start(database_url, tmp.path(), &receiver.url).await;
    eventually(Duration::from_secs(30), "the approval delivered", || {
        count(&db, "event = 'approved' AND status = 'delivered'") == 1
    })
    .await;
    let hits = approved();
    assert!(hits.len() >= 2, "{hits:?}");
    assert!(
        hits.iter().all(|h| h.id == hits[0].id),
        "one notification, one id"
    );
    assert_eq!(receiver.successes().get(&hits[0].id), Some(&1));
    assert_eq!(count(&db, "status <> 'delivered'"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_delivers_a_committed_approval_after_restart_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("db.sqlite");
    let url = format!("sqlite://{}", path.display());
    killed_after_an_approval_delivers_after_restart(DbUrl::Sqlite(path), &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_delivers_a_committed_approval_after_restart_postgres() {
    if postgres_url().is_none() {
        eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: PostgreSQL run skipped");
        return;
    }
    let (url, _guard) = fresh_postgres();
    killed_after_an_approval_delivers_after_restart(DbUrl::Postgres(url.clone()), &url).await;
}

/// Notifications queued straight into the table, as many as a busy day brings.
const QUEUED: i64 = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_deliver_each_notification_exactly_once() {
    if postgres_url().is_none() {
        eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: PostgreSQL run skipped");
        return;
    }
    let (url, _guard) = fresh_postgres();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let receiver = Receiver::start(|_, _| Answer::Status(200));
    // The first migrates; the second starts on the migrated database.
    let a = start(&url, dir_a.path(), &receiver.url).await;
    let b = start(&url, dir_b.path(), &receiver.url).await;
    let m = a.merchant("m_u").await;
    let id = a.submit(&m).await;
    let db = Db::connect(&DbUrl::Postgres(url.clone()), 2).unwrap();
    db.get()
        .unwrap()
        .batch_execute(&format!(
            "INSERT INTO notifications (id, event, application_id, recipient_id, recipient_role,
                 text, payload, created_at, status, attempts, next_attempt_at)
             SELECT 'queued-' || g, 'submitted', '{id}', merchant_id, 'merchant', '测试',
                 '{{\"n\":' || g || '}}', now() AT TIME ZONE 'UTC', 'pending', 0,
                 now() AT TIME ZONE 'UTC' - interval '1 second'
             FROM applications, generate_series(1, {QUEUED}) AS g WHERE applications.id = '{id}'"
        ))
        .unwrap();
    let total = count(&db, "TRUE");
    assert_eq!(total, QUEUED + 1, "the receipt and the queued ones");
    eventually(
        Duration::from_secs(60),
        "every notification delivered",
        || count(&db, "status = 'delivered'") == total,
    )
    .await;
    let hits = receiver.hits();
    let successes = receiver.successes();
    assert_eq!(successes.len() as i64, total);
    assert!(
        successes.values().all(|n| *n == 1),
        "a notification sent twice"
    );
    assert_eq!(
        hits.len() as i64,
        total,
        "no attempt at all beyond one each"
    );
    drop((a, b));
}
