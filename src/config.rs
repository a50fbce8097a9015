//! Typed configuration: defaults that run on a fresh clone, overridable by `SIGNBOARD_*`
//! environment variables and by flags.

use clap::Args;
use std::path::PathBuf;

use crate::db::DbUrl;

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "SIGNBOARD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB.
    #[arg(
        long,
        env = "SIGNBOARD_DATABASE_URL",
        default_value = "sqlite://./data/signboard.db",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Uploaded files, the generated token secret.
    #[arg(long, env = "SIGNBOARD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Fonts for the preview.
    #[arg(long, env = "SIGNBOARD_FONTS_DIR", default_value = "./fonts")]
    pub fonts_dir: PathBuf,
    /// Static pages of the portal and console.
    #[arg(long, env = "SIGNBOARD_STATIC_DIR", default_value = "./static")]
    pub static_dir: PathBuf,
    /// Token signing secret; generated once and kept in the data dir when absent.
    #[arg(long, env = "SIGNBOARD_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Password of the `admin` user created on the first start.
    #[arg(long, env = "SIGNBOARD_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Years and months of the counts are taken in this zone.
    #[arg(long, env = "SIGNBOARD_TIMEZONE", default_value = "Asia/Shanghai")]
    pub timezone: String,
    /// Approval number prefix: 奈民委牌审〔2025〕0007号.
    #[arg(long, env = "SIGNBOARD_APPROVAL_PREFIX", default_value = "奈民委牌审")]
    pub approval_prefix: String,
    /// A rules profile file replacing the embedded `nmg` profile.
    #[arg(long, env = "SIGNBOARD_RULES_PROFILE")]
    pub rules_profile: Option<PathBuf>,
    /// Database connections in the pool.
    #[arg(long, env = "SIGNBOARD_DB_POOL", default_value_t = 10)]
    pub db_pool: u32,
    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "SIGNBOARD_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Memory for rasterized glyphs shared by all previews, in MB (0: no cache).
    #[arg(long, env = "SIGNBOARD_GLYPH_CACHE_MB", default_value_t = crate::render::DEFAULT_GLYPH_CACHE_MB)]
    pub glyph_cache_mb: usize,
}

/// Settings checked and turned into values the service uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub database: DbUrl,
    pub data_dir: PathBuf,
    pub fonts_dir: PathBuf,
    pub static_dir: PathBuf,
    pub jwt_secret: Option<String>,
    pub admin_password: Option<String>,
    pub timezone: chrono_tz::Tz,
    pub approval_prefix: String,
    pub rules_profile: Option<PathBuf>,
    pub db_pool: u32,
    pub workers: usize,
    pub glyph_cache_mb: usize,
    /// Argon2 memory cost in KiB; lowered only by tests.
    pub argon2_memory_kib: u32,
}

impl Settings {
    pub fn into_config(self) -> Result<Config, String> {
        let database = DbUrl::parse(&self.database_url)?;
        let timezone: chrono_tz::Tz = self.timezone.parse().map_err(|_| {
            format!(
                "unknown time zone {:?} (use an IANA name such as Asia/Shanghai)",
                self.timezone
            )
        })?;
        if let Some(p) = &self.admin_password {
            if p.chars().count() < crate::auth::MIN_PASSWORD_LEN {
                return Err("SIGNBOARD_ADMIN_PASSWORD must have at least 8 characters".into());
            }
        }
        Ok(Config {
            bind: self.bind,
            database,
            data_dir: self.data_dir,
            fonts_dir: self.fonts_dir,
            static_dir: self.static_dir,
            jwt_secret: self.jwt_secret.filter(|s| !s.is_empty()),
            admin_password: self.admin_password,
            timezone,
            approval_prefix: self.approval_prefix,
            rules_profile: self.rules_profile,
            db_pool: self.db_pool.max(1),
            workers: self.workers,
            glyph_cache_mb: self.glyph_cache_mb,
            argon2_memory_kib: crate::auth::password::DEFAULT_MEMORY_KIB,
        })
    }
}
