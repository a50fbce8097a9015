//! A bounded in-memory cache of preview PNGs, keyed by the spec, the picture width and the
//! font version, so an identical preview request is served without drawing it again.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::error::RenderError;
use super::fonts::Fonts;
use crate::spec::SignSpec;

type Key = [u8; 32];

#[derive(Default)]
struct Lru {
    /// key → (png, last use)
    entries: HashMap<Key, (Arc<Vec<u8>>, u64)>,
    /// last use → key, oldest first
    order: BTreeMap<u64, Key>,
    clock: u64,
}

impl Lru {
    fn touch(&mut self, key: &Key) -> Option<Arc<Vec<u8>>> {
        self.clock += 1;
        let now = self.clock;
        let (png, used) = self.entries.get_mut(key)?;
        self.order.remove(used);
        *used = now;
        self.order.insert(now, *key);
        Some(Arc::clone(png))
    }

    fn insert(&mut self, key: Key, png: Arc<Vec<u8>>, capacity: usize) {
        if self.touch(&key).is_some() {
            return;
        }
        while self.entries.len() >= capacity {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.clock += 1;
        self.order.insert(self.clock, key);
        self.entries.insert(key, (png, self.clock));
    }
}

/// Least-recently-used cache of rendered previews; share it across threads (it locks inside).
pub struct PreviewCache {
    capacity: usize,
    inner: Mutex<Lru>,
    hits: AtomicU64,
    renders: AtomicU64,
}

/// How many previews were answered from the cache and how many were drawn, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PreviewCacheStats {
    pub hits: u64,
    pub renders: u64,
}

impl std::fmt::Debug for PreviewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl PreviewCache {
    /// A cache holding at most `capacity` pictures (0 disables caching).
    pub fn new(capacity: usize) -> PreviewCache {
        PreviewCache {
            capacity,
            inner: Mutex::new(Lru::default()),
            hits: AtomicU64::new(0),
            renders: AtomicU64::new(0),
        }
    }

    pub fn stats(&self) -> PreviewCacheStats {
        PreviewCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            renders: self.renders.load(Ordering::Relaxed),
        }
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cache key: sha256 over the spec's JSON, the picture width and the font version.
    pub fn key(spec: &SignSpec, long_side_px: u32, font_version: &str) -> Result<Key, RenderError> {
        let json = serde_json::to_vec(spec)?;
        let mut h = Sha256::new();
        h.update((json.len() as u64).to_le_bytes());
        h.update(&json);
        h.update(long_side_px.to_le_bytes());
        h.update(font_version.as_bytes());
        Ok(h.finalize().into())
    }

    /// The preview PNG of `spec` (composing a layout when it has none), from the cache when an
    /// identical request was drawn before. Drawing happens outside the lock.
    pub fn get_or_render(
        &self,
        spec: &SignSpec,
        fonts: &Fonts,
        long_side_px: u32,
    ) -> Result<Arc<Vec<u8>>, RenderError> {
        let key = Self::key(spec, long_side_px, fonts.version_tag())?;
        if self.capacity > 0 {
            let hit = self
                .inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .touch(&key);
            if let Some(png) = hit {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(png);
            }
        }
        let png = Arc::new(super::preview_png(spec, fonts, long_side_px)?);
        self.renders.fetch_add(1, Ordering::Relaxed);
        if self.capacity > 0 {
            self.inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, Arc::clone(&png), self.capacity);
        }
        Ok(png)
    }
}
