//! Design images: checked by content (I1), limited (I2), decoded once under the image crate's
//! limits and a shared memory budget, re-encoded without metadata for display, thumbnailed,
//! and kept by content hash in an object store ([`store`]): a local directory (the default,
//! `data_dir/files`), an S3-compatible bucket, or memory (tests). Objects are written only if
//! absent, so none is ever half-written and two replicas storing one image agree.
//!
//! A request removes only objects it created itself for rows that were then not written, and
//! only when no row references their hash; otherwise only the sweeper ([`sweep`]) removes
//! objects, once no row references them and they are old enough that no request can still be
//! about to reference them.

pub mod backend;
pub mod budget;
pub mod check;
pub mod cleanup;
pub mod images;
pub mod jpeg;
pub mod store;
pub mod sweep;

pub use backend::{StorageConfig, StorageUrl};
pub use budget::{BudgetError, DecodeBudget, DecodePermit};
pub use check::CheckReport;
pub use images::{DesignImage, ImageError, MAX_FILES, MAX_FILE_BYTES, MAX_PIXELS};
pub use store::{FileStore, PutOutcome, StoreError, Variant, WriteHold};
pub use sweep::{SweepReport, MIN_ORPHAN_AGE};
