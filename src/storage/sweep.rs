//! The sweeper: removes stored objects no row references and temporary files a crashed write
//! left behind (under `tmp/`, from before object storage), once they are older than
//! [`MIN_ORPHAN_AGE`]; it works on any backend (a listing and each object's time). An old
//! candidate is checked again (its references, then its age) right before it is deleted,
//! under the store's exclusive hold, so no request of this process is between writing and
//! committing.

use object_store::path::Path as Key;
use object_store::ObjectMeta;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use super::store::{hash_of, FileStore};

/// Objects younger than this are never removed.
pub const MIN_ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub orphan_files: u64,
    pub orphan_bytes: u64,
    pub temp_files: u64,
    pub temp_bytes: u64,
    /// Objects that could not be read or removed (logged one by one).
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

fn is_old(meta: &ObjectMeta, now: SystemTime) -> bool {
    let modified = SystemTime::from(meta.last_modified);
    now.duration_since(modified).unwrap_or_default() >= MIN_ORPHAN_AGE
}

fn is_temp(key: &Key) -> bool {
    key.parts().next().is_some_and(|p| p.as_ref() == "tmp")
}

impl FileStore {
    /// One sweep at time `now`. `referenced(sha)` says whether any row references a content
    /// hash; when it fails the objects of that hash are kept.
    pub async fn sweep<E: std::fmt::Display>(
        &self,
        now: SystemTime,
        mut referenced: impl FnMut(&str) -> Result<bool, E>,
    ) -> SweepReport {
        let mut report = SweepReport::default();
        let objects = match self.list().await {
            Ok(objects) => objects,
            Err(e) => {
                tracing::warn!(error = %e, "sweep: cannot list the store");
                report.errors += 1;
                return report;
            }
        };
        let mut by_hash: BTreeMap<String, Vec<ObjectMeta>> = BTreeMap::new();
        for meta in objects.into_iter().filter(|m| is_old(m, now)) {
            if is_temp(&meta.location) {
                if let Some(bytes) = self.remove_if_old(&meta.location, now, &mut report).await {
                    report.temp_files += 1;
                    report.temp_bytes += bytes;
                }
            } else if let Some(sha) = hash_of(&meta.location) {
                by_hash.entry(sha).or_default().push(meta);
            }
        }
        for (sha, objects) in by_hash {
            if !unreferenced(&mut referenced, &sha, &mut report) {
                continue;
            }
            let _exclusive = self.exclusive().await;
            // Checked again right before deleting: a request may have committed a row
            // since the listing.
            if !unreferenced(&mut referenced, &sha, &mut report) {
                continue;
            }
            for meta in objects {
                if let Some(bytes) = self.remove_if_old(&meta.location, now, &mut report).await {
                    report.orphan_files += 1;
                    report.orphan_bytes += bytes;
                }
            }
        }
        report
    }

    /// Removes `key` if it is still old; its size when removed.
    async fn remove_if_old(
        &self,
        key: &Key,
        now: SystemTime,
        report: &mut SweepReport,
    ) -> Option<u64> {
        let meta = match self.head(key).await {
            Ok(Some(meta)) if is_old(&meta, now) => meta,
            Ok(_) => return None,
            Err(e) => {
                tracing::warn!(%key, error = %e, "sweep: cannot read");
                report.errors += 1;
                return None;
            }
        };
        match self.delete(key).await {
            Ok(()) => {
                tracing::info!(%key, bytes = meta.size, "sweep: removed");
                Some(meta.size)
            }
            Err(e) => {
                tracing::warn!(%key, error = %e, "sweep: cannot remove");
                report.errors += 1;
                None
            }
        }
    }
}

/// Whether no row references `sha` (a failed check counts as referenced, and as an error).
fn unreferenced<E: std::fmt::Display>(
    referenced: &mut impl FnMut(&str) -> Result<bool, E>,
    sha: &str,
    report: &mut SweepReport,
) -> bool {
    match referenced(sha) {
        Ok(found) => !found,
        Err(e) => {
            tracing::warn!(sha, error = %e, "sweep: cannot check references");
            report.errors += 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::backend::StorageConfig;
    use std::path::Path;

    fn file(path: &Path, bytes: usize, age: Duration) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![0u8; bytes]).unwrap();
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
    }

    #[tokio::test]
    async fn removes_old_orphans_and_temp_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(&StorageConfig::default(), dir.path()).unwrap();
        let hour = Duration::from_secs(3600);
        let old = 2 * hour;
        let young = Duration::from_secs(60);
        let orphan = "ab".repeat(32);
        let kept = "cd".repeat(32);
        let fresh = "ef".repeat(32);
        let root = dir.path().join("files");
        file(&root.join("ab").join(format!("{orphan}.png")), 10, old);
        file(&root.join("ab").join(format!("{orphan}.thumb.png")), 5, old);
        file(&root.join("cd").join(format!("{kept}.png")), 7, old);
        file(&root.join("ef").join(format!("{fresh}.png")), 7, young);
        file(&root.join("ab").join("notes.txt"), 7, old);
        file(&root.join("tmp").join(".tmpOLD"), 3, old);
        file(&root.join("tmp").join(".tmpNEW"), 3, young);
        let report = store
            .sweep(SystemTime::now(), |sha| {
                Ok::<_, std::io::Error>(sha == kept)
            })
            .await;
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
        assert!(!root.join("tmp").join(".tmpOLD").exists());
        assert!(root.join("tmp").join(".tmpNEW").exists());
        assert_eq!(
            report.to_string(),
            "removed 2 unreferenced file(s) (15 bytes) and 1 temporary file(s) (3 bytes)"
        );
    }

    #[tokio::test]
    async fn a_failed_reference_check_keeps_the_objects() {
        let store = FileStore::memory().unwrap();
        let img = crate::storage::store::tests::image(5);
        store.put(&img).await.unwrap();
        // Everything in memory is young; sweep as if three hours had passed.
        let later = SystemTime::now() + Duration::from_secs(3 * 3600);
        let report = store.sweep(later, |_| Err("database down")).await;
        assert_eq!(report.errors, 1);
        assert_eq!(store.list().await.unwrap().len(), 3);
        let report = store.sweep(later, |_| Ok::<_, String>(false)).await;
        assert_eq!((report.orphan_files, report.orphan_bytes), (3, 6));
        assert!(store.list().await.unwrap().is_empty());
    }
}
