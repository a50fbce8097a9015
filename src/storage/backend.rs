//! Where the stored objects live: the storage URL, the `object_store` backend built from it,
//! and the runtime its client runs on.

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `file://PATH`, `s3://BUCKET/PREFIX` or `memory://` (tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    /// A directory; relative paths are allowed (`file://./data/files`).
    File(PathBuf),
    /// A bucket and a key prefix (empty: the bucket's root).
    S3 { bucket: String, prefix: String },
    /// Kept in memory, lost at exit: tests only.
    Memory,
}

impl StorageUrl {
    pub fn parse(url: &str) -> Result<StorageUrl, String> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("file://") {
            if path.is_empty() {
                return Err("SIGNBOARD_STORAGE_URL: file:// needs a directory".into());
            }
            return Ok(StorageUrl::File(PathBuf::from(path)));
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(
                    "SIGNBOARD_STORAGE_URL: s3:// needs a bucket (s3://BUCKET/PREFIX)".into(),
                );
            }
            return Ok(StorageUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
            });
        }
        if url == "memory://" {
            return Ok(StorageUrl::Memory);
        }
        Err(format!(
            "SIGNBOARD_STORAGE_URL {url:?}: expected file://DIR or s3://BUCKET/PREFIX"
        ))
    }
}

impl std::fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageUrl::File(dir) => write!(f, "file://{}", dir.display()),
            StorageUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            StorageUrl::Memory => f.write_str("memory://"),
        }
    }
}

/// The storage settings: the URL and, for S3, the endpoint and addressing. Access keys come
/// from the standard AWS variables unless set here.
#[derive(Clone, Default)]
pub struct StorageConfig {
    pub url: Option<StorageUrl>,
    /// e.g. `http://127.0.0.1:9000`; plain HTTP is allowed when the endpoint says so.
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    /// Path-style addressing (`ENDPOINT/BUCKET/KEY`), as MinIO and moto expect.
    pub s3_path_style: bool,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
}

impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageConfig")
            .field("url", &self.url)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_region", &self.s3_region)
            .field("s3_path_style", &self.s3_path_style)
            .finish_non_exhaustive()
    }
}

impl StorageConfig {
    /// The URL in effect: the configured one, else `data_dir/files`.
    pub fn url_or(&self, data_dir: &std::path::Path) -> StorageUrl {
        self.url
            .clone()
            .unwrap_or_else(|| StorageUrl::File(data_dir.join("files")))
    }
}

/// Few, quick retries: a request waits for an unreachable store seconds, not minutes.
fn client_options() -> (ClientOptions, RetryConfig) {
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(3))
        .with_timeout(Duration::from_secs(30));
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(10),
    };
    (options, retry)
}

/// The backend of a URL; a file store's directory is created.
pub(crate) fn build(
    config: &StorageConfig,
    url: &StorageUrl,
) -> Result<Arc<dyn ObjectStore>, String> {
    match url {
        StorageUrl::File(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let local = LocalFileSystem::new_with_prefix(dir)
                .map_err(|e| format!("cannot open {}: {e}", dir.display()))?
                .with_fsync(true);
            Ok(Arc::new(local))
        }
        StorageUrl::S3 { bucket, prefix } => {
            let s3 = s3_builder(config, bucket)
                .build()
                .map_err(|e| format!("S3 bucket {bucket}: {e}"))?;
            if prefix.is_empty() {
                Ok(Arc::new(s3))
            } else {
                Ok(Arc::new(PrefixStore::new(s3, prefix.as_str())))
            }
        }
        StorageUrl::Memory => Ok(Arc::new(InMemory::new())),
    }
}

/// `from_env` (the AWS variables), then the signboard settings on top.
pub(crate) fn s3_builder(config: &StorageConfig, bucket: &str) -> AmazonS3Builder {
    let (options, retry) = client_options();
    let mut b = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_client_options(options)
        .with_retry(retry)
        .with_virtual_hosted_style_request(!config.s3_path_style);
    if let Some(endpoint) = &config.s3_endpoint {
        b = b
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let Some(region) = &config.s3_region {
        b = b.with_region(region);
    }
    if let Some(key) = &config.s3_access_key_id {
        b = b.with_access_key_id(key);
    }
    if let Some(secret) = &config.s3_secret_access_key {
        b = b.with_secret_access_key(secret);
    }
    b
}

/// A current-thread runtime on a thread of its own, running every storage call, so the
/// client's connections live on one runtime whichever thread (an HTTP worker, the sweeper,
/// a command) asks. It stops when the last handle is dropped.
pub(crate) struct IoRuntime {
    pub(crate) handle: tokio::runtime::Handle,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl IoRuntime {
    pub(crate) fn start() -> Result<IoRuntime, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the storage runtime: {e}"))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("storage-io".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(|e| format!("cannot start the storage thread: {e}"))?;
        Ok(IoRuntime {
            handle,
            _stop: stop,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        assert_eq!(
            StorageUrl::parse("file://./data/files"),
            Ok(StorageUrl::File(PathBuf::from("./data/files")))
        );
        assert_eq!(
            StorageUrl::parse("s3://signs/region/a/"),
            Ok(StorageUrl::S3 {
                bucket: "signs".into(),
                prefix: "region/a".into()
            })
        );
        assert_eq!(
            StorageUrl::parse("s3://signs"),
            Ok(StorageUrl::S3 {
                bucket: "signs".into(),
                prefix: String::new()
            })
        );
        assert!(StorageUrl::parse("s3:///x").is_err());
        assert!(StorageUrl::parse("ftp://x").is_err());
        assert!(StorageUrl::parse("file://").is_err());
    }
}
