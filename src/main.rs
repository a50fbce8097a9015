//! The `signboard` command: `serve` (the default; `--no-migrate`), `migrate`, `user add`,
//! `storage sweep`, `backup`.

use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::net::TcpListener;
use std::process::ExitCode;

use signboard::auth::{self, password::Hasher, NewUser, Role};
use signboard::config::{LogFormat, Settings};
use signboard::db::Db;
use signboard::storage::FileStore;

#[derive(Parser)]
#[command(name = "signboard", version, about = "蒙汉双语牌匾审批服务")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default).
    Serve {
        /// Do not apply migrations; refuse to start when the database lacks any (run
        /// `signboard migrate` as a separate deployment step).
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy an SQLite installation (database, secrets, upload files) into a new folder while
    /// the service may keep running.
    Backup {
        /// The folder to write; it must not exist yet or be empty.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Look after the upload files.
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
}

#[derive(Subcommand)]
enum StorageCommand {
    /// Remove upload files no application references and stale temporary files (both older
    /// than an hour) once, and print what was removed.
    Sweep,
    /// Check that every object an application references is stored, and list the stored
    /// objects none references; fails when a referenced object is missing.
    Check,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long, default_value = "")]
        display_name: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "role must be merchant, translator, reviewer or admin".into())
}

/// Log lines on standard output: text, or one JSON object per line (`SIGNBOARD_LOG_FORMAT`).
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_server=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(LogFormat::parse(&cli.settings.log_format).unwrap_or_default());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("signboard: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let mut config = cli.settings.into_config()?;
    match cli.command.unwrap_or(Command::Serve { no_migrate: false }) {
        Command::Serve { no_migrate } => {
            config.migrate_on_start = !no_migrate;
            let listener = TcpListener::bind(&config.bind)
                .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
            tracing::info!("signboard listening on http://{}/", config.bind);
            signboard::run(config, listener).map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let db = Db::connect(&config.database, 1)?;
            let applied = db.migrate()?;
            println!("applied {} migration(s) on {}", applied.len(), db.backend());
            Ok(())
        }
        Command::Backup { to } => {
            // Objects in a bucket are kept by the bucket's versioning, not copied.
            let files = match config.storage.url_or(&config.data_dir) {
                signboard::storage::StorageUrl::File(dir) => Some(dir),
                _ => None,
            };
            let report = signboard::backup::backup(
                &config.database,
                &config.data_dir,
                files.as_deref(),
                &to,
            )?;
            println!("backed up into {}: {report}", to.display());
            Ok(())
        }
        Command::Storage { command } => storage(&config, command),
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    display_name,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
            let new = NewUser {
                username,
                password: password.trim_end_matches(['\r', '\n']).to_owned(),
                display_name,
                phone: None,
            };
            let new = new
                .validate()
                .map_err(|e| signboard::error::AppError::from(e).message().to_owned())?;
            let db = Db::connect(&config.database, 1)?;
            db.migrate()?;
            let hash = Hasher::new(config.argon2_memory_kib).hash(&new.password)?;
            let mut conn = db.get().map_err(|e| e.to_string())?;
            let user = auth::create_user(&mut conn, &new, role, hash, auth::CreatedBy::System)
                .map_err(|e| signboard::error::AppError::from(e).message().to_owned())?;
            println!("created {} ({})", user.username, user.role.as_str());
            Ok(())
        }
    }
}

fn storage(config: &signboard::config::Config, command: StorageCommand) -> Result<(), String> {
    let db = Db::connect(&config.database, 1)?;
    db.migrate()?;
    let store = FileStore::open(&config.storage, &config.data_dir)
        .map_err(|e| format!("cannot open the file store: {e}"))?;
    match command {
        StorageCommand::Sweep => {
            let report = signboard::sweep_files(&db, &store);
            println!("{report}");
            if report.errors > 0 {
                return Err(format!("{} file(s) could not be handled", report.errors));
            }
        }
        StorageCommand::Check => {
            let report = signboard::check_files(&db, &store)?;
            println!("{report}");
            if !report.missing.is_empty() {
                return Err(format!(
                    "{} referenced object(s) missing from {}",
                    report.missing.len(),
                    store.url()
                ));
            }
        }
    }
    Ok(())
}
