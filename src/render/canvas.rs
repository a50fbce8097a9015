//! The picture being drawn. A sign is a background, perhaps a glow or a frame, and the
//! antialiased shades of a text colour or two over them, so most pictures have at most 256
//! colours: the canvas then holds palette indices, a third of the bytes of RGB, each mix of a
//! colour and a coverage is computed once per picture instead of once per pixel, and the PNG
//! is an indexed one without any pass over the pixels. The first colour that does not fit
//! turns the canvas into RGB for the rest of the drawing. Every operation gives exactly the
//! RGB values of mixing in RGB: the palette is a representation, not an approximation.

use std::collections::HashMap;

use super::encode;
use super::error::RenderError;
use super::glyphs::Placed;
use crate::spec::Color;

pub(crate) struct Canvas {
    pub w: u32,
    pub h: u32,
    px: Pixels,
}

enum Pixels {
    Indexed(Indexed),
    Rgb(Vec<u8>),
}

/// Palette indices, one byte a pixel.
struct Indexed {
    idx: Vec<u8>,
    palette: Vec<[u8; 3]>,
    entries: HashMap<[u8; 3], u8>,
    /// For `mix_colour`: (entry × 256 + coverage) → the mixed colour's entry + 1 (0: unknown).
    mixes: Vec<u16>,
    mix_colour: Option<[u8; 3]>,
}

/// The palette is full: the canvas must become RGB.
struct Full;

impl Indexed {
    fn new(w: u32, h: u32, bg: [u8; 3]) -> Indexed {
        Indexed {
            idx: vec![0; w as usize * h as usize],
            palette: vec![bg],
            entries: HashMap::from([(bg, 0)]),
            mixes: Vec::new(),
            mix_colour: None,
        }
    }

    fn entry(&mut self, c: [u8; 3]) -> Result<u8, Full> {
        if let Some(&e) = self.entries.get(&c) {
            return Ok(e);
        }
        let e = u8::try_from(self.palette.len()).map_err(|_| Full)?;
        self.palette.push(c);
        self.entries.insert(c, e);
        Ok(e)
    }

    fn to_rgb(&self) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(self.idx.len() * 3);
        for &i in &self.idx {
            rgb.extend_from_slice(&self.palette[usize::from(i)]);
        }
        rgb
    }

    /// Replaces every entry present in `rows` (ranges of `idx`) by the entry of `f(colour)`.
    fn map_colours(
        &mut self,
        rows: &[std::ops::Range<usize>],
        f: impl Fn([u8; 3]) -> [u8; 3],
    ) -> Result<(), Full> {
        let mut present = [false; 256];
        for r in rows {
            for &i in &self.idx[r.clone()] {
                present[usize::from(i)] = true;
            }
        }
        let mut map = [0u8; 256];
        for (i, m) in map.iter_mut().enumerate() {
            if present[i] {
                *m = self.entry(f(self.palette[i]))?;
            }
        }
        for r in rows {
            for i in &mut self.idx[r.clone()] {
                *i = map[usize::from(*i)];
            }
        }
        Ok(())
    }

    /// Blends coverage rows into the picture; on a full palette, returns how many pixels of
    /// `rows` were done (they are, in this canvas).
    fn blend(&mut self, rows: &[(usize, &[u8])], color: [u8; 3]) -> Result<(), usize> {
        if self.mix_colour != Some(color) {
            self.mixes.clear();
            self.mixes.resize(256 * 256, 0);
            self.mix_colour = Some(color);
        }
        let mut done = 0;
        for &(start, alpha) in rows {
            for (k, &a) in alpha.iter().enumerate() {
                if a == 0 {
                    continue;
                }
                let p = start + k;
                let old = self.idx[p];
                let key = usize::from(old) << 8 | usize::from(a);
                let known = self.mixes[key];
                self.idx[p] = if known != 0 {
                    (known - 1) as u8
                } else {
                    let mixed = mix(self.palette[usize::from(old)], color, a);
                    let e = self.entry(mixed).map_err(|Full| done + k)?;
                    self.mixes[key] = u16::from(e) + 1;
                    e
                };
            }
            done += alpha.len();
        }
        Ok(())
    }
}

/// Mixes `color` into `dst` with weight `a`/255; integer mixing keeps full coverage exactly
/// `color`.
#[inline]
fn mix(dst: [u8; 3], color: [u8; 3], a: u8) -> [u8; 3] {
    let a = u32::from(a);
    let mut out = dst;
    for (o, src) in out.iter_mut().zip(color) {
        let mixed = u32::from(*o) * (255 - a) + u32::from(src) * a;
        *o = ((mixed + 127) / 255) as u8;
    }
    out
}

impl Canvas {
    pub fn new(w: u32, h: u32, bg: Color) -> Canvas {
        Canvas {
            w,
            h,
            px: Pixels::Indexed(Indexed::new(w, h, bg.0)),
        }
    }

    /// Runs `f` on the pixels as RGB, turning an indexed canvas into RGB for good first.
    fn with_rgb(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        if let Pixels::Indexed(ix) = &self.px {
            self.px = Pixels::Rgb(ix.to_rgb());
        }
        if let Pixels::Rgb(rgb) = &mut self.px {
            f(rgb);
        }
    }

    /// Mixes `color` into a rectangle (clipped to the canvas) with weight `a`.
    pub fn tint_rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: [u8; 3], a: f32) {
        let cx = |v: f64| v.round().clamp(0.0, f64::from(self.w)) as usize;
        let cy = |v: f64| v.round().clamp(0.0, f64::from(self.h)) as usize;
        let (xa, xb, ya, yb) = (cx(x0), cx(x1), cy(y0), cy(y1));
        if xa >= xb || ya >= yb {
            return;
        }
        let a = a.clamp(0.0, 1.0);
        // One lookup table per channel: the same mix is applied to many pixels.
        let mut lut = [[0u8; 256]; 3];
        for (ch, table) in lut.iter_mut().enumerate() {
            let src = f32::from(color[ch]);
            for (d, out) in table.iter_mut().enumerate() {
                let d = d as f32;
                *out = (d + (src - d) * a).round() as u8;
            }
        }
        let tint = |p: [u8; 3]| {
            [
                lut[0][usize::from(p[0])],
                lut[1][usize::from(p[1])],
                lut[2][usize::from(p[2])],
            ]
        };
        let w = self.w as usize;
        if let Pixels::Indexed(ix) = &mut self.px {
            let rows: Vec<_> = (ya..yb).map(|y| y * w + xa..y * w + xb).collect();
            if ix.map_colours(&rows, tint).is_ok() {
                return;
            }
        }
        // RGB from the start (`map_colours` changes nothing before it succeeds).
        self.with_rgb(|rgb| {
            for y in ya..yb {
                let Some(row) = rgb.get_mut((y * w + xa) * 3..(y * w + xb) * 3) else {
                    continue;
                };
                for p in row.chunks_exact_mut(3) {
                    let t = tint([p[0], p[1], p[2]]);
                    p.copy_from_slice(&t);
                }
            }
        });
    }

    /// A one-pixel-or-so frame, used to show separate plaques.
    pub fn frame(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: [u8; 3], t: f64) {
        self.tint_rect(x0, y0, x1, y0 + t, color, 1.0);
        self.tint_rect(x0, y1 - t, x1, y1, color, 1.0);
        self.tint_rect(x0, y0, x0 + t, y1, color, 1.0);
        self.tint_rect(x1 - t, y0, x1, y1, color, 1.0);
    }

    /// Blends a glyph's coverage in `color`, clipped to the canvas.
    pub fn blend_coverage(&mut self, placed: &Placed, color: [u8; 3]) {
        let c = &placed.coverage;
        let (w, h) = (i64::from(self.w), i64::from(self.h));
        let x0 = placed.x.clamp(0, w);
        let x1 = (placed.x + c.w as i64).clamp(0, w);
        let y0 = placed.y.clamp(0, h);
        let y1 = (placed.y + c.h as i64).clamp(0, h);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (cx0, cx1) = ((x0 - placed.x) as usize, (x1 - placed.x) as usize);
        // (first pixel of the canvas row, coverage of that row)
        let rows: Vec<(usize, &[u8])> = (y0..y1)
            .filter_map(|y| {
                let row = (y - placed.y) as usize * c.w;
                let alpha = c.alpha.get(row + cx0..row + cx1)?;
                Some((y as usize * w as usize + x0 as usize, alpha))
            })
            .collect();
        let mut skip = 0;
        if let Pixels::Indexed(ix) = &mut self.px {
            match ix.blend(&rows, color) {
                Ok(()) => return,
                Err(done) => skip = done,
            }
        }
        self.with_rgb(|rgb| {
            for &(start, alpha) in &rows {
                let n = alpha.len();
                if skip >= n {
                    skip -= n;
                    continue;
                }
                let Some(dst) = rgb.get_mut((start + skip) * 3..(start + n) * 3) else {
                    continue;
                };
                for (&a, p) in alpha[skip..].iter().zip(dst.chunks_exact_mut(3)) {
                    if a != 0 {
                        let m = mix([p[0], p[1], p[2]], color, a);
                        p.copy_from_slice(&m);
                    }
                }
                skip = 0;
            }
        });
    }

    /// The picture as RGB bytes, row by row.
    #[cfg(test)]
    pub fn rgb(&self) -> Vec<u8> {
        match &self.px {
            Pixels::Indexed(ix) => ix.to_rgb(),
            Pixels::Rgb(rgb) => rgb.clone(),
        }
    }

    pub fn encode_png(&self) -> Result<Vec<u8>, RenderError> {
        match &self.px {
            Pixels::Indexed(ix) => encode::indexed(&ix.idx, self.w, self.h, &ix.palette),
            Pixels::Rgb(rgb) => encode::truecolour(rgb, self.w, self.h),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::glyphs::Coverage;
    use std::sync::Arc;

    fn placed(x: i64, y: i64, w: usize, h: usize, alpha: Vec<u8>) -> Placed {
        Placed {
            coverage: Arc::new(Coverage {
                dx: 0,
                dy: 0,
                w,
                h,
                alpha,
            }),
            x,
            y,
        }
    }

    /// The same drawing straight in RGB, as the renderer did before the palette.
    fn reference(w: usize, bg: [u8; 3], glyphs: &[(Placed, [u8; 3])]) -> Vec<u8> {
        let h = 8;
        let mut rgb = bg.repeat(w * h);
        for (p, color) in glyphs {
            let c = &p.coverage;
            for gy in 0..c.h {
                for gx in 0..c.w {
                    let (x, y) = (p.x + gx as i64, p.y + gy as i64);
                    if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
                        continue;
                    }
                    let a = c.alpha[gy * c.w + gx];
                    if a == 0 {
                        continue;
                    }
                    let i = (y as usize * w + x as usize) * 3;
                    let m = mix([rgb[i], rgb[i + 1], rgb[i + 2]], *color, a);
                    rgb[i..i + 3].copy_from_slice(&m);
                }
            }
        }
        rgb
    }

    #[test]
    fn indexed_and_rgb_drawing_agree_before_and_after_the_palette_fills() {
        let w = 300;
        let bg = [0x8B, 0x1A, 0x1A];
        // A ramp of every coverage in white, then one in gold over it: more than 256 colours,
        // so the canvas turns RGB in the middle of the second glyph.
        let ramp: Vec<u8> = (0..=255u8).chain(0..44).collect();
        let glyphs = vec![
            (placed(0, 1, 300, 2, ramp.repeat(2)), [255, 255, 255]),
            (placed(-5, 2, 300, 3, ramp.repeat(3)), [255, 204, 0]),
        ];
        let mut canvas = Canvas::new(w as u32, 8, Color(bg));
        canvas.blend_coverage(&glyphs[0].0, glyphs[0].1);
        assert!(matches!(canvas.px, Pixels::Indexed(_)));
        canvas.blend_coverage(&glyphs[1].0, glyphs[1].1);
        assert!(matches!(canvas.px, Pixels::Rgb(_)));
        assert_eq!(canvas.rgb(), reference(w, bg, &glyphs));
    }

    #[test]
    fn a_tinted_rectangle_keeps_the_palette() {
        let mut canvas = Canvas::new(10, 8, Color([0, 0, 0]));
        canvas.tint_rect(2.0, 2.0, 6.0, 5.0, [255, 255, 255], 0.5);
        let Pixels::Indexed(ix) = &canvas.px else {
            panic!("turned RGB")
        };
        assert_eq!(ix.palette, vec![[0, 0, 0], [128, 128, 128]]);
        let rgb = canvas.rgb();
        assert_eq!(&rgb[(3 * 10 + 4) * 3..][..3], &[128, 128, 128]);
        assert_eq!(&rgb[(3 * 10 + 7) * 3..][..3], &[0, 0, 0]);
    }
}
