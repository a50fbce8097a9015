//! `signboard backup`: a consistent copy of a one-replica installation on SQLite — the
//! database through SQLite's online backup API (the service may keep running), the secrets
//! that sign tokens and certificates, and the upload files.
//!
//! Order makes the copy consistent: the database is copied first, in one step under one read
//! transaction, then the files. Files are content-addressed and never rewritten, and a file a
//! row references is never removed (the sweeper only removes unreferenced ones), so every file
//! the copied rows reference is still there when the files are copied. Files uploaded after
//! the database step are copied too and are harmless orphans in the copy.
//!
//! PostgreSQL installations are backed up with `pg_dump` and bucket versioning instead
//! (docs/deploy.md): there the command refuses with that advice.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::DbUrl;
use crate::signing::KEY_FILE;

/// The database file's name inside the backup folder.
pub const DATABASE_FILE: &str = "signboard.db";
/// The secrets copied when they are kept in the data dir (not given by the environment).
const SECRET_FILES: [&str; 2] = ["jwt_secret", KEY_FILE];
/// How often a busy database is retried before the backup gives up.
const BUSY_RETRIES: u32 = 50;

/// What one backup wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BackupReport {
    pub database: PathBuf,
    pub secrets: Vec<String>,
    pub files: u64,
    pub bytes: u64,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "database {}; secrets: {}; {} file(s), {} byte(s)",
            self.database.display(),
            if self.secrets.is_empty() {
                "none in the data dir".to_owned()
            } else {
                self.secrets.join(", ")
            },
            self.files,
            self.bytes
        )
    }
}

/// Copies the installation into `to`, a folder that must not exist yet or be empty.
/// `files_root` is the local file store's folder, `None` when uploads live in object storage.
pub fn backup(
    database: &DbUrl,
    data_dir: &Path,
    files_root: Option<&Path>,
    to: &Path,
) -> Result<BackupReport, String> {
    let DbUrl::Sqlite(source) = database else {
        return Err(
            "`signboard backup` copies an SQLite installation; on PostgreSQL use \
                    pg_dump and the bucket's versioning (see docs/deploy.md)"
                .into(),
        );
    };
    prepare_target(to)?;
    let mut report = BackupReport {
        database: to.join(DATABASE_FILE),
        ..BackupReport::default()
    };
    copy_database(source, &report.database)?;
    for name in SECRET_FILES {
        let from = data_dir.join(name);
        if from.is_file() {
            let bytes = std::fs::read(&from).map_err(|e| io(&from, e))?;
            let dest = to.join(name);
            crate::write_private(&dest, &bytes).map_err(|e| io(&dest, e))?;
            report.secrets.push(name.to_owned());
        }
    }
    if let Some(root) = files_root {
        copy_files(root, &to.join("files"), &mut report)?;
    }
    Ok(report)
}

fn io(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

fn prepare_target(to: &Path) -> Result<(), String> {
    match std::fs::read_dir(to) {
        Ok(entries) => match entries.count() {
            0 => Ok(()),
            _ => Err(format!(
                "{} is not empty; back up into a new folder",
                to.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(to).map_err(|e| io(to, e))
        }
        Err(e) => Err(io(to, e)),
    }
}

/// The whole database in one backup step (one read transaction: a consistent snapshot even
/// while the service writes), checked with `PRAGMA integrity_check`.
fn copy_database(source: &Path, dest: &Path) -> Result<(), String> {
    let err = |e: rusqlite::Error| format!("backup of {}: {e}", source.display());
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    let mut dst = Connection::open(dest).map_err(err)?;
    {
        let backup = Backup::new(&src, &mut dst).map_err(err)?;
        let mut tries = 0;
        loop {
            match backup.step(-1).map_err(err)? {
                StepResult::Done => break,
                StepResult::Busy | StepResult::Locked if tries < BUSY_RETRIES => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => return Err(format!("{} stayed busy; try again", source.display())),
            }
        }
    }
    let check: String = dst
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(err)?;
    if check != "ok" {
        return Err(format!("the copy failed its integrity check: {check}"));
    }
    Ok(())
}

/// The stored files, folder by folder, without the temporary folder of uploads in progress.
fn copy_files(root: &Path, dest: &Path, report: &mut BackupReport) -> Result<(), String> {
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(root, e)),
    };
    std::fs::create_dir_all(dest).map_err(|e| io(dest, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(root, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        if kind.is_dir() && entry.file_name() != "tmp" {
            copy_files(&path, &dest.join(entry.file_name()), report)?;
        } else if kind.is_file() {
            let target = dest.join(entry.file_name());
            report.bytes += std::fs::copy(&path, &target).map_err(|e| io(&path, e))?;
            report.files += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let url = DbUrl::Postgres("postgres://x@127.0.0.1/db".into());
        let err = backup(&url, dir.path(), None, &dir.path().join("b")).unwrap_err();
        assert!(err.contains("pg_dump"), "{err}");
    }

    #[test]
    fn a_non_empty_target_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("keep"), b"x").unwrap();
        let url = DbUrl::Sqlite(dir.path().join("db.sqlite"));
        let err = backup(&url, dir.path(), None, &target).unwrap_err();
        assert!(err.contains("not empty"), "{err}");
        assert_eq!(std::fs::read(target.join("keep")).unwrap(), b"x");
    }

    #[test]
    fn database_secrets_and_files_are_copied_without_tmp() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.sqlite");
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1),(2),(3);",
        )
        .unwrap();
        std::fs::write(dir.path().join("jwt_secret"), b"s".repeat(40)).unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(files.join("ab")).unwrap();
        std::fs::create_dir_all(files.join("tmp")).unwrap();
        std::fs::write(files.join("ab/abcd.png"), b"png!").unwrap();
        std::fs::write(files.join("tmp/partial"), b"half").unwrap();
        let target = dir.path().join("backup");
        let report = backup(&DbUrl::Sqlite(db), dir.path(), Some(&files), &target).unwrap();
        assert_eq!((report.files, report.bytes), (1, 4));
        assert_eq!(report.secrets, vec!["jwt_secret".to_owned()]);
        let copy = Connection::open(target.join(DATABASE_FILE)).unwrap();
        let n: i64 = copy
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            std::fs::read(target.join("files/ab/abcd.png")).unwrap(),
            b"png!"
        );
        assert!(!target.join("files/tmp").exists());
        drop(conn);
    }
}
