//! signboard: the approval of bilingual (traditional Mongolian and Chinese) shop signs.
//!
//! Domain first — `applications` (the workflow), `rules` (docs/rules.md), `render` (fonts,
//! shaping, pictures), `auth`, `storage`, `stats` — then the plumbing: `http`, `db`,
//! `config`. Data flows one way: request → workflow → rules → render, the database beneath.

pub mod applications;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod contact;
pub mod db;
pub mod documents;
pub mod engine;
pub mod error;
pub mod http;
pub mod lifecycle;
pub mod metrics;
pub mod notify;
pub mod register;
pub mod render;
pub mod rules;
pub mod signing;
pub mod spec;
pub mod stats;
pub mod storage;
pub mod terms;
pub mod verify;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, HttpServer};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

mod shutdown;
use shutdown::Background;

use crate::applications::WorkflowSettings;
use crate::auth::password::Hasher;
use crate::auth::token::Keys;
use crate::config::Config;
use crate::db::Db;
use crate::engine::Engine;
use crate::http::{AppState, Clock, SystemClock};
use crate::storage::{CheckReport, DecodeBudget, FileStore, SweepReport};

/// A start-up failure, with a message that says what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

/// The parts of the service that outlive one request, ready to serve.
pub struct Services {
    pub state: web::Data<AppState>,
    pub config: Config,
}

/// Opens the database (migrating it), loads fonts and the rules profile, prepares the data
/// dir and the token secret, and creates `admin` on an empty database.
pub fn prepare(config: Config, clock: Arc<dyn Clock>) -> Result<Services, StartError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        StartError(format!(
            "cannot create data dir {}: {e}",
            config.data_dir.display()
        ))
    })?;
    require_shared_secrets(&config)?;
    let fonts = load_fonts(&config)?;
    rules::self_test().map_err(|e| StartError(format!("rules data is broken: {e}")))?;
    let profile = match &config.rules_profile {
        Some(path) => rules::Profile::from_path(path)
            .map_err(|e| StartError(format!("rules profile {}: {e}", path.display())))?,
        None => rules::Profile::nmg().clone(),
    };
    let notices = notify::Notices::from_profile(&profile).map_err(StartError)?;
    let calendar = calendar::Calendar::load(config.calendar_dir.as_deref())
        .map_err(|e| StartError(e.to_string()))?;
    let hasher = Hasher::new(config.argon2_memory_kib);
    let db = open_database(&config, &hasher)?;
    let secret = jwt_secret(&config)?;
    let seal = match &config.signing_key {
        Some(seed) => signing::Seal::from_seed_b64(seed),
        None => signing::Seal::load_or_generate(&config.data_dir),
    }
    .map_err(|e| StartError(format!("signing key: {e}")))?;
    let store = FileStore::open(&config.storage, &config.data_dir)
        .map_err(|e| StartError(format!("cannot prepare the file store: {e}")))?;
    let accounts = auth::Accounts::new(hasher, &config.accounts)
        .map_err(|e| StartError(format!("cannot prepare password hashing: {e}")))?;
    let calendar = Arc::new(calendar);
    let workflow = WorkflowSettings {
        timezone: config.timezone,
        approval_prefix: config.approval_prefix.clone(),
        clock: *profile.clock(),
        calendar: calendar.clone(),
        notices: Arc::new(notices),
        office_name: config.office_name.clone(),
        public_url: config.public_url.clone(),
        seal: Arc::new(seal),
        exact_total_limit: config.exact_total_limit,
    };
    reproject_clocks(&db, &workflow)?;
    let fonts = Arc::new(fonts);
    let pdf_fonts = documents::PdfFonts::load(&config.fonts_dir, fonts.clone())
        .map_err(|e| StartError(format!("fonts for documents: {e}")))?;
    let engine = Arc::new(Engine::new(profile, fonts));
    let terms = {
        let mut conn = db.get().map_err(|e| StartError(e.to_string()))?;
        terms::Terms::load(&mut conn, &engine)
            .map_err(|e| StartError(format!("cannot load the term base: {e}")))?
    };
    let state = web::Data::new(AppState {
        db,
        engine,
        keys: Keys::new(&secret),
        accounts,
        workflow,
        store,
        decode: DecodeBudget::new(config.decode_memory_mb, config.decode_wait),
        clock,
        calendar,
        terms,
        pdf_fonts: Arc::new(pdf_fonts),
        metrics: Arc::new(metrics::Metrics::new()),
        lifecycle: Arc::new(lifecycle::Lifecycle::default()),
        metrics_token: config.metrics_token.clone(),
    });
    Ok(Services { state, config })
}

/// The shipped fonts, checked, with the glyph cache of the configured size.
fn load_fonts(config: &Config) -> Result<render::Fonts, StartError> {
    let started = std::time::Instant::now();
    let fonts = render::Fonts::load(&config.fonts_dir)
        .map_err(|e| {
            StartError(format!(
                "fonts in {} cannot be used: {e}",
                config.fonts_dir.display()
            ))
        })?
        .with_glyph_cache(render::GlyphCache::with_megabytes(config.glyph_cache_mb));
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        version = fonts.version_tag(),
        "fonts loaded"
    );
    Ok(fonts)
}

/// On PostgreSQL (several replicas on one database) the token secret and the signing key
/// must be configured: a secret generated by each replica would not be shared.
fn require_shared_secrets(config: &Config) -> Result<(), StartError> {
    if !matches!(config.database, db::DbUrl::Postgres(_)) {
        return Ok(());
    }
    let missing = [
        ("SIGNBOARD_JWT_SECRET", config.jwt_secret.is_none()),
        ("SIGNBOARD_SIGNING_KEY", config.signing_key.is_none()),
    ];
    match missing.iter().find(|(_, m)| *m) {
        None => Ok(()),
        Some((name, _)) => Err(StartError(format!(
            "{name} is not set: on PostgreSQL every replica must share one secret, so it is \
             never generated; set {name} (the same value on every replica)"
        ))),
    }
}

/// The database, migrated (or checked, with `--no-migrate`), with `admin` created on an
/// empty one.
fn open_database(config: &Config, hasher: &Hasher) -> Result<Db, StartError> {
    let db = Db::connect(&config.database, config.db_pool).map_err(StartError)?;
    if config.migrate_on_start {
        let applied = db.migrate().map_err(StartError)?;
        if !applied.is_empty() {
            tracing::info!(?applied, backend = db.backend(), "migrations applied");
        }
    } else {
        db.check_schema().map_err(StartError)?;
    }
    let mut conn = db.get().map_err(|e| StartError(e.to_string()))?;
    if let Some(password) = auth::ensure_admin(&mut conn, hasher, config.admin_password.as_deref())
        .map_err(|e| StartError(e.to_string()))?
    {
        // Printed once, on the first start, so the operator can log in.
        tracing::warn!("created user `admin` with password: {password}");
    }
    drop(conn);
    Ok(db)
}

/// Replays the clock of every application stored before the clock existed (their due days
/// are still empty), so the queue can sort them; signs the records of approvals decided
/// before records existed, so they have certificates.
fn reproject_clocks(db: &Db, workflow: &WorkflowSettings) -> Result<(), StartError> {
    let mut conn = db.get().map_err(|e| StartError(e.to_string()))?;
    let n = applications::deadline::reproject_missing(&mut conn, workflow)
        .map_err(|e| StartError(format!("cannot replay the clocks: {e}")))?;
    if n > 0 {
        tracing::info!(applications = n, "clocks replayed");
    }
    let n = applications::commands::record::backfill(workflow, &mut conn)
        .map_err(|e| StartError(format!("cannot sign the earlier approvals: {e}")))?;
    if n > 0 {
        tracing::info!(
            approvals = n,
            "verification records of earlier approvals signed"
        );
    }
    Ok(())
}

/// The token secret: configured, or generated once and kept in the data dir (mode 0600).
fn jwt_secret(config: &Config) -> Result<Vec<u8>, StartError> {
    if let Some(s) = &config.jwt_secret {
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt_secret");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => {
            return Err(StartError(format!(
                "{} is too short; delete it to generate a new secret",
                path.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(StartError(format!("cannot read {}: {e}", path.display()))),
    }
    let secret = auth::random_password().repeat(3).into_bytes();
    write_private(&path, &secret)
        .map_err(|e| StartError(format!("cannot write {}: {e}", path.display())))?;
    Ok(secret)
}

/// Writes a new file only its owner may read (mode 0600): the generated secrets.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Removes upload files no row references and stale temporary files, both older than an
/// hour (see [`storage::sweep`]). Blocks: for the sweeper's thread and the command line.
pub fn sweep_files(db: &Db, store: &FileStore) -> SweepReport {
    // A connection per check, never held while waiting for the store: a request holds the
    // store before it takes a connection, so the two never wait for each other.
    store.block_on(store.sweep(std::time::SystemTime::now(), |sha| {
        let mut conn = db.get()?;
        applications::repo::sha_referenced(&mut conn, sha)
    }))
}

/// Compares the store with the attachment rows: referenced objects missing, objects no row
/// references (see [`storage::check`]). Blocks: for the command line.
pub fn check_files(db: &Db, store: &FileStore) -> Result<CheckReport, String> {
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let rows = applications::repo::referenced_objects(&mut conn).map_err(|e| e.to_string())?;
    drop(conn);
    store
        .block_on(store.check(&rows))
        .map_err(|e| e.to_string())
}

/// Sweeps at start and then every `every`, on a thread of its own, for as long as the
/// service's state lives and it is not stopped.
fn start_sweeper(state: &web::Data<AppState>, every: std::time::Duration) -> Background {
    let weak = Arc::downgrade(&state.clone().into_inner());
    let life = state.lifecycle.clone();
    let spawned = std::thread::Builder::new()
        .name("file-sweeper".into())
        .spawn(move || loop {
            let Some(state) = weak.upgrade() else { break };
            let report = sweep_files(&state.db, &state.store);
            tracing::info!(%report, "file store swept");
            drop(state);
            if life.sleep(every) {
                break;
            }
        });
    Background::started("file sweeper", spawned)
}

/// Delivers notifications on a thread of its own, for as long as the service's state lives
/// and it is not stopped.
fn start_notifier(state: &web::Data<AppState>, settings: notify::NotifySettings) -> Background {
    let weak = Arc::downgrade(&state.clone().into_inner());
    let life = state.lifecycle.clone();
    let alive = move || weak.strong_count() > 0 && !life.is_stopped();
    match notify::Worker::new(state.db.clone(), settings) {
        Ok(w) => Background::started("notification worker", notify::spawn(w, alive)),
        Err(e) => {
            tracing::error!(error = %e, "cannot start the notification worker");
            Background::default()
        }
    }
}

/// Writes the clock's reminders at start and then every `every`, on a thread of its own, for
/// as long as the service's state lives and it is not stopped (see
/// [`applications::commands::reminders`]).
fn start_reminders(state: &web::Data<AppState>, every: std::time::Duration) -> Background {
    let weak = Arc::downgrade(&state.clone().into_inner());
    let life = state.lifecycle.clone();
    let spawned = std::thread::Builder::new()
        .name("reminders".into())
        .spawn(move || loop {
            let Some(state) = weak.upgrade() else { break };
            let sent = state
                .db
                .get()
                .map_err(|e| e.to_string())
                .and_then(|mut conn| {
                    applications::commands::reminders::send_due(
                        &mut conn,
                        &state.workflow,
                        state.clock.now(),
                    )
                    .map_err(|e| format!("{e:?}"))
                });
            match sent {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "reminders written"),
                Err(e) => tracing::warn!(error = %e, "reminder scan failed"),
            }
            drop(state);
            if life.sleep(every) {
                break;
            }
        });
    Background::started("reminder scan", spawned)
}

/// The HTTP server on `listener` (bind `127.0.0.1:0` in tests).
pub fn serve(services: Services, listener: TcpListener) -> Result<Server, StartError> {
    serve_with_background(services, listener).map(|(server, _)| server)
}

/// The server and its background threads (joined at shutdown).
fn serve_with_background(
    services: Services,
    listener: TcpListener,
) -> Result<(Server, Background), StartError> {
    let Services { state, config } = services;
    let mut background = Background::default();
    let proxies = web::Data::new(http::client_ip::TrustedProxies(
        config.trusted_proxies.clone(),
    ));
    if let Some(every) = config.sweep_interval {
        background.add(start_sweeper(&state, every));
    }
    background.add(start_notifier(&state, config.notify.clone()));
    background.add(start_reminders(&state, config.notify.remind_every));
    let static_dir = config.static_dir.clone();
    let fonts_dir = config.fonts_dir.clone();
    let body_timeout = config.body_timeout;
    let mut server = HttpServer::new(move || {
        let (app, _) = http::openapi::app();
        app.wrap(from_fn(move |req, next| {
            http::middleware::body_timeout(body_timeout, req, next)
        }))
        .wrap(from_fn(http::middleware::no_store_json))
        .wrap(http::security_headers())
        .wrap(TracingLogger::<http::observe::RequestSpan>::new())
        .wrap(from_fn(http::observe::observe))
        .app_data(state.clone())
        .app_data(proxies.clone())
        .app_data(
            web::JsonConfig::default()
                .limit(http::JSON_LIMIT)
                .error_handler(http::json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(http::query_error))
        .app_data(web::PathConfig::default().error_handler(http::path_error))
        .configure(|cfg| http::static_files(cfg, static_dir.clone(), fonts_dir.clone()))
    })
    .listen(listener)
    .map_err(|e| StartError(format!("cannot listen: {e}")))?
    // SIGTERM and SIGINT are handled by [`run`]: readiness first, then a graceful stop.
    .disable_signals()
    .shutdown_timeout(config.shutdown_grace.as_secs());
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    // Rendering and database work share each worker's blocking threads (this bound is per
    // worker); more of them than the pool has connections only adds idle threads (and their
    // allocator arenas).
    server = server.worker_max_blocking_threads(config.db_pool.max(4) as usize);
    Ok((server.run(), background))
}

/// Everything from configuration to a running server, with the system clock.
pub fn build(config: Config, listener: TcpListener) -> Result<Server, StartError> {
    serve(prepare(config, Arc::new(SystemClock))?, listener)
}

/// Serves until SIGTERM or SIGINT, then stops gracefully: `/readyz` answers 503 at once, the
/// listener closes (new connections are refused), the requests in flight get
/// `shutdown_grace` to finish, and the background threads stop after their work in hand.
pub fn run(config: Config, listener: TcpListener) -> Result<(), StartError> {
    let grace = config.shutdown_grace;
    let services = prepare(config, Arc::new(SystemClock))?;
    let life = services.state.lifecycle.clone();
    actix_web::rt::System::new().block_on(async move {
        let (server, background) = serve_with_background(services, listener)?;
        let handle = server.handle();
        let draining = life.clone();
        actix_web::rt::spawn(async move {
            let signal = shutdown::stop_signal().await;
            tracing::info!(
                signal,
                grace_s = grace.as_secs(),
                "stopping: finishing requests in flight"
            );
            draining.begin_drain();
            handle.stop(true).await;
        });
        server
            .await
            .map_err(|e| StartError(format!("server failed: {e}")))?;
        life.stop();
        background.join(grace.max(std::time::Duration::from_secs(5)));
        tracing::info!("stopped");
        Ok(())
    })
}
