//! Typed configuration: defaults that run on a fresh clone, overridable by `SIGNBOARD_*`
//! environment variables and by flags.

use clap::Args;
use std::path::PathBuf;

use crate::auth::service::AccountSettings;
use crate::db::DbUrl;
use crate::http::client_ip::Cidr;
use crate::notify::{NotifySettings, Webhook};
use crate::storage::{StorageConfig, StorageUrl};

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
    /// A directory of holiday-cn `YYYY.json` files adding or replacing calendar years.
    #[arg(long, env = "SIGNBOARD_CALENDAR_DIR")]
    pub calendar_dir: Option<PathBuf>,
    /// Database connections in the pool.
    #[arg(long, env = "SIGNBOARD_DB_POOL", default_value_t = 10)]
    pub db_pool: u32,
    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "SIGNBOARD_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Memory all image decodes together may use, in MiB.
    #[arg(long, env = "SIGNBOARD_DECODE_MEMORY_MB", default_value_t = 512)]
    pub decode_memory_mb: u32,
    /// How long an upload waits for decode memory before answering 503, in milliseconds.
    #[arg(long, env = "SIGNBOARD_DECODE_WAIT_MS", default_value_t = 5000)]
    pub decode_wait_ms: u64,
    /// Minutes between sweeps of unreferenced upload files (0: no background sweeper).
    #[arg(long, env = "SIGNBOARD_SWEEP_INTERVAL_MINUTES", default_value_t = 60)]
    pub sweep_interval_minutes: u64,
    /// Seconds a client may send no request body data before the request fails with 408.
    #[arg(long, env = "SIGNBOARD_BODY_TIMEOUT", default_value_t = 30)]
    pub body_timeout: u64,
    /// Password hashes and verifications at once (0: one per core).
    #[arg(long, env = "SIGNBOARD_HASH_CONCURRENCY", default_value_t = 0)]
    pub hash_concurrency: usize,
    /// Registrations allowed per client address in 10 minutes.
    #[arg(long, env = "SIGNBOARD_REGISTER_LIMIT", default_value_t = 10)]
    pub register_limit: u32,
    /// Memory for rasterized glyphs shared by all previews, in MB (0: no cache).
    #[arg(long, env = "SIGNBOARD_GLYPH_CACHE_MB", default_value_t = crate::render::DEFAULT_GLYPH_CACHE_MB)]
    pub glyph_cache_mb: usize,
    /// First retry of a failed notification after about this long (doubling up to 10 minutes).
    #[arg(long, env = "SIGNBOARD_NOTIFY_RETRY_BASE_MS", default_value_t = 2000)]
    pub notify_retry_base_ms: u64,
    /// Attempts before a notification is dead.
    #[arg(long, env = "SIGNBOARD_NOTIFY_MAX_ATTEMPTS", default_value_t = 8)]
    pub notify_max_attempts: u32,
    /// Milliseconds between the notification worker's looks for due notifications.
    #[arg(long, env = "SIGNBOARD_NOTIFY_POLL_MS", default_value_t = 1000)]
    pub notify_poll_ms: u64,
    /// Where notifications are posted (Standard Webhooks); none: inbox and log only.
    #[arg(long, env = "SIGNBOARD_WEBHOOK_URL", hide_env_values = true)]
    pub webhook_url: Option<String>,
    /// The webhook signing secret, `whsec_<base64 key>`.
    #[arg(long, env = "SIGNBOARD_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Milliseconds a webhook attempt may take before it counts as failed.
    #[arg(long, env = "SIGNBOARD_WEBHOOK_TIMEOUT_MS", default_value_t = 5000)]
    pub webhook_timeout_ms: u64,
    /// Minutes between the scans for applications due soon or overdue (their reminders).
    #[arg(long, env = "SIGNBOARD_REMIND_INTERVAL_MINUTES", default_value_t = 10)]
    pub remind_interval_minutes: u64,
    /// The issuing office printed on decisions and certificates.
    #[arg(
        long,
        env = "SIGNBOARD_OFFICE_NAME",
        default_value = "奈曼旗民族事务委员会"
    )]
    pub office_name: String,
    /// The address the public reaches the service at; QR codes point to `{this}/v/{token}`.
    #[arg(
        long,
        env = "SIGNBOARD_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Ed25519 seed (base64url of 32 bytes) signing verification records; generated once and
    /// kept in the data dir (mode 0600) when absent.
    #[arg(long, env = "SIGNBOARD_SIGNING_KEY", hide_env_values = true)]
    pub signing_key: Option<String>,
    /// Up to how many rows the list's `total` is counted exactly; above it, an estimate
    /// (`total_is_estimate`).
    #[arg(long, env = "SIGNBOARD_EXACT_TOTAL_LIMIT", default_value_t = 10_000)]
    pub exact_total_limit: i64,
    /// Seconds the requests in flight may take to finish after SIGTERM or SIGINT.
    #[arg(long, env = "SIGNBOARD_SHUTDOWN_GRACE", default_value_t = 30)]
    pub shutdown_grace: u64,
    /// Log lines as `text` or `json` (one JSON object per line).
    #[arg(long, env = "SIGNBOARD_LOG_FORMAT", default_value = "text",
          value_parser = ["text", "json"])]
    pub log_format: String,
    /// A bearer token `/metrics` requires; unset: `/metrics` answers anyone.
    #[arg(long, env = "SIGNBOARD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Comma-separated networks (CIDR) of the proxies whose X-Forwarded-For is believed for
    /// the client address; none by default (the socket address is used).
    #[arg(long, env = "SIGNBOARD_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Where uploads are kept: `file://DIR` (default: `files` in the data dir) or
    /// `s3://BUCKET/PREFIX`.
    #[arg(long, env = "SIGNBOARD_STORAGE_URL")]
    pub storage_url: Option<String>,
    /// The S3 endpoint, e.g. `http://127.0.0.1:9000` (default: AWS); keys come from
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    #[arg(long, env = "SIGNBOARD_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The S3 region (default: AWS_REGION, else us-east-1).
    #[arg(long, env = "SIGNBOARD_S3_REGION")]
    pub s3_region: Option<String>,
    /// Path-style S3 addressing (ENDPOINT/BUCKET/KEY), as MinIO and moto expect.
    #[arg(
        long,
        env = "SIGNBOARD_S3_PATH_STYLE",
        default_value = "false",
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub s3_path_style: bool,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    pub fn parse(s: &str) -> Result<LogFormat, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!(
                "SIGNBOARD_LOG_FORMAT must be text or json, not {other:?}"
            )),
        }
    }
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
    /// Calendar years added to or replacing the embedded ones.
    pub calendar_dir: Option<PathBuf>,
    pub db_pool: u32,
    pub workers: usize,
    /// Budget of image decoding, in MiB (at least 1).
    pub decode_memory_mb: u32,
    /// Longest wait for decode memory before an upload is answered 503.
    pub decode_wait: std::time::Duration,
    /// Time between background sweeps of the file store; `None`: no background sweeper.
    pub sweep_interval: Option<std::time::Duration>,
    /// A request body that sends nothing for this long fails with 408.
    pub body_timeout: std::time::Duration,
    pub glyph_cache_mb: usize,
    /// Argon2 memory cost in KiB; lowered only by tests.
    pub argon2_memory_kib: u32,
    /// Hashing concurrency, registration and login limits.
    pub accounts: AccountSettings,
    /// Notification delivery: retries, the webhook, the worker's pace.
    pub notify: NotifySettings,
    /// The issuing office printed on documents.
    pub office_name: String,
    /// Where the public reaches the service (no trailing slash).
    pub public_url: String,
    /// The Ed25519 seed of the verification records (base64url); `None`: the data dir's.
    pub signing_key: Option<String>,
    /// `SIGNBOARD_EXACT_TOTAL_LIMIT` (at least 1).
    pub exact_total_limit: i64,
    /// How long requests in flight may take to finish once a shutdown begins.
    pub shutdown_grace: std::time::Duration,
    pub log_format: LogFormat,
    /// The bearer token `/metrics` requires; `None`: open.
    pub metrics_token: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<Cidr>,
    /// Apply missing migrations at start; `false` (`serve --no-migrate`): refuse to start on a
    /// database that lacks any.
    pub migrate_on_start: bool,
    /// The object store of uploads.
    pub storage: StorageConfig,
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
        let notify = self.notify_settings()?;
        let storage = self.storage_config()?;
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
            calendar_dir: self.calendar_dir,
            db_pool: self.db_pool.max(1),
            workers: self.workers,
            decode_memory_mb: self.decode_memory_mb.max(1),
            decode_wait: std::time::Duration::from_millis(self.decode_wait_ms),
            sweep_interval: (self.sweep_interval_minutes > 0)
                .then(|| std::time::Duration::from_secs(self.sweep_interval_minutes * 60)),
            body_timeout: std::time::Duration::from_secs(self.body_timeout.max(1)),
            glyph_cache_mb: self.glyph_cache_mb,
            argon2_memory_kib: crate::auth::password::DEFAULT_MEMORY_KIB,
            accounts: AccountSettings {
                hash_concurrency: match self.hash_concurrency {
                    0 => AccountSettings::default().hash_concurrency,
                    n => n,
                },
                register_limit: self.register_limit,
                ..AccountSettings::default()
            },
            office_name: self.office_name,
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            signing_key: self.signing_key.filter(|s| !s.is_empty()),
            notify,
            exact_total_limit: self.exact_total_limit.max(1),
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace),
            log_format: LogFormat::parse(&self.log_format)?,
            metrics_token: self.metrics_token.filter(|s| !s.trim().is_empty()),
            trusted_proxies: Cidr::parse_list(&self.trusted_proxies)
                .map_err(|e| format!("SIGNBOARD_TRUSTED_PROXIES: {e}"))?,
            migrate_on_start: true,
            storage,
        })
    }

    fn storage_config(&self) -> Result<StorageConfig, String> {
        let url = match self.storage_url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => Some(StorageUrl::parse(url)?),
            None => None,
        };
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        Ok(StorageConfig {
            url,
            s3_endpoint: nonempty(&self.s3_endpoint),
            s3_region: nonempty(&self.s3_region),
            s3_path_style: self.s3_path_style,
            ..StorageConfig::default()
        })
    }

    fn notify_settings(&self) -> Result<NotifySettings, String> {
        let webhook = match self.webhook_url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => Some(Webhook::parse(url, self.webhook_secret.as_deref())?),
            None => None,
        };
        Ok(NotifySettings {
            retry_base: std::time::Duration::from_millis(self.notify_retry_base_ms.max(1)),
            max_attempts: self.notify_max_attempts.max(1),
            poll: std::time::Duration::from_millis(self.notify_poll_ms.max(10)),
            timeout: std::time::Duration::from_millis(self.webhook_timeout_ms.max(1)),
            webhook,
            remind_every: std::time::Duration::from_secs(self.remind_interval_minutes.max(1) * 60),
            ..NotifySettings::default()
        })
    }
}
