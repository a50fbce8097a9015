//! The sign preview renderer. It owns the shipped fonts (loading and verifying them), shaping
//! (harfrust: traditional Mongolian with its FVS/MVS/NNBSP controls, Chinese, foreign text),
//! the measures of docs/rules.md that the checker takes from here (line lengths, `.notdef`), the
//! layout composer for specs without a layout, rasterizing with ab_glyph (through a bounded
//! glyph coverage cache) into a PNG, and a bounded preview cache.
//!
//! Pure: no database, no HTTP. Nothing here panics on any input; bad numbers give an error.

mod breaks;
mod cache;
mod canvas;
mod compose;
mod encode;
mod error;
mod fonts;
mod glyphs;
mod natural;
mod raster;
mod slot;

use std::borrow::Cow;

pub use cache::{PreviewCache, PreviewCacheStats};
pub use compose::{compose, MAX_COMPOSED_LINES};
pub use error::RenderError;
pub use fonts::{
    FontError, FontSlot, Fonts, PlacedGlyph, ShapedGlyph, ShapedLine, ShapingFont, CHINESE_FILE,
    CHINESE_SHA256, MONGOLIAN_FILE, MONGOLIAN_SHA256,
};
pub use glyphs::{GlyphCache, GlyphCacheStats, DEFAULT_GLYPH_CACHE_MB};
pub use raster::{picture_size, render_png, LINE_PITCH_EM, MAX_LONG_SIDE_PX};

use crate::spec::{Layout, SignSpec};

/// Default long side of a preview, in pixels.
pub const DEFAULT_LONG_SIDE_PX: u32 = 1200;

/// The layout a preview draws: the spec's own, or a composed one when it has none.
pub fn layout_of<'a>(spec: &'a SignSpec, fonts: &Fonts) -> Cow<'a, Layout> {
    match &spec.layout {
        Some(layout) => Cow::Borrowed(layout),
        None => Cow::Owned(compose(spec, fonts)),
    }
}

/// Draws the preview of a spec (composing its layout when it has none) as PNG bytes.
pub fn preview_png(
    spec: &SignSpec,
    fonts: &Fonts,
    long_side_px: u32,
) -> Result<Vec<u8>, RenderError> {
    let layout = layout_of(spec, fonts);
    render_png(spec, &layout, fonts, long_side_px)
}
