//! Design images: checked by content (I1), limited (I2), decoded once under the image crate's
//! limits, re-encoded without metadata for display, thumbnailed, and kept by content hash
//! under the data dir. Files are written to a temporary name and renamed, so none is ever
//! half-written.

pub mod images;

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use images::{DesignImage, ImageError, MAX_FILES, MAX_FILE_BYTES, MAX_PIXELS};

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
}

impl FileStore {
    /// A store under `data_dir/files`, its folders created.
    pub fn open(data_dir: &Path) -> std::io::Result<FileStore> {
        let root = data_dir.join("files");
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(FileStore { root })
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

    /// Writes every file of an image; returns the paths this call created (and so may remove
    /// again if the database write that should reference them fails).
    pub fn put(&self, image: &DesignImage) -> std::io::Result<Vec<PathBuf>> {
        let mut created = Vec::new();
        let files = [
            (Variant::Original, image.ext(), &image.original),
            (Variant::Display, image.display_ext(), &image.display),
            (Variant::Thumb, image.display_ext(), &image.thumb),
        ];
        for (variant, ext, bytes) in files {
            let path = self.path(&image.sha256, variant, ext).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad content hash")
            })?;
            match self.write_atomic(&path, bytes) {
                Ok(true) => created.push(path),
                Ok(false) => {}
                Err(e) => {
                    self.remove(&created);
                    return Err(e);
                }
            }
        }
        Ok(created)
    }

    /// Writes `bytes` at `path` by way of a temporary file and a rename. Returns false when the
    /// file already existed (same hash, same content).
    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
        if path.exists() {
            return Ok(false);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(true)
    }

    pub fn remove(&self, paths: &[PathBuf]) {
        for p in paths {
            if let Err(e) = std::fs::remove_file(p) {
                tracing::warn!(path = %p.display(), error = %e, "could not remove file");
            }
        }
    }
}
