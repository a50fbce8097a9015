//! What the service benchmarks share: the configuration of a server on a fresh SQLite
//! database in `data` (each bench changes what it measures differently).

// Not every bench uses every part.
#![allow(dead_code)]

pub mod replica;

use signboard::config::Config;
use signboard::db::DbUrl;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn config(data: &Path) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        database: DbUrl::Sqlite(data.join("bench.db")),
        data_dir: data.to_path_buf(),
        fonts_dir: root().join("fonts"),
        static_dir: root().join("static"),
        jwt_secret: Some("bench-secret-bench-secret-bench-secret".into()),
        admin_password: Some("admin-password".into()),
        timezone: chrono_tz::Asia::Shanghai,
        approval_prefix: "奈民委牌审".into(),
        rules_profile: None,
        calendar_dir: None,
        db_pool: 8,
        workers: 2,
        decode_memory_mb: 512,
        decode_wait: std::time::Duration::from_secs(5),
        sweep_interval: None,
        body_timeout: std::time::Duration::from_secs(30),
        glyph_cache_mb: signboard::render::DEFAULT_GLYPH_CACHE_MB,
        argon2_memory_kib: signboard::auth::password::DEFAULT_MEMORY_KIB,
        accounts: Default::default(),
        notify: Default::default(),
        office_name: "奈曼旗民族事务委员会".into(),
        public_url: "http://127.0.0.1:8080".into(),
        // PostgreSQL requires it (never generated there); one fixed seed for every bench.
        signing_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".into()),
        exact_total_limit: 10_000,
        shutdown_grace: std::time::Duration::from_secs(30),
        log_format: signboard::config::LogFormat::Text,
        metrics_token: None,
        trusted_proxies: Vec::new(),
        migrate_on_start: true,
        storage: Default::default(),
    }
}

/// A server on a fresh database that `seed` filled, on a runtime of its own.
pub struct Served {
    pub rt: tokio::runtime::Runtime,
    pub base: String,
    pub client: reqwest::Client,
    pub tmp: tempfile::TempDir,
}

pub fn serve_seeded(seed: impl FnOnce(&signboard::db::Db)) -> Served {
    serve_tuned(|_| {}, |state| seed(&state.db))
}

/// A server whose configuration `tune` changed first (another database, a bigger pool).
pub fn serve_tuned(
    tune: impl FnOnce(&mut Config),
    seed: impl FnOnce(&signboard::http::AppState),
) -> Served {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = config(&tmp.path().join("data"));
    tune(&mut config);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let services =
        signboard::prepare(config, std::sync::Arc::new(signboard::http::SystemClock)).unwrap();
    seed(services.state.get_ref());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(signboard::serve(services, listener).unwrap());
    Served {
        rt,
        base,
        client: reqwest::Client::new(),
        tmp,
    }
}

impl Served {
    /// The token of `username`.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let v: serde_json::Value = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    /// Creates the official `reviewer` (as admin) and answers its token.
    pub async fn reviewer(&self) -> String {
        let admin = self.login("admin", "admin-password").await;
        self.client
            .post(format!("{}/api/v1/users", self.base))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"username": "reviewer", "password": "reviewer-pass", "role": "reviewer"}))
            .send()
            .await
            .unwrap();
        self.login("reviewer", "reviewer-pass").await
    }
}
