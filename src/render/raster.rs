//! Drawing a layout: shaped glyphs placed at the shaper's positions (turned 90° clockwise for
//! vertical Mongolian), their coverage taken from the font set's glyph cache and blended into
//! the canvas, which encodes the PNG.

use super::canvas::Canvas;
use super::error::RenderError;
use super::fonts::{FontSlot, Fonts, ShapedLine};
use super::glyphs::{GlyphRequest, Turn};
use crate::spec::{Arrangement, Block, Color, Fit, Layout, Orientation, Script, SignSpec};

/// The largest picture drawn, on its long side.
pub const MAX_LONG_SIDE_PX: u32 = 4096;

/// A glyph bigger than this many em pixels is never useful on a picture of at most 4096 px and
/// would cost seconds to rasterize, so such a block is refused.
const MAX_EM_PX: f64 = 2.0 * MAX_LONG_SIDE_PX as f64;

/// Top and bottom of the ideographic em box relative to the baseline, in em (Noto Sans SC).
const IDEOGRAPHIC_EM_BOX: (f64, f64) = (0.88, -0.12);

/// Line pitch across lines, in em (docs/rules.md: extent across = size × (1 + 1.2 (lines − 1))).
pub const LINE_PITCH_EM: f64 = 1.2;

/// Picture size for a sign: the long side is `long_side_px` (clamped to 1..=4096).
pub fn picture_size(
    width_mm: f64,
    height_mm: f64,
    long_side_px: u32,
) -> Result<(u32, u32, f64), RenderError> {
    if !(width_mm.is_finite() && height_mm.is_finite() && width_mm > 0.0 && height_mm > 0.0) {
        return Err(RenderError::InvalidSign {
            width_mm,
            height_mm,
        });
    }
    let long = f64::from(long_side_px.clamp(1, MAX_LONG_SIDE_PX));
    let px_per_mm = long / width_mm.max(height_mm);
    let w = (width_mm * px_per_mm).round().clamp(1.0, long) as u32;
    let h = (height_mm * px_per_mm).round().clamp(1.0, long) as u32;
    Ok((w, h, px_per_mm))
}

/// How one line is laid on the canvas.
#[derive(Clone, Copy)]
enum LineFrame {
    /// Glyphs upright, the line runs right from `(x, baseline_y)`.
    Horizontal { x: f64, baseline_y: f64 },
    /// Glyphs upright, the line runs down from `top`, each glyph centred on `center_x`.
    UprightColumn { center_x: f64, top: f64 },
    /// The line is drawn as if horizontal and turned 90° clockwise: it runs down from `top`,
    /// with its baseline at `baseline_x` and the glyphs' tops pointing right.
    Rotated { baseline_x: f64, top: f64 },
}

/// The pixel size of a block's em and the stretch along its lines.
struct BlockScale {
    em_px: f64,
    stretch: f64,
}

fn check_block(index: usize, b: &Block) -> Result<(), RenderError> {
    for (field, v) in [
        ("x", b.x),
        ("y", b.y),
        ("w", b.w),
        ("h", b.h),
        ("font_size_mm", b.font_size_mm),
    ] {
        if !v.is_finite() {
            return Err(RenderError::NonFinite { index, field });
        }
    }
    Ok(())
}

fn luminance(c: Color) -> f64 {
    let [r, g, b] = c.0;
    0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)
}

/// Draws the texts of `spec` into the blocks of `layout` and encodes the picture as PNG.
pub fn render_png(
    spec: &SignSpec,
    layout: &Layout,
    fonts: &Fonts,
    long_side_px: u32,
) -> Result<Vec<u8>, RenderError> {
    let (w, h, px_per_mm) = picture_size(spec.sign.width_mm, spec.sign.height_mm, long_side_px)?;
    for (i, b) in layout.blocks.iter().enumerate() {
        check_block(i, b)?;
        let em_px = b.font_size_mm * px_per_mm;
        if em_px > MAX_EM_PX {
            return Err(RenderError::FontTooLarge {
                index: i,
                font_size_mm: b.font_size_mm,
                em_px,
                max: MAX_EM_PX,
            });
        }
    }
    let mut canvas = Canvas::new(w, h, spec.sign.background);
    let bg = spec.sign.background;
    if spec.sign.arrangement == Arrangement::SeparatePanels {
        // Two plaques on a wall: outline the Mongolian and Chinese boxes as separate panels.
        let shade = if luminance(bg) > 128.0 {
            [90, 90, 90]
        } else {
            [200, 200, 200]
        };
        let t = (f64::from(w.max(h)) / 600.0).max(1.0);
        for b in layout.blocks.iter().filter(|b| b.script != Script::Foreign) {
            // The plaque's edge sits a little outside the text box.
            let pad = 0.12 * b.font_size_mm.max(0.0) * px_per_mm;
            let (x0, y0) = (b.x * px_per_mm - pad, b.y * px_per_mm - pad);
            let (x1, y1) = ((b.x + b.w) * px_per_mm + pad, (b.y + b.h) * px_per_mm + pad);
            canvas.frame(x0, y0, x1, y1, shade, t);
        }
    }
    for b in &layout.blocks {
        if b.illuminated == Some(true) {
            // A faint glow behind lit letters: light letters glow in their own colour; dark
            // letters on a lit (backlit) panel brighten the panel instead.
            let (x0, y0) = (b.x * px_per_mm, b.y * px_per_mm);
            let (x1, y1) = ((b.x + b.w) * px_per_mm, (b.y + b.h) * px_per_mm);
            let glow = if luminance(b.color) > luminance(bg) {
                b.color.0
            } else {
                [255, 255, 255]
            };
            canvas.tint_rect(x0, y0, x1, y1, glow, 0.08);
        }
    }
    for b in &layout.blocks {
        let text = spec.block_text(b);
        draw_block(&mut canvas, fonts, b, text, px_per_mm);
    }
    canvas.encode_png()
}

fn draw_block(canvas: &mut Canvas, fonts: &Fonts, b: &Block, text: &str, px_per_mm: f64) {
    let em_px = b.font_size_mm * px_per_mm;
    if !within(em_px, 0.05, f64::MAX) || text.is_empty() {
        return;
    }
    let lines = fonts.shape_text(b.script, text, b.orientation);
    let longest = lines.iter().map(|l| l.length_em).fold(0.0f64, f64::max);
    let stretch = match b.fit {
        Fit::Stretch if longest > 1e-9 && b.line_axis_len() > 0.0 => {
            b.line_axis_len() / (longest * b.font_size_mm)
        }
        _ => 1.0,
    };
    if !(stretch.is_finite() && stretch > 0.0) {
        return;
    }
    let scale = BlockScale { em_px, stretch };
    let n = lines.len() as f64;
    // Text extent, centred in the box.
    let along_px = longest * em_px * stretch;
    let across_px = em_px * (1.0 + LINE_PITCH_EM * (n - 1.0));
    let (bx, by) = (b.x * px_per_mm, b.y * px_per_mm);
    let (bw, bh) = (b.w * px_per_mm, b.h * px_per_mm);
    let pitch = em_px * LINE_PITCH_EM;
    for (i, line) in lines.iter().enumerate() {
        let i = i as f64;
        let line_px = line.length_em * em_px * stretch;
        let frame = match (b.orientation, b.script) {
            (Orientation::Horizontal, _) => {
                let top = by + (bh - across_px) / 2.0 + i * pitch;
                let baseline_y = top + em_px * baseline_in_band(b.script);
                LineFrame::Horizontal {
                    x: bx + (bw - line_px) / 2.0,
                    baseline_y,
                }
            }
            (Orientation::Vertical, Script::Zh) => {
                // Chinese columns run right to left.
                let right = bx + (bw + across_px) / 2.0;
                LineFrame::UprightColumn {
                    center_x: right - i * pitch - em_px / 2.0,
                    top: by + (bh - along_px) / 2.0,
                }
            }
            (Orientation::Vertical, _) => {
                // Mongolian columns run left to right; the glyphs' tops point right.
                let left = bx + (bw - across_px) / 2.0 + i * pitch;
                LineFrame::Rotated {
                    baseline_x: left + em_px * (1.0 - baseline_in_band(b.script)),
                    top: by + (bh - along_px) / 2.0,
                }
            }
        };
        draw_line(canvas, fonts, line, frame, &scale, b.color.0);
    }
}

/// The span of typical ink above (positive) and below the baseline, in em; a line's one-em
/// band is centred on it. Chinese: the ideographic em box. Mongolian: the 95th percentile of
/// glyph tops and the 5th of glyph bottoms of Noto Sans Mongolian (its hhea box, 1.75 em
/// tall, would leave the letters off-centre).
fn ink_span(script: Script) -> (f64, f64) {
    match script {
        Script::Mn => (1.0, -0.264),
        Script::Zh | Script::Foreign => IDEOGRAPHIC_EM_BOX,
    }
}

/// Distance from the top of a one-em band to the baseline, in em.
fn baseline_in_band(script: Script) -> f64 {
    let (asc, desc) = ink_span(script);
    0.5 + (asc + desc) / 2.0
}

/// Whether `v` lies in `lo..=hi` (false for NaN).
fn within(v: f64, lo: f64, hi: f64) -> bool {
    v >= lo && v <= hi
}

fn draw_line(
    canvas: &mut Canvas,
    fonts: &Fonts,
    line: &ShapedLine,
    frame: LineFrame,
    s: &BlockScale,
    color: [u8; 3],
) {
    let (cw, ch) = (f64::from(canvas.w), f64::from(canvas.h));
    let along_em = s.em_px * s.stretch;
    // A glyph is at most about two em from its pen position; anything farther off the canvas
    // is skipped before its outline is built.
    let reach = 2.0 * s.em_px.max(along_em);
    for g in &line.glyphs {
        let Ok(id) = u16::try_from(g.glyph_id) else {
            continue;
        };
        let h_em = f64::from(fonts.font(g.font).height_em());
        let glyph = (g.font, id);
        match frame {
            LineFrame::Horizontal { x, baseline_y } => {
                let px = x + (g.pen_em + g.dx_em) * along_em;
                let py = baseline_y - g.dy_em * s.em_px;
                if !(within(px, -reach, cw + reach) && within(py, -reach, ch + reach)) {
                    continue;
                }
                let scale = (along_em * h_em, s.em_px * h_em);
                draw_glyph(canvas, fonts, glyph, scale, (px, py), color, Turn::Upright);
            }
            LineFrame::UprightColumn { center_x, top } => {
                // Each glyph stands upright, centred in its one-em cell.
                let px = center_x + (g.dx_em - g.natural_em / 2.0) * s.em_px;
                let py = top + g.pen_em * along_em + along_em * baseline_in_band(Script::Zh)
                    - g.dy_em * s.em_px;
                if !(within(px, -reach, cw + reach) && within(py, -reach, ch + reach)) {
                    continue;
                }
                let scale = (s.em_px * h_em, along_em * h_em);
                draw_glyph(canvas, fonts, glyph, scale, (px, py), color, Turn::Upright);
            }
            LineFrame::Rotated { baseline_x, top } => {
                // Local frame of the unturned line: u along the line, v down. A canvas point
                // (X, Y) is local (u, v) = (Y, −X); local pixel (u, v) is canvas pixel
                // (−v − 1, u). Whole pixels map to whole pixels, so nothing is resampled.
                let u = top + (g.pen_em + g.dx_em) * along_em;
                let v = -baseline_x - g.dy_em * s.em_px;
                if !(within(u, -reach, ch + reach) && within(-v, -reach, cw + reach)) {
                    continue;
                }
                let scale = (along_em * h_em, s.em_px * h_em);
                draw_glyph(canvas, fonts, glyph, scale, (u, v), color, Turn::Quarter);
            }
        }
    }
}

/// Draws one glyph at `pos` (its baseline origin, in the glyph's own frame) with ab_glyph's
/// `PxScale` (ascent − descent in pixels), turned onto the canvas as `turn` says, from the
/// font set's glyph coverage cache.
fn draw_glyph(
    canvas: &mut Canvas,
    fonts: &Fonts,
    glyph: (FontSlot, u16),
    scale: (f64, f64),
    pos: (f64, f64),
    color: [u8; 3],
    turn: Turn,
) {
    let limit = 4.0 * MAX_EM_PX;
    if !(within(scale.0, 0.01, limit) && within(scale.1, 0.01, limit)) {
        return;
    }
    let canvas_area = f64::from(canvas.w) * f64::from(canvas.h);
    let request = GlyphRequest {
        font: fonts.font(glyph.0).raster(),
        slot: glyph.0,
        glyph: glyph.1,
        scale: (scale.0 as f32, scale.1 as f32),
        position: pos,
        turn,
        // The rasterizer allocates its whole bounding box: refuse absurd ones.
        max_area: (4.0 * canvas_area).max(1.0e6),
    };
    if let Some(placed) = fonts.glyph_cache().place(&request) {
        canvas.blend_coverage(&placed, color);
    }
}
