//! Design images: checked by content (I1), limited (I2), decoded once under the image crate's
//! limits and a shared memory budget, re-encoded without metadata for display, thumbnailed,
//! and kept by content hash under the data dir. Files are written to a temporary name and
//! renamed, so none is ever half-written.
//!
//! A request never deletes a stored file: two requests may share one content-addressed file,
//! and only the sweeper ([`sweep`]) removes files, once no row references them and they are
//! old enough that no request can still be about to reference them.

pub mod budget;
pub mod images;
pub mod jpeg;
pub mod sweep;

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use budget::{BudgetError, DecodeBudget, DecodePermit};
pub use images::{DesignImage, ImageError, MAX_FILES, MAX_FILE_BYTES, MAX_PIXELS};
pub use sweep::{SweepReport, MIN_ORPHAN_AGE};

/// What the store keeps of one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Display,
    Thumb,
}

#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
    /// Held shared by a request from writing its files until its rows are committed, and
    /// exclusively by the sweeper while it re-checks and deletes one file, so the sweeper of
    /// this process never deletes a file between a request's write and its commit.
    writers: Arc<RwLock<()>>,
}

/// A request's hold on the store: no sweep of this process deletes while it lives.
pub struct WriteHold<'a>(#[allow(dead_code)] RwLockReadGuard<'a, ()>);

impl FileStore {
    /// A store under `data_dir/files`, its folders created.
    pub fn open(data_dir: &Path) -> std::io::Result<FileStore> {
        let root = data_dir.join("files");
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(FileStore {
            root,
            writers: Arc::new(RwLock::new(())),
        })
    }

    /// Whether the store can be reached: its files folder exists and is a folder.
    pub async fn probe(&self) -> Result<(), String> {
        let root = self.root.clone();
        let meta = actix_web::web::block(move || std::fs::metadata(&root))
            .await
            .map_err(|e| format!("file store check: {e}"))?;
        match meta {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(format!("{} is not a folder", self.root.display())),
            Err(e) => Err(format!("{}: {e}", self.root.display())),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn sha256_hex(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// The path of one variant of a stored image; `sha` must be 64 hex digits.
    pub fn path(&self, sha: &str, variant: Variant, ext: &str) -> Option<PathBuf> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let name = match variant {
            Variant::Original => format!("{sha}.{ext}"),
            Variant::Display => format!("{sha}.display.{ext}"),
            Variant::Thumb => format!("{sha}.thumb.{ext}"),
        };
        Some(self.root.join(&sha[..2]).join(name))
    }

    /// Held from the first file written until the rows referencing it are committed.
    pub fn hold(&self) -> WriteHold<'_> {
        WriteHold(self.writers.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn exclusive(&self) -> RwLockWriteGuard<'_, ()> {
        self.writers.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes every file of an image. A file already present (same hash, same content) is
    /// kept and its modification time refreshed, so a sweeper sees it as young while the
    /// caller is about to reference it. Nothing is ever removed here: a file written by a
    /// request whose database write then fails is left to the sweeper, since a concurrent
    /// request may reference it by then.
    pub fn put(&self, image: &DesignImage) -> std::io::Result<()> {
        let files = [
            (Variant::Original, image.ext(), &image.original),
            (Variant::Display, image.display_ext(), &image.display),
            (Variant::Thumb, image.display_ext(), &image.thumb),
        ];
        for (variant, ext, bytes) in files {
            let path = self.path(&image.sha256, variant, ext).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad content hash")
            })?;
            self.write_atomic(&path, bytes)?;
        }
        Ok(())
    }

    /// Writes `bytes` at `path` by way of a temporary file and a rename, or refreshes the
    /// modification time of the file already there.
    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        match std::fs::File::open(path) {
            Ok(file) => return file.set_modified(std::time::SystemTime::now()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(self.tmp_dir())?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn image(sha_seed: u8) -> DesignImage {
        DesignImage {
            sha256: hex::encode([sha_seed; 32]),
            format: images::DesignFormat::Png,
            width: 1,
            height: 1,
            original: vec![1, 2, 3],
            display: vec![4, 5],
            thumb: vec![6],
        }
    }

    #[test]
    fn putting_an_existing_image_refreshes_its_time_and_keeps_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let img = image(7);
        store.put(&img).unwrap();
        let path = store.path(&img.sha256, Variant::Original, "png").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3 * 3600);
        std::fs::File::open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        store.put(&img).unwrap();
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert!(mtime > old + Duration::from_secs(3600), "{mtime:?}");
        assert_eq!(std::fs::read(&path).unwrap(), vec![1, 2, 3]);
    }
}
