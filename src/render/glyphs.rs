//! The glyph coverage cache: a glyph rasterized once at a (quantised) pixel size, sub-pixel
//! offset and quarter turn is kept as 8-bit coverage and blended again from memory. A sign
//! draws few distinct glyphs, and a merchant editing a form re-renders the same ones, so the
//! outline walk and the rasterizer run once per glyph instead of once per glyph per picture.
//!
//! Shared by every worker (one lock, held only for the lookup), bounded in bytes with
//! least-recently-used eviction. The glyph is drawn at the quantised size and offset, so equal
//! keys always give equal pixels (on a miss too). Re-drawing a picture (another background,
//! another format, the certificate) finds all its glyphs here.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ab_glyph::{point, Font as _, FontVec, Glyph, GlyphId, PxScale};

use super::slot::FontSlot;

/// Pixel sizes (ab_glyph's `PxScale`) are quantised to 1/`SIZE_STEPS` px.
pub const SIZE_STEPS: f32 = 256.0;

/// Sub-pixel offsets are quantised to 1/`SUBPIXEL_STEPS` px. Moving an edge by δ px changes
/// its pixels' coverage by up to δ, so the grid must be fine for the pictures to stay within
/// 2/255 of exact drawing: at 1/4 px the fixtures of tests/render_fixtures.rs differed by up
/// to 64/255 (red against white), at 1/64 px by up to 5/255; at 1/1024 px (and sizes at
/// 1/256 px) they stay within 1/255.
pub const SUBPIXEL_STEPS: f32 = 1024.0;

/// Bookkeeping bytes counted per entry on top of its coverage (key, map slots, `Arc`).
const ENTRY_OVERHEAD: usize = 96;

/// The default bound (`SIGNBOARD_GLYPH_CACHE_MB`).
pub const DEFAULT_GLYPH_CACHE_MB: usize = 32;

/// How a glyph's pixels are turned onto the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Turn {
    Upright,
    /// A quarter turn clockwise: local pixel (u, v) is canvas pixel (−v − 1, u).
    Quarter,
}

/// What identifies one coverage bitmap: font, glyph, quantised size and offset, turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    font: FontSlot,
    glyph: u16,
    scale: (u32, u32),
    subpixel: (u16, u16),
    turn: Turn,
}

/// A glyph's coverage in canvas orientation: `alpha` holds `w × h` blend weights (0..=255),
/// row by row; its top-left pixel is `(dx, dy)` from the glyph's anchor pixel.
#[derive(Debug)]
pub(crate) struct Coverage {
    pub dx: i64,
    pub dy: i64,
    pub w: usize,
    pub h: usize,
    pub alpha: Vec<u8>,
}

impl Coverage {
    fn bytes(&self) -> usize {
        self.alpha.len() + ENTRY_OVERHEAD
    }
}

/// A glyph to draw: its pixel scale and pen position in its own (unturned) frame.
pub(crate) struct GlyphRequest<'a> {
    pub font: &'a FontVec,
    pub slot: FontSlot,
    pub glyph: u16,
    pub scale: (f32, f32),
    pub position: (f64, f64),
    pub turn: Turn,
    /// Larger bounding boxes (in pixels) are refused: the rasterizer allocates all of it.
    pub max_area: f64,
}

/// A glyph ready to blend: its coverage and the canvas pixel of its top-left corner.
pub(crate) struct Placed {
    pub coverage: Arc<Coverage>,
    pub x: i64,
    pub y: i64,
}

/// Hit and miss counts and the current size, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlyphCacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub bytes: usize,
    pub limit_bytes: usize,
    pub evictions: u64,
}

#[derive(Default)]
struct Lru {
    /// key → (coverage, last use)
    entries: HashMap<GlyphKey, (Arc<Coverage>, u64)>,
    /// last use → key, oldest first
    order: BTreeMap<u64, GlyphKey>,
    clock: u64,
    bytes: usize,
    evictions: u64,
}

impl Lru {
    fn touch(&mut self, key: &GlyphKey) -> Option<Arc<Coverage>> {
        let (coverage, used) = self.entries.get_mut(key)?;
        self.clock += 1;
        self.order.remove(used);
        *used = self.clock;
        self.order.insert(self.clock, *key);
        Some(Arc::clone(coverage))
    }

    /// Keeps `coverage` unless an equal entry arrived meanwhile (returned instead), evicting
    /// the least recently used entries to stay within `limit` bytes.
    fn insert(&mut self, key: GlyphKey, coverage: Arc<Coverage>, limit: usize) -> Arc<Coverage> {
        if let Some(existing) = self.touch(&key) {
            return existing;
        }
        let size = coverage.bytes();
        if size > limit {
            return coverage;
        }
        while self.bytes + size > limit {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.bytes -= old.bytes();
                self.evictions += 1;
            }
        }
        self.clock += 1;
        self.order.insert(self.clock, key);
        self.entries
            .insert(key, (Arc::clone(&coverage), self.clock));
        self.bytes += size;
        coverage
    }
}

/// Coverage of rasterized glyphs, shared by all renders of one font set.
pub struct GlyphCache {
    limit_bytes: usize,
    inner: Mutex<Lru>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl std::fmt::Debug for GlyphCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlyphCache")
            .field("stats", &self.stats())
            .finish()
    }
}

impl Default for GlyphCache {
    fn default() -> GlyphCache {
        GlyphCache::with_megabytes(DEFAULT_GLYPH_CACHE_MB)
    }
}

/// Splits a coordinate into its whole pixel and its quantised fraction (0..steps).
fn split(v: f64, steps: f32) -> (i64, u16) {
    let whole = v.floor();
    let steps = f64::from(steps);
    let q = ((v - whole) * steps).round();
    if q >= steps {
        (whole as i64 + 1, 0)
    } else {
        (whole as i64, q as u16)
    }
}

fn quantise_scale(s: f32) -> u32 {
    (s * SIZE_STEPS).round() as u32
}

impl GlyphCache {
    /// A cache holding at most `limit_bytes` of coverage; 0 disables it, and every glyph is
    /// then rasterized at its exact size and position (the renderer before the cache).
    pub fn new(limit_bytes: usize) -> GlyphCache {
        GlyphCache {
            limit_bytes,
            inner: Mutex::new(Lru::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn with_megabytes(mb: usize) -> GlyphCache {
        GlyphCache::new(mb.saturating_mul(1024 * 1024))
    }

    /// A cache that keeps nothing.
    pub fn disabled() -> GlyphCache {
        GlyphCache::new(0)
    }

    fn enabled(&self) -> bool {
        self.limit_bytes > 0
    }

    pub fn stats(&self) -> GlyphCacheStats {
        let lru = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        GlyphCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: lru.entries.len(),
            bytes: lru.bytes,
            limit_bytes: self.limit_bytes,
            evictions: lru.evictions,
        }
    }

    /// The glyph's coverage and where it lands on the canvas (empty for a glyph without an
    /// outline); `None` for an absurd bounding box.
    pub(crate) fn place(&self, req: &GlyphRequest<'_>) -> Option<Placed> {
        let (coverage, anchor) = if self.enabled() {
            let (ix, qx) = split(req.position.0, SUBPIXEL_STEPS);
            let (iy, qy) = split(req.position.1, SUBPIXEL_STEPS);
            let key = GlyphKey {
                font: req.slot,
                glyph: req.glyph,
                scale: (quantise_scale(req.scale.0), quantise_scale(req.scale.1)),
                subpixel: (qx, qy),
                turn: req.turn,
            };
            (self.lookup(key, req)?, (ix, iy))
        } else {
            // Exact: the fraction as given, the size unrounded.
            let (ix, iy) = (req.position.0.floor(), req.position.1.floor());
            let fraction = (req.position.0 - ix, req.position.1 - iy);
            let coverage = rasterize(req, req.scale, fraction)?;
            (Arc::new(coverage), (ix as i64, iy as i64))
        };
        let (ax, ay) = match req.turn {
            Turn::Upright => anchor,
            Turn::Quarter => (-anchor.1, anchor.0),
        };
        Some(Placed {
            x: ax + coverage.dx,
            y: ay + coverage.dy,
            coverage,
        })
    }

    fn lookup(&self, key: GlyphKey, req: &GlyphRequest<'_>) -> Option<Arc<Coverage>> {
        let hit = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .touch(&key);
        if let Some(coverage) = hit {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Some(coverage);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let scale = (
            key.scale.0 as f32 / SIZE_STEPS,
            key.scale.1 as f32 / SIZE_STEPS,
        );
        let fraction = (
            f64::from(key.subpixel.0) / f64::from(SUBPIXEL_STEPS),
            f64::from(key.subpixel.1) / f64::from(SUBPIXEL_STEPS),
        );
        // Rasterized outside the lock; two workers missing the same glyph draw the same
        // coverage, and the first one stored is kept.
        let coverage = Arc::new(rasterize(req, scale, fraction)?);
        Some(
            self.inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key, coverage, self.limit_bytes),
        )
    }
}

/// Rasterizes a glyph with ab_glyph at `scale`, its pen at `fraction` of a pixel from the
/// anchor pixel's corner, turned as requested; `None` for a bounding box over `max_area`
/// (not kept: another canvas may allow it).
fn rasterize(req: &GlyphRequest<'_>, scale: (f32, f32), fraction: (f64, f64)) -> Option<Coverage> {
    let glyph = Glyph {
        id: GlyphId(req.glyph),
        scale: PxScale {
            x: scale.0,
            y: scale.1,
        },
        position: point(fraction.0 as f32, fraction.1 as f32),
    };
    let Some(outline) = req.font.outline_glyph(glyph) else {
        // A space: nothing to draw, and nothing to look up again.
        return Some(Coverage {
            dx: 0,
            dy: 0,
            w: 0,
            h: 0,
            alpha: Vec::new(),
        });
    };
    let bb = outline.px_bounds();
    let area = f64::from(bb.width()) * f64::from(bb.height());
    if !(area >= 0.0 && area <= req.max_area) {
        return None;
    }
    let (w, h) = (bb.width() as usize, bb.height() as usize);
    let mut alpha = vec![0u8; w * h];
    outline.draw(|x, y, c| {
        // Coverage in 0..=255; integer mixing keeps full-coverage pixels exactly the colour.
        if let Some(a) = alpha.get_mut(y as usize * w + x as usize) {
            *a = (c.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    });
    let (left, top) = (bb.min.x as i64, bb.min.y as i64);
    Some(match req.turn {
        Turn::Upright => Coverage {
            dx: left,
            dy: top,
            w,
            h,
            alpha,
        },
        Turn::Quarter => quarter_turn(left, top, w, h, &alpha),
    })
}

/// Turns local coverage (`w × h` at local offset `(left, top)`) a quarter clockwise: local
/// pixel (u, v) lands on canvas pixel (−v − 1, u).
fn quarter_turn(left: i64, top: i64, w: usize, h: usize, local: &[u8]) -> Coverage {
    let (cw, ch) = (h, w);
    let mut alpha = vec![0u8; cw * ch];
    for (gy, row) in local.chunks_exact(w.max(1)).enumerate() {
        let cx = h - 1 - gy;
        for (gx, &a) in row.iter().enumerate() {
            alpha[gx * cw + cx] = a;
        }
    }
    Coverage {
        dx: -top - h as i64,
        dy: left,
        w: cw,
        h: ch,
        alpha,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(bytes: usize) -> Arc<Coverage> {
        Arc::new(Coverage {
            dx: 0,
            dy: 0,
            w: bytes,
            h: 1,
            alpha: vec![1; bytes],
        })
    }

    fn key(glyph: u16) -> GlyphKey {
        GlyphKey {
            font: FontSlot::Chinese,
            glyph,
            scale: (64, 64),
            subpixel: (0, 0),
            turn: Turn::Upright,
        }
    }

    #[test]
    fn a_full_cache_evicts_the_least_recently_used_and_stays_within_its_bound() {
        let entry = 1000 + ENTRY_OVERHEAD;
        let limit = 3 * entry + entry / 2;
        let mut lru = Lru::default();
        for g in 0..3 {
            lru.insert(key(g), coverage(1000), limit);
        }
        assert_eq!(lru.bytes, 3 * entry);
        // Using glyph 0 makes glyph 1 the oldest.
        assert!(lru.touch(&key(0)).is_some());
        lru.insert(key(3), coverage(1000), limit);
        assert!(lru.bytes <= limit);
        assert_eq!(lru.entries.len(), 3);
        assert!(lru.touch(&key(1)).is_none(), "the oldest entry stayed");
        assert!(lru.touch(&key(0)).is_some());
        assert_eq!(lru.evictions, 1);
        for g in 10..100 {
            lru.insert(key(g), coverage(500 + usize::from(g) * 7), limit);
            assert!(lru.bytes <= limit, "{} bytes over {limit}", lru.bytes);
            assert_eq!(
                lru.bytes,
                lru.entries.values().map(|(c, _)| c.bytes()).sum::<usize>()
            );
            assert_eq!(lru.order.len(), lru.entries.len());
        }
        // Larger than the whole bound: drawn but never kept.
        lru.insert(key(500), coverage(limit), limit);
        assert!(lru.touch(&key(500)).is_none());
        assert!(lru.bytes <= limit);
    }

    #[test]
    fn an_entry_that_arrived_first_is_kept() {
        let mut lru = Lru::default();
        let first = lru.insert(key(1), coverage(10), 10_000);
        let second = lru.insert(key(1), coverage(10), 10_000);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(lru.entries.len(), 1);
    }

    #[test]
    fn fractions_round_to_the_grid_and_carry_into_the_pixel() {
        assert_eq!(split(10.0, 4.0), (10, 0));
        assert_eq!(split(10.3, 4.0), (10, 1));
        assert_eq!(split(10.9, 4.0), (11, 0));
        assert_eq!(split(-0.2, 4.0), (-1, 3));
        assert_eq!(split(-0.1, 4.0), (0, 0));
    }

    #[test]
    fn a_quarter_turn_maps_local_pixels_to_canvas_pixels() {
        // Local 3 × 2 at local offset (5, −4): pixel (u, v) = (5 + gx, −4 + gy).
        let local = [1, 2, 3, 4, 5, 6];
        let c = quarter_turn(5, -4, 3, 2, &local);
        assert_eq!((c.w, c.h), (2, 3));
        for gy in 0..2i64 {
            for gx in 0..3i64 {
                let (u, v) = (5 + gx, -4 + gy);
                let (x, y) = (-v - 1, u);
                let (cx, cy) = (x - c.dx, y - c.dy);
                assert!(cx >= 0 && cy >= 0, "({x}, {y}) outside");
                let a = c.alpha[(cy as usize) * c.w + cx as usize];
                assert_eq!(a, local[(gy * 3 + gx) as usize]);
            }
        }
    }
}
