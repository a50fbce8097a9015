//! The store of design images on an `object_store` backend: content-addressed keys,
//! put-if-absent writes, reads that tell a missing object from an unreachable store.
//!
//! Every call runs on the store's own runtime ([`IoRuntime`]) and is awaited from there.

use futures_util::TryStreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

use super::backend::{self, IoRuntime, StorageConfig, StorageUrl};
use super::images::DesignImage;

/// What the store keeps of one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Display,
    Thumb,
}

/// Why a store call failed: the object is not there, or the store cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("no stored object {0}")]
    NotFound(String),
    #[error("file storage unavailable: {0}")]
    Unavailable(String),
}

impl From<object_store::Error> for StoreError {
    fn from(e: object_store::Error) -> StoreError {
        match e {
            object_store::Error::NotFound { path, .. } => StoreError::NotFound(path),
            other => StoreError::Unavailable(other.to_string()),
        }
    }
}

#[derive(Clone)]
pub struct FileStore {
    objects: Arc<dyn ObjectStore>,
    url: StorageUrl,
    io: Arc<IoRuntime>,
    /// Held shared by a request from writing its objects until its rows are committed (and
    /// checked), and exclusively by whoever deletes (the sweeper, a failed request's
    /// clean-up) while it re-checks references and deletes, so no deletion in this process
    /// falls between another request's write and its commit.
    writers: Arc<RwLock<()>>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.url)
    }
}

/// A request's hold on the store: no deletion of this process runs while it lives.
pub struct WriteHold(#[allow(dead_code)] OwnedRwLockReadGuard<()>);

/// The objects one `put` wrote, and those it found already there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    pub created: Vec<Key>,
    pub existing: Vec<Key>,
}

impl FileStore {
    /// The store the settings describe (by default `data_dir/files`).
    pub fn open(config: &StorageConfig, data_dir: &Path) -> Result<FileStore, String> {
        let url = config.url_or(data_dir);
        let objects = backend::build(config, &url)?;
        FileStore::with_objects(objects, url)
    }

    /// A store kept in memory (tests).
    pub fn memory() -> Result<FileStore, String> {
        let objects = Arc::new(object_store::memory::InMemory::new());
        FileStore::with_objects(objects, StorageUrl::Memory)
    }

    fn with_objects(objects: Arc<dyn ObjectStore>, url: StorageUrl) -> Result<FileStore, String> {
        Ok(FileStore {
            objects,
            url,
            io: Arc::new(IoRuntime::start()?),
            writers: Arc::new(RwLock::new(())),
        })
    }

    pub fn url(&self) -> &StorageUrl {
        &self.url
    }

    pub fn sha256_hex(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// The key of one variant of a stored image, `ab/<sha>.<ext>` (as the files were laid
    /// out before object storage); `sha` must be 64 hex digits.
    pub fn key(sha: &str, variant: Variant, ext: &str) -> Option<Key> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let name = match variant {
            Variant::Original => format!("{sha}.{ext}"),
            Variant::Display => format!("{sha}.display.{ext}"),
            Variant::Thumb => format!("{sha}.thumb.{ext}"),
        };
        Some(Key::from(format!("{}/{name}", &sha[..2])))
    }

    /// Runs a storage call on the store's runtime and awaits it from any runtime.
    pub(crate) async fn run<T, F>(&self, call: F) -> Result<T, StoreError>
    where
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        self.io
            .handle
            .spawn(call)
            .await
            .map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?
    }

    /// Runs `f` to completion on this (non-async) thread; store calls inside run on the
    /// store's runtime. For commands and the sweeper's thread.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.io.handle.block_on(f)
    }

    /// Held from the first object written until the rows referencing it are committed.
    pub async fn hold(&self) -> WriteHold {
        WriteHold(self.writers.clone().read_owned().await)
    }

    pub(crate) async fn exclusive(&self) -> OwnedRwLockWriteGuard<()> {
        self.writers.clone().write_owned().await
    }

    /// Writes every variant of an image, each only if absent: an object already there has
    /// the same content (the key is its hash), so finding it is success. On a failure the
    /// objects this call created are returned in the error's outcome for the caller to
    /// remove.
    pub async fn put(&self, image: &DesignImage) -> Result<PutOutcome, (StoreError, PutOutcome)> {
        let files = [
            (Variant::Original, image.ext(), &image.original),
            (Variant::Display, image.display_ext(), &image.display),
            (Variant::Thumb, image.display_ext(), &image.thumb),
        ];
        let mut calls = Vec::with_capacity(files.len());
        for (variant, ext, bytes) in files {
            let Some(key) = FileStore::key(&image.sha256, variant, ext) else {
                let e = StoreError::Unavailable("bad content hash".into());
                return Err((e, PutOutcome::default()));
            };
            calls.push(self.put_one(key, PutPayload::from(bytes.clone())));
        }
        let mut outcome = PutOutcome::default();
        let mut failure = None;
        for result in futures_util::future::join_all(calls).await {
            match result {
                Ok((key, true)) => outcome.created.push(key),
                Ok((key, false)) => outcome.existing.push(key),
                Err(e) => failure = Some(e),
            }
        }
        match failure {
            None => Ok(outcome),
            Some(e) => Err((e, outcome)),
        }
    }

    /// Puts one object if absent; whether this call created it.
    pub(crate) async fn put_one(
        &self,
        key: Key,
        payload: PutPayload,
    ) -> Result<(Key, bool), StoreError> {
        let objects = self.objects.clone();
        self.run(async move {
            let opts = PutOptions::from(PutMode::Create);
            match objects.put_opts(&key, payload, opts).await {
                Ok(_) => Ok((key, true)),
                Err(object_store::Error::AlreadyExists { .. }) => Ok((key, false)),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// The bytes of one variant of a stored image.
    pub async fn get(&self, sha: &str, variant: Variant, ext: &str) -> Result<Vec<u8>, StoreError> {
        let key = FileStore::key(sha, variant, ext)
            .ok_or_else(|| StoreError::NotFound(format!("{sha} (not a content hash)")))?;
        let objects = self.objects.clone();
        self.run(async move {
            let bytes = objects.get(&key).await?.bytes().await?;
            Ok(Vec::from(bytes))
        })
        .await
    }

    /// Whether an object is there.
    pub async fn exists(&self, key: &Key) -> Result<bool, StoreError> {
        let objects = self.objects.clone();
        let key = key.clone();
        self.run(async move {
            match objects.head(&key).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// The metadata of an object (`None`: not there).
    pub(crate) async fn head(&self, key: &Key) -> Result<Option<ObjectMeta>, StoreError> {
        let objects = self.objects.clone();
        let key = key.clone();
        self.run(async move {
            match objects.head(&key).await {
                Ok(meta) => Ok(Some(meta)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Removes an object; one already gone is no error.
    pub async fn delete(&self, key: &Key) -> Result<(), StoreError> {
        let objects = self.objects.clone();
        let key = key.clone();
        self.run(async move {
            match objects.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Every object in the store.
    pub async fn list(&self) -> Result<Vec<ObjectMeta>, StoreError> {
        let objects = self.objects.clone();
        self.run(async move { Ok(objects.list(None).try_collect::<Vec<_>>().await?) })
            .await
    }

    /// A cheap request that succeeds only when the store answers (for `/readyz`): the head
    /// of a key that is never written, "not found" being the healthy answer; a local store's
    /// folder must exist (a missing folder reads as "not found" too).
    pub async fn probe(&self) -> Result<(), String> {
        if let StorageUrl::File(dir) = self.url() {
            if !dir.is_dir() {
                return Err(format!("{} is not a folder", dir.display()));
            }
        }
        self.head(&Key::from("probe/readiness"))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The content hash a stored key is named after (`ab/<sha>.<ext>`, `ab/<sha>.display.<ext>`,
/// `ab/<sha>.thumb.<ext>`, the folder being the hash's first two digits).
pub fn hash_of(key: &Key) -> Option<String> {
    let mut parts = key.parts();
    let dir = parts.next()?;
    let name = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let (sha, _) = name.as_ref().split_once('.')?;
    let valid = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
    (valid && sha.starts_with(dir.as_ref())).then(|| sha.to_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn image(sha_seed: u8) -> DesignImage {
        DesignImage {
            sha256: hex::encode([sha_seed; 32]),
            format: super::super::images::DesignFormat::Png,
            width: 1,
            height: 1,
            original: vec![1, 2, 3],
            display: vec![4, 5],
            thumb: vec![6],
        }
    }

    #[tokio::test]
    async fn put_is_put_if_absent_and_reads_back() {
        let store = FileStore::memory().unwrap();
        let img = image(7);
        let first = store.put(&img).await.unwrap();
        assert_eq!(first.created.len(), 3);
        assert!(first.existing.is_empty());
        let second = store.put(&img).await.unwrap();
        assert!(second.created.is_empty());
        assert_eq!(second.existing, first.created);
        let sha = &img.sha256;
        assert_eq!(
            store.get(sha, Variant::Original, "png").await.unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(
            store.get(sha, Variant::Thumb, "png").await.unwrap(),
            vec![6]
        );
        assert_eq!(
            first.created[1].as_ref(),
            format!("07/{sha}.display.png").as_str()
        );
        assert!(matches!(
            store.get(&"ab".repeat(32), Variant::Display, "png").await,
            Err(StoreError::NotFound(_))
        ));
        store.probe().await.unwrap();
    }

    #[tokio::test]
    async fn a_local_store_keeps_the_old_layout() {
        let dir = tempfile::tempdir().unwrap();
        let config = StorageConfig::default();
        let store = FileStore::open(&config, dir.path()).unwrap();
        let img = image(9);
        store.put(&img).await.unwrap();
        let path = dir
            .path()
            .join("files")
            .join("09")
            .join(format!("{}.png", img.sha256));
        assert_eq!(std::fs::read(path).unwrap(), vec![1, 2, 3]);
        let sha = &img.sha256;
        assert_eq!(
            store.get(sha, Variant::Display, "png").await.unwrap(),
            vec![4, 5]
        );
    }

    #[tokio::test]
    async fn an_unreachable_s3_endpoint_is_unavailable_not_missing() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let config = StorageConfig {
            url: Some(StorageUrl::S3 {
                bucket: "b".into(),
                prefix: "p".into(),
            }),
            s3_endpoint: Some(format!("http://127.0.0.1:{port}")),
            s3_region: Some("us-east-1".into()),
            s3_path_style: true,
            s3_access_key_id: Some("test".into()),
            s3_secret_access_key: Some("test".into()),
        };
        let store = FileStore::open(&config, Path::new("/nonexistent")).unwrap();
        let sha = "ab".repeat(32);
        assert!(matches!(
            store.get(&sha, Variant::Display, "png").await,
            Err(StoreError::Unavailable(_))
        ));
        assert!(store.probe().await.is_err());
        let (e, outcome) = store.put(&image(1)).await.unwrap_err();
        assert!(matches!(e, StoreError::Unavailable(_)), "{e}");
        assert!(outcome.created.is_empty());
    }
}
