//! Server processes for the benchmarks that need more than one (the real binary, as an
//! operator runs it): a fresh PostgreSQL database, an S3 bucket and replicas on both.

use diesel::{Connection, PgConnection, RunQueryDsl};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `signboard` process, killed when dropped.
pub struct Replica {
    pub base: String,
    child: Child,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// `admin_url` with its database replaced by a new, empty `name` (dropped first if present).
pub fn fresh_database(admin_url: &str, name: &str) -> String {
    let mut conn = PgConnection::establish(admin_url).expect("PostgreSQL answers");
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap();
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}{query}")
}

/// Creates `bucket` on an S3 endpoint that takes unsigned requests (moto).
pub async fn create_bucket(endpoint: &str, bucket: &str) {
    let resp = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "bucket: {}", resp.status());
}

/// The settings every replica of one region shares: database, bucket, secrets.
pub fn region_env(database_url: &str, s3_endpoint: &str, bucket: &str) -> Vec<(String, String)> {
    [
        ("SIGNBOARD_DATABASE_URL", database_url.to_owned()),
        ("SIGNBOARD_STORAGE_URL", format!("s3://{bucket}/signboard")),
        ("SIGNBOARD_S3_ENDPOINT", s3_endpoint.to_owned()),
        ("SIGNBOARD_S3_REGION", "us-east-1".to_owned()),
        ("SIGNBOARD_S3_PATH_STYLE", "true".to_owned()),
        ("AWS_ACCESS_KEY_ID", "bench".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "bench".to_owned()),
        (
            "SIGNBOARD_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret".to_owned(),
        ),
        (
            "SIGNBOARD_SIGNING_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".to_owned(),
        ),
        ("SIGNBOARD_ADMIN_PASSWORD", "admin-password".to_owned()),
        ("SIGNBOARD_REGISTER_LIMIT", "100000".to_owned()),
        ("SIGNBOARD_SWEEP_INTERVAL_MINUTES", "0".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

impl Replica {
    /// Starts the binary with `env` (and no other `SIGNBOARD_*` setting) and waits until
    /// `/healthz` answers.
    pub async fn start(env: &[(String, String)], data_dir: &std::path::Path) -> Replica {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_signboard"));
        for (k, _) in std::env::vars() {
            if k.starts_with("SIGNBOARD_") {
                cmd.env_remove(k);
            }
        }
        cmd.envs(env.iter().map(|(k, v)| (k, v)))
            .env("SIGNBOARD_BIND", format!("127.0.0.1:{port}"))
            .env("SIGNBOARD_DATA_DIR", data_dir)
            .env("SIGNBOARD_FONTS_DIR", super::root().join("fonts"))
            .env("SIGNBOARD_STATIC_DIR", super::root().join("static"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        let child = cmd.spawn().expect("the signboard binary starts");
        let replica = Replica {
            base: format!("http://127.0.0.1:{port}"),
            child,
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let up = client.get(format!("{}/healthz", replica.base)).send().await;
            if up.is_ok_and(|r| r.status().is_success()) {
                return replica;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("replica on port {port} did not answer /healthz within 60 s");
    }
}
