//! Two replicas on one PostgreSQL database and one S3 bucket (moto), as a region runs them:
//! both start at once on an empty database, a case submitted on one is read and decided on the
//! other, counts agree, failed log-ins add up across them; and a replica whose storage goes
//! away stops being ready and refuses uploads without storing a row.
//! Runs when `SIGNBOARD_TEST_POSTGRES_URL` and `SIGNBOARD_TEST_S3_URL` are both set.

use diesel::prelude::*;
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{fresh_postgres, png_bytes, postgres_url};
use crate::process::{free_port, start, Server};
use signboard::db::{Db, DbConn, DbUrl};

fn s3_url() -> Option<String> {
    std::env::var("SIGNBOARD_TEST_S3_URL")
        .ok()
        .map(|u| u.trim_end_matches('/').to_owned())
}

/// A new bucket on an S3 endpoint that takes unsigned requests (moto).
async fn bucket(endpoint: &str) -> String {
    let name = format!("replicas-{}", uuid::Uuid::new_v4().simple());
    let resp = reqwest::Client::new()
        .put(format!("{endpoint}/{name}"))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    name
}

/// The settings two replicas of one region share.
fn region(database_url: &str, endpoint: &str, bucket: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SIGNBOARD_DATABASE_URL", database_url.to_owned()),
        ("SIGNBOARD_STORAGE_URL", format!("s3://{bucket}/region")),
        ("SIGNBOARD_S3_ENDPOINT", endpoint.to_owned()),
        ("SIGNBOARD_S3_REGION", "us-east-1".to_owned()),
        ("SIGNBOARD_S3_PATH_STYLE", "true".to_owned()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
    ]
}

fn scalar(db: &Db, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.get().unwrap();
    let conn: &mut DbConn = &mut conn;
    let rows: Vec<N> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c).unwrap(),
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c).unwrap(),
    };
    rows[0].n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_one_database_and_one_bucket() {
    let (Some(_), Some(endpoint)) = (postgres_url(), s3_url()) else {
        return;
    };
    let (url, _pg) = fresh_postgres();
    let bucket = bucket(&endpoint).await;
    let env = region(&url, &endpoint, &bucket);
    let (da, db_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Started at the same moment on an empty database: the migrations run once, under the lock.
    let (a, b) = tokio::join!(start(da.path(), &env), start(db_dir.path(), &env));
    let db = Db::connect(&DbUrl::Postgres(url.clone()), 2).unwrap();
    let migrations = std::fs::read_dir(crate::process::root().join("migrations/postgres"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count() as i64;
    let sql = "SELECT COUNT(*) AS n FROM __diesel_schema_migrations";
    assert_eq!(scalar(&db, sql), migrations);

    let id = submitted_on_a_decided_on_b(&a, &b).await;
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) AS n FROM applications WHERE status = 'approved'"
        ),
        1,
        "{id}"
    );
    let year = |s: &Value| s["years"].as_array().unwrap().last().unwrap()["approved"].clone();
    let on_a = a.get_json("/api/v1/stats/approvals", None).await;
    let on_b = b.get_json("/api/v1/stats/approvals", None).await;
    assert_eq!(year(&on_a), 1);
    assert_eq!(on_a["years"], on_b["years"]);
    failed_logins_add_up_across_replicas(&a, &b).await;
}

/// Submits on A; reads the case, its design and its preview on B; decides on B. The id.
async fn submitted_on_a_decided_on_b(a: &Server, b: &Server) -> String {
    let admin = a.login("admin", crate::helpers::ADMIN_PASSWORD).await;
    let translator = a.official(&admin, "tr_r", "translator").await;
    let reviewer = b.official(&admin, "rev_r", "reviewer").await;
    let m = a.merchant("m_r").await;
    let id = a.submit(&m).await;
    let detail = b
        .get_json(&format!("/api/v1/applications/{id}"), Some(&m))
        .await;
    let rev = &detail["revisions"][0];
    let (status, design) = b
        .get(rev["attachments"][0]["url"].as_str().unwrap(), Some(&m))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        design,
        png_bytes(1600, 400),
        "the design's bytes, read on B"
    );
    let (status, preview) = b.get(rev["preview_url"].as_str().unwrap(), Some(&m)).await;
    assert_eq!(status, 200);
    let picture = image::load_from_memory(&preview).unwrap();
    assert!(picture.width() > 100 && picture.height() > 10);
    b.act(&translator, &id, "confirm_translation", 1).await;
    b.act(&reviewer, &id, "approve", 2).await;
    let detail = a
        .get_json(&format!("/api/v1/applications/{id}"), Some(&m))
        .await;
    assert_eq!(detail["status"], "approved");
    id
}

/// Five wrong passwords, alternating A and B, lock the account on both.
async fn failed_logins_add_up_across_replicas(a: &Server, b: &Server) {
    let wrong = serde_json::json!({"username": "m_r", "password": "not-the-password"});
    for i in 0..5 {
        let server = if i % 2 == 0 { a } else { b };
        let (status, v) = server.post("/auth/login", None, &wrong).await;
        assert_eq!(status, 401, "attempt {i}: {v}");
    }
    let right = serde_json::json!({"username": "m_r", "password": "merchant-pass"});
    for server in [a, b] {
        let (status, v) = server.post("/auth/login", None, &right).await;
        assert_eq!(status, 429, "{v}");
        assert_eq!(v["error"]["code"], "too_many_attempts", "{v}");
    }
}

/// A moto server of the test's own, so the test can take it away.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn own_moto() -> (Moto, String) {
    let port = free_port();
    let moto = Moto(
        Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]')"),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..150 {
        if reqwest::get(&url).await.is_ok() {
            return (moto, url);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_going_away_makes_the_replica_unready_and_refuses_uploads_storing_nothing() {
    let (Some(_), Some(_)) = (postgres_url(), s3_url()) else {
        return;
    };
    let (url, _pg) = fresh_postgres();
    let (moto, endpoint) = own_moto().await;
    let bucket = bucket(&endpoint).await;
    let dir = tempfile::tempdir().unwrap();
    let a = start(dir.path(), &region(&url, &endpoint, &bucket)).await;
    assert_eq!(a.get("/readyz", None).await.0, 200);
    let m = a.merchant("m_gone").await;
    drop(moto);
    let (status, body) = a.get("/readyz", None).await;
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
    let resp = a
        .client
        .post(format!("{}/api/v1/applications", a.base))
        .bearer_auth(&m)
        .multipart(crate::helpers::form(
            &crate::helpers::application(),
            vec![crate::helpers::png_part(1600, 400)],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "storage_unavailable", "{v}");
    let db = Db::connect(&DbUrl::Postgres(url), 1).unwrap();
    assert_eq!(scalar(&db, "SELECT COUNT(*) AS n FROM applications"), 0);
    assert_eq!(scalar(&db, "SELECT COUNT(*) AS n FROM attachments"), 0);
}
