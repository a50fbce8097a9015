//! Why a preview could not be drawn: one error type for every step of the renderer.

/// Why a preview could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("sign size must be positive and finite, got {width_mm} × {height_mm} mm")]
    InvalidSign { width_mm: f64, height_mm: f64 },
    #[error("layout block {index} has a non-finite {field}")]
    NonFinite { index: usize, field: &'static str },
    #[error("layout block {index}: font size {font_size_mm} mm is {em_px:.0} px on this picture, more than {max} px")]
    FontTooLarge {
        index: usize,
        font_size_mm: f64,
        em_px: f64,
        max: f64,
    },
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] ::png::EncodingError),
    #[error("spec cannot be serialized for the cache key: {0}")]
    CacheKey(#[from] serde_json::Error),
}
