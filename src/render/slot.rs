//! Which font of the shipped set a glyph comes from.

/// Which font of the set a glyph comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontSlot {
    Mongolian,
    Chinese,
}
