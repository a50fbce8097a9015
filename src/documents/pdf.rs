//! Drawing on a PDF page with krilla: text shaped by the renderer's harfrust shaping (the same
//! glyphs the preview draws; Chinese horizontal, Mongolian rotated into columns running left
//! to right, tops to the right), wrapped paragraphs, rules, a raster image and a QR code. The
//! fonts are embedded and subset by krilla; every glyph carries its text, so the PDF's text can
//! be selected and extracted.

use std::ops::Range;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::render::{FontSlot, Fonts, PlacedGlyph, CHINESE_FILE, MONGOLIAN_FILE};
use crate::spec::{Orientation, Script};

/// A4 portrait, in points.
pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
/// Left and right margin.
pub const MARGIN: f32 = 64.0;

/// Mongolian ink above the baseline and below it (em), as the preview centres a column.
const MN_BASELINE_FROM_LEFT: f32 = 0.132;

/// The shipped fonts as krilla embeds them, beside the renderer's shaping fonts.
pub struct PdfFonts {
    pub shaping: Arc<Fonts>,
    mongolian: Font,
    chinese: Font,
}

impl std::fmt::Debug for PdfFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFonts").finish_non_exhaustive()
    }
}

impl PdfFonts {
    /// Reads the two font files of `dir` (the renderer verified them already).
    pub fn load(dir: &std::path::Path, shaping: Arc<Fonts>) -> Result<PdfFonts, String> {
        let read = |name: &str| -> Result<Font, String> {
            let bytes = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
            Font::new(bytes.into(), 0).ok_or_else(|| format!("{name}: not a font krilla reads"))
        };
        Ok(PdfFonts {
            shaping,
            mongolian: read(MONGOLIAN_FILE)?,
            chinese: read(CHINESE_FILE)?,
        })
    }

    fn font(&self, slot: FontSlot) -> Font {
        match slot {
            FontSlot::Mongolian => self.mongolian.clone(),
            FontSlot::Chinese => self.chinese.clone(),
        }
    }
}

pub fn black() -> Fill {
    Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        ..Fill::default()
    }
}

pub fn grey() -> Fill {
    Fill {
        paint: rgb::Color::new(90, 90, 90).into(),
        ..Fill::default()
    }
}

/// The byte range of each glyph's cluster in `text`: from its cluster to the next larger
/// cluster of the run (or the run's end).
fn cluster_ranges(glyphs: &[PlacedGlyph], run_end: usize) -> Vec<Range<usize>> {
    glyphs
        .iter()
        .map(|g| {
            let end = glyphs
                .iter()
                .map(|o| o.cluster)
                .filter(|&c| c > g.cluster)
                .min()
                .unwrap_or(run_end);
            g.cluster..end.max(g.cluster)
        })
        .collect()
}

/// Draws shaped glyphs of one line from `(x, baseline)` along +x in the current transform,
/// one krilla call per run of the same font.
fn draw_glyph_runs(
    surface: &mut Surface,
    fonts: &PdfFonts,
    text: &str,
    glyphs: &[PlacedGlyph],
    size: f32,
    origin: Point,
) {
    let mut start = 0;
    while start < glyphs.len() {
        let slot = glyphs[start].font;
        let end = glyphs[start..]
            .iter()
            .position(|g| g.font != slot)
            .map_or(glyphs.len(), |p| start + p);
        let run = &glyphs[start..end];
        let run_end = glyphs.get(end).map_or(text.len(), |g| g.cluster);
        let ranges = cluster_ranges(run, run_end);
        let pen0 = run[0].pen_em as f32;
        let krilla_glyphs: Vec<KrillaGlyph> = run
            .iter()
            .zip(ranges)
            .map(|(g, range)| {
                KrillaGlyph::new(
                    GlyphId::new(g.glyph_id),
                    g.advance_em as f32,
                    g.dx_em as f32,
                    -(g.dy_em as f32),
                    0.0,
                    range,
                    None,
                )
            })
            .collect();
        let at = Point::from_xy(origin.x + pen0 * size, origin.y);
        surface.draw_glyphs(at, &krilla_glyphs, fonts.font(slot), text, size, false);
        start = end;
    }
}

/// Length of a line of `script` text at `size`, in points.
pub fn text_width(fonts: &PdfFonts, script: Script, text: &str, size: f32) -> f32 {
    let line = fonts
        .shaping
        .shape_line(script, text, Orientation::Horizontal);
    line.length_em as f32 * size
}

/// One horizontal line of text with its baseline at `(x, y)`.
pub fn text(
    surface: &mut Surface,
    fonts: &PdfFonts,
    script: Script,
    s: &str,
    size: f32,
    x: f32,
    y: f32,
) {
    let line = fonts.shaping.shape_line(script, s, Orientation::Horizontal);
    surface.set_fill(Some(black()));
    draw_glyph_runs(surface, fonts, s, &line.glyphs, size, Point::from_xy(x, y));
}

/// A line centred on `cx`.
pub fn centred(surface: &mut Surface, fonts: &PdfFonts, s: &str, size: f32, cx: f32, y: f32) {
    let w = text_width(fonts, Script::Zh, s, size);
    text(surface, fonts, Script::Zh, s, size, cx - w / 2.0, y);
}

/// Chinese text wrapped to `width` from `(x, y)` (first baseline at `y + size`); answers the
/// y below the last line. Lines break between glyph clusters (any character, as Chinese
/// allows); `\n` starts a new line.
pub fn paragraph(
    surface: &mut Surface,
    fonts: &PdfFonts,
    s: &str,
    size: f32,
    x: f32,
    mut y: f32,
    width: f32,
) -> f32 {
    let leading = size * 1.6;
    for piece in s.split('\n') {
        let line = fonts
            .shaping
            .shape_line(Script::Zh, piece, Orientation::Horizontal);
        let mut rows: Vec<(usize, usize)> = Vec::new();
        let mut first = 0;
        for (i, g) in line.glyphs.iter().enumerate() {
            let used = (g.pen_em + g.advance_em - line.glyphs[first].pen_em) as f32 * size;
            let new_cluster = i > first && g.cluster != line.glyphs[i - 1].cluster;
            if used > width && new_cluster {
                rows.push((first, i));
                first = i;
            }
        }
        rows.push((first, line.glyphs.len()));
        for (a, b) in rows {
            y += leading;
            if a == b {
                continue;
            }
            let pen0 = line.glyphs[a].pen_em as f32 * size;
            let row_text_end = line.glyphs.get(b).map_or(piece.len(), |g| g.cluster);
            let row_text = &piece[..row_text_end];
            surface.set_fill(Some(black()));
            draw_glyph_runs(
                surface,
                fonts,
                row_text,
                &line.glyphs[a..b],
                size,
                Point::from_xy(x - pen0, y),
            );
        }
    }
    y + size * 0.6
}

/// Mongolian text as columns (its `\n` lines) running left to right from `(left, top)`, the
/// letters' tops to the right, as on a vertical sign; answers the width used.
pub fn mongolian_columns(
    surface: &mut Surface,
    fonts: &PdfFonts,
    s: &str,
    size: f32,
    left: f32,
    top: f32,
) -> f32 {
    let pitch = size * crate::render::LINE_PITCH_EM as f32;
    let mut columns = 0;
    for (i, piece) in s.split('\n').enumerate() {
        let line = fonts
            .shaping
            .shape_line(Script::Mn, piece, Orientation::Vertical);
        let x = left + i as f32 * pitch + MN_BASELINE_FROM_LEFT * size;
        surface.push_transform(&Transform::from_row(0.0, 1.0, -1.0, 0.0, x, top));
        surface.set_fill(Some(black()));
        draw_glyph_runs(
            surface,
            fonts,
            piece,
            &line.glyphs,
            size,
            Point::from_xy(0.0, 0.0),
        );
        surface.pop();
        columns = i + 1;
    }
    size + (columns.max(1) as f32 - 1.0) * pitch
}

/// A thin horizontal rule.
pub fn rule(surface: &mut Surface, x0: f32, x1: f32, y: f32) {
    rect(surface, x0, y, x1 - x0, 0.8, grey());
}

pub fn rect(surface: &mut Surface, x: f32, y: f32, w: f32, h: f32, fill: Fill) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, h) {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill));
        surface.draw_path(&path);
    }
}

/// A QR code of `data` as black modules in a `side`-point square at `(x, y)`, with its quiet
/// zone (4 modules) inside the square; `None` when the data cannot be encoded.
pub fn qr(surface: &mut Surface, data: &str, x: f32, y: f32, side: f32) -> Option<()> {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    let module = side / (n + 8) as f32;
    let mut pb = PathBuilder::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (row, col) = ((i / n) as f32, (i % n) as f32);
            let r = Rect::from_xywh(
                x + (col + 4.0) * module,
                y + (row + 4.0) * module,
                module,
                module,
            )?;
            pb.push_rect(r);
        }
    }
    surface.set_fill(Some(black()));
    surface.draw_path(&pb.finish()?);
    Some(())
}

/// A PNG fitted into `(x, y, max_w, max_h)`, centred horizontally; answers the height used.
pub fn png(surface: &mut Surface, bytes: &[u8], x: f32, y: f32, max_w: f32, max_h: f32) -> f32 {
    let Ok(image) = krilla::image::Image::from_png(bytes.to_vec().into(), true) else {
        return 0.0;
    };
    let (w, h) = image.size();
    let scale = (max_w / w as f32).min(max_h / h as f32);
    let (dw, dh) = (w as f32 * scale, h as f32 * scale);
    let Some(size) = Size::from_wh(dw, dh) else {
        return 0.0;
    };
    surface.push_transform(&Transform::from_translate(x + (max_w - dw) / 2.0, y));
    surface.draw_image(image, size);
    surface.pop();
    dh
}
