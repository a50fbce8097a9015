//! The sweeper: removes stored files no row references and temporary files a crashed write
//! left behind, once they are older than [`MIN_ORPHAN_AGE`]. A request refreshes the time of
//! a file it is about to reference, so a young file is never touched; an old candidate is
//! checked again (its age, then its references) right before it is deleted, under the
//! store's exclusive hold, so no request of this process is between writing and committing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::FileStore;

/// Files younger than this are never removed.
pub const MIN_ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub orphan_files: u64,
    pub orphan_bytes: u64,
    pub temp_files: u64,
    pub temp_bytes: u64,
    /// Files that could not be read or removed (logged one by one).
    pub errors: u64,
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "removed {} unreferenced file(s) ({} bytes) and {} temporary file(s) ({} bytes)",
            self.orphan_files, self.orphan_bytes, self.temp_files, self.temp_bytes
        )?;
        if self.errors > 0 {
            write!(f, "; {} file(s) could not be handled", self.errors)?;
        }
        Ok(())
    }
}

impl FileStore {
    /// One sweep at time `now`. `referenced(sha)` says whether any row references a content
    /// hash; when it fails the files of that hash are kept.
    pub fn sweep<E: std::fmt::Display>(
        &self,
        now: SystemTime,
        mut referenced: impl FnMut(&str) -> Result<bool, E>,
    ) -> SweepReport {
        let mut report = SweepReport::default();
        self.sweep_temp(now, &mut report);
        for (sha, files) in self.old_files_by_hash(now, &mut report) {
            match referenced(&sha) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(sha, error = %e, "sweep: cannot check references");
                    report.errors += 1;
                    continue;
                }
            }
            let _exclusive = self.exclusive();
            // Checked again right before deleting: a request may have refreshed the files
            // or committed a row since the listing.
            match referenced(&sha) {
                Ok(false) => {}
                Ok(true) => continue,
                Err(e) => {
                    tracing::warn!(sha, error = %e, "sweep: cannot check references");
                    report.errors += 1;
                    continue;
                }
            }
            for path in files {
                if let Some(bytes) = remove_if_old(&path, now, &mut report) {
                    report.orphan_files += 1;
                    report.orphan_bytes += bytes;
                }
            }
        }
        report
    }

    fn sweep_temp(&self, now: SystemTime, report: &mut SweepReport) {
        for path in files_in(&self.tmp_dir(), report) {
            if let Some(bytes) = remove_if_old(&path, now, report) {
                report.temp_files += 1;
                report.temp_bytes += bytes;
            }
        }
    }

    /// Stored files older than the minimum age, grouped by the content hash their name
    /// starts with. Names that are not a stored variant are left alone.
    fn old_files_by_hash(
        &self,
        now: SystemTime,
        report: &mut SweepReport,
    ) -> BTreeMap<String, Vec<PathBuf>> {
        let mut by_hash: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        let Ok(dirs) = std::fs::read_dir(self.root()) else {
            report.errors += 1;
            return by_hash;
        };
        for dir in dirs.flatten() {
            let name = dir.file_name();
            let name = name.to_string_lossy();
            if name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            for path in files_in(&dir.path(), report) {
                let Some(sha) = stored_hash(&path) else {
                    continue;
                };
                if sha.starts_with(name.as_ref()) && is_old(&path, now) == Some(true) {
                    by_hash.entry(sha).or_default().push(path);
                }
            }
        }
        by_hash
    }
}

/// The content hash a stored file is named after (`<sha>.<ext>`, `<sha>.display.<ext>`,
/// `<sha>.thumb.<ext>`).
fn stored_hash(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let (sha, _) = name.split_once('.')?;
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha.to_owned())
}

fn files_in(dir: &Path, report: &mut SweepReport) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "sweep: cannot list");
            report.errors += 1;
            Vec::new()
        }
    }
}

fn is_old(path: &Path, now: SystemTime) -> Option<bool> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(now.duration_since(modified).unwrap_or_default() >= MIN_ORPHAN_AGE)
}

/// Removes `path` if it is still old; its size when removed.
fn remove_if_old(path: &Path, now: SystemTime, report: &mut SweepReport) -> Option<u64> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    if now.duration_since(modified).unwrap_or_default() < MIN_ORPHAN_AGE {
        return None;
    }
    match std::fs::remove_file(path) {
        Ok(()) => {
            tracing::info!(path = %path.display(), bytes = meta.len(), "sweep: removed");
            Some(meta.len())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "sweep: cannot remove");
            report.errors += 1;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &Path, bytes: usize, age: Duration) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![0u8; bytes]).unwrap();
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn removes_old_orphans_and_temp_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let hour = Duration::from_secs(3600);
        let old = 2 * hour;
        let young = Duration::from_secs(60);
        let orphan = "ab".repeat(32);
        let kept = "cd".repeat(32);
        let fresh = "ef".repeat(32);
        let root = store.root().to_path_buf();
        file(&root.join("ab").join(format!("{orphan}.png")), 10, old);
        file(&root.join("ab").join(format!("{orphan}.thumb.png")), 5, old);
        file(&root.join("cd").join(format!("{kept}.png")), 7, old);
        file(&root.join("ef").join(format!("{fresh}.png")), 7, young);
        file(&root.join("ab").join("notes.txt"), 7, old);
        file(&store.tmp_dir().join(".tmpOLD"), 3, old);
        file(&store.tmp_dir().join(".tmpNEW"), 3, young);
        let report = store.sweep(SystemTime::now(), |sha| {
            Ok::<_, std::io::Error>(sha == kept)
        });
        assert_eq!(
            report,
            SweepReport {
                orphan_files: 2,
                orphan_bytes: 15,
                temp_files: 1,
                temp_bytes: 3,
                errors: 0
            }
        );
        assert!(!root.join("ab").join(format!("{orphan}.png")).exists());
        assert!(root.join("cd").join(format!("{kept}.png")).exists());
        assert!(root.join("ef").join(format!("{fresh}.png")).exists());
        assert!(root.join("ab").join("notes.txt").exists());
        assert!(!store.tmp_dir().join(".tmpOLD").exists());
        assert!(store.tmp_dir().join(".tmpNEW").exists());
        assert_eq!(
            report.to_string(),
            "removed 2 unreferenced file(s) (15 bytes) and 1 temporary file(s) (3 bytes)"
        );
    }

    #[test]
    fn a_failed_reference_check_keeps_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let sha = "ab".repeat(32);
        let path = store.root().join("ab").join(format!("{sha}.png"));
        file(&path, 10, Duration::from_secs(7200));
        let report = store.sweep(SystemTime::now(), |_| Err("database down"));
        assert_eq!(report.errors, 1);
        assert!(path.exists());
    }
}
