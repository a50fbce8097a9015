//! What the service benchmarks share: the configuration of a server on a fresh SQLite
//! database in `data` (each bench changes what it measures differently).

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
        signing_key: None,
    }
}
