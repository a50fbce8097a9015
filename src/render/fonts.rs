//! The shipped font set: loading and verifying the files, shaping text with harfrust, and the
//! measures of docs/rules.md (line lengths, `.notdef`) that the checker and the preview share.

use std::path::{Path, PathBuf};

use ab_glyph::{Font as _, FontVec};
use harfrust::{Buffer, Direction, Feature, ShapeOptions, ShapePlan, ShaperFont, Tag};
use sha2::{Digest, Sha256};

use super::glyphs::GlyphCache;
pub use super::slot::FontSlot;
use crate::spec::{Orientation, Script, TextMeasure, TextMeasurer};

/// File name of Noto Sans Mongolian Regular 3.002 inside the fonts directory.
pub const MONGOLIAN_FILE: &str = "NotoSansMongolian-Regular.ttf";
/// File name of the Noto Sans SC subset inside the fonts directory.
pub const CHINESE_FILE: &str = "NotoSansSC-Regular-subset.ttf";
/// The one Mongolian font the shaping tests were checked against (testdata README).
pub const MONGOLIAN_SHA256: &str =
    "7c0edce49dfc23a2f7b5697df7d73b0dad24c8bb751a1ea1a4b9b59fc849f481";
/// The subset produced by `fonts/subset-noto-sans-sc.py` (see `fonts/README.md`).
pub const CHINESE_SHA256: &str = "ff661c247ed3a1adaf09788d49a095f87ead322aaf060a920d97f61949484272";

/// Why the font set could not be loaded; start-up stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("font file {path} cannot be read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("font file {path} is not the expected file: sha256 {actual}, expected {expected}")]
    WrongFile {
        path: PathBuf,
        expected: &'static str,
        actual: String,
    },
    #[error("font file {path} cannot be parsed as an OpenType font")]
    Parse { path: PathBuf },
    #[error("font file {path} has {glyphs} glyphs, more than the rasterizer's 65,535")]
    TooManyGlyphs { path: PathBuf, glyphs: u32 },
}

/// One glyph out of the shaper, in font units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapedGlyph {
    pub glyph_id: u32,
    /// UTF-8 byte offset of the glyph's cluster in the shaped text.
    pub cluster: u32,
    pub x_advance: i32,
    pub y_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
}

/// A font prepared for shaping (harfrust) and drawing (ab_glyph), with reusable shape plans.
pub struct ShapingFont {
    hr: harfrust::Font,
    raster: FontVec,
    units_per_em: f64,
    /// ab_glyph's `PxScale` is ascent − descent in pixels: this is that height in em.
    height_em: f32,
    glyph_count: u32,
    plan_mongolian: ShapePlan,
    plan_han: ShapePlan,
    plan_han_vertical: ShapePlan,
}

impl std::fmt::Debug for ShapingFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShapingFont")
            .field("units_per_em", &self.units_per_em)
            .field("glyph_count", &self.glyph_count)
            .finish_non_exhaustive()
    }
}

/// Which shaping plan a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    Mongolian,
    Han,
    HanVertical,
}

impl ShapingFont {
    /// Parses a font; `path` only names the file in errors.
    pub fn from_bytes(data: Vec<u8>, path: &Path) -> Result<ShapingFont, FontError> {
        let parse_err = || FontError::Parse {
            path: path.to_path_buf(),
        };
        let hr = harfrust::Font::new(data.clone(), 0).ok_or_else(parse_err)?;
        let raster = FontVec::try_from_vec(data).map_err(|_| parse_err())?;
        let glyph_count = hr.num_glyphs();
        if glyph_count > u32::from(u16::MAX) {
            return Err(FontError::TooManyGlyphs {
                path: path.to_path_buf(),
                glyphs: glyph_count,
            });
        }
        let upem = f64::from(hr.units_per_em().max(1));
        let vert = [Feature::new(Tag::new(b"vert"), 1, ..)];
        let ltr = Direction::LeftToRight;
        let plan_mongolian = ShapePlan::new(&hr, ltr, Some(harfrust::Script::MONGOLIAN), None, &[]);
        let plan_han = ShapePlan::new(&hr, ltr, Some(harfrust::Script::HAN), None, &[]);
        let plan_han_vertical = ShapePlan::new(&hr, ltr, Some(harfrust::Script::HAN), None, &vert);
        let height_em = (f64::from(raster.height_unscaled()) / upem) as f32;
        if !(height_em.is_finite() && height_em > 0.0) {
            return Err(parse_err());
        }
        Ok(ShapingFont {
            hr,
            raster,
            units_per_em: upem,
            height_em,
            glyph_count,
            plan_mongolian,
            plan_han,
            plan_han_vertical,
        })
    }

    /// Shapes `text` as one Mongolian run (script Mongolian, left to right), the way the
    /// renderer shapes every Mongolian run. Clusters are UTF-8 byte offsets.
    pub fn shape_mongolian(&self, text: &str) -> Vec<ShapedGlyph> {
        self.shape(text, Plan::Mongolian)
    }

    /// The glyph's name from the font (`post`), or `gidN` when it has none.
    pub fn glyph_name(&self, glyph_id: u32) -> Option<String> {
        self.hr
            .glyph_name(harfrust::GlyphId::new(glyph_id))
            .map(|n| n.as_str().to_owned())
    }

    pub fn units_per_em(&self) -> f64 {
        self.units_per_em
    }

    pub fn num_glyphs(&self) -> u32 {
        self.glyph_count
    }

    /// Whether the font maps this character (its cmap has an entry).
    pub fn covers(&self, c: char) -> bool {
        self.raster.glyph_id(c).0 != 0
    }

    pub(crate) fn raster(&self) -> &FontVec {
        &self.raster
    }

    pub(crate) fn height_em(&self) -> f32 {
        self.height_em
    }

    pub(crate) fn shape(&self, text: &str, plan: Plan) -> Vec<ShapedGlyph> {
        let (plan, script) = match plan {
            Plan::Mongolian => (&self.plan_mongolian, harfrust::Script::MONGOLIAN),
            Plan::Han => (&self.plan_han, harfrust::Script::HAN),
            Plan::HanVertical => (&self.plan_han_vertical, harfrust::Script::HAN),
        };
        let mut buffer = Buffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(Some(script));
        let shaper = ShaperFont::new(&self.hr);
        if let Err(err) =
            harfrust::shape(&shaper, &mut buffer, ShapeOptions::new().plan(Some(plan)))
        {
            // Cannot happen with a matching plan; a run that fails to shape draws nothing
            // rather than taking the request down.
            tracing::warn!(error = %err, "shaping failed");
            return Vec::new();
        }
        buffer
            .glyph_infos()
            .iter()
            .zip(buffer.glyph_positions())
            .map(|(i, p)| ShapedGlyph {
                glyph_id: i.glyph_id,
                cluster: i.cluster,
                x_advance: p.x_advance,
                y_advance: p.y_advance,
                x_offset: p.x_offset,
                y_offset: p.y_offset,
            })
            .collect()
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn read_verified(dir: &Path, name: &str, expected: &'static str) -> Result<Vec<u8>, FontError> {
    let path = dir.join(name);
    let data = std::fs::read(&path).map_err(|source| FontError::Read {
        path: path.clone(),
        source,
    })?;
    let actual = sha256_hex(&data);
    if actual != expected {
        return Err(FontError::WrongFile {
            path,
            expected,
            actual,
        });
    }
    Ok(data)
}

/// A glyph placed on a line, in em units of the block's font size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub font: FontSlot,
    pub glyph_id: u32,
    /// Pen position along the line from the line's start, before this glyph.
    pub pen_em: f64,
    /// The shaper's offset along the line.
    pub dx_em: f64,
    /// The shaper's offset up from the baseline.
    pub dy_em: f64,
    /// How far this glyph moves the pen along the line (one em for upright vertical Chinese).
    pub advance_em: f64,
    /// The glyph's own horizontal advance.
    pub natural_em: f64,
    /// UTF-8 byte offset in the line of the glyph's cluster (the first character it draws).
    pub cluster: usize,
}

/// One shaped line (a `\n`-separated piece of a block's text).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<PlacedGlyph>,
    /// Natural length along the line, in em.
    pub length_em: f64,
    pub has_notdef: bool,
}

/// The fonts the service ships: loaded once at start and shared (wrap in `Arc`), with the
/// coverage of the glyphs drawn so far.
#[derive(Debug)]
pub struct Fonts {
    mongolian: ShapingFont,
    chinese: ShapingFont,
    version_tag: String,
    glyphs: GlyphCache,
}

/// Characters that belong to the run around them whatever font covers them: the Mongolian
/// format controls (FVS1–4, MVS, NNBSP) and the joiners, which must reach the shaper together
/// with the letters they modify.
fn is_run_glue(c: char) -> bool {
    matches!(
        c,
        '\u{180B}'..='\u{180F}' | '\u{202F}' | '\u{200C}' | '\u{200D}'
    ) || matches!(c, '\u{FE00}'..='\u{FE0F}')
}

impl Fonts {
    /// Reads and verifies `NotoSansMongolian-Regular.ttf` and `NotoSansSC-Regular-subset.ttf`
    /// in `dir`; a missing or different file is an error naming it.
    pub fn load(dir: &Path) -> Result<Fonts, FontError> {
        let mn = read_verified(dir, MONGOLIAN_FILE, MONGOLIAN_SHA256)?;
        let zh = read_verified(dir, CHINESE_FILE, CHINESE_SHA256)?;
        let mongolian = ShapingFont::from_bytes(mn, &dir.join(MONGOLIAN_FILE))?;
        let chinese = ShapingFont::from_bytes(zh, &dir.join(CHINESE_FILE))?;
        let version_tag = format!("noto-mn-3.002+noto-sc-{}", &CHINESE_SHA256[..8]);
        tracing::debug!(%version_tag, "fonts loaded");
        Ok(Fonts {
            mongolian,
            chinese,
            version_tag,
            glyphs: GlyphCache::default(),
        })
    }

    /// The same fonts with another glyph coverage cache (the default holds 32 MB).
    pub fn with_glyph_cache(self, glyphs: GlyphCache) -> Fonts {
        Fonts { glyphs, ..self }
    }

    /// The glyph coverage cache, for its hit and miss counts.
    pub fn glyph_cache(&self) -> &GlyphCache {
        &self.glyphs
    }

    /// Identifies the font files, for cache keys: `noto-mn-3.002+noto-sc-<sha8>`.
    pub fn version_tag(&self) -> &str {
        &self.version_tag
    }

    pub fn mongolian(&self) -> &ShapingFont {
        &self.mongolian
    }

    pub fn chinese(&self) -> &ShapingFont {
        &self.chinese
    }

    pub fn font(&self, slot: FontSlot) -> &ShapingFont {
        match slot {
            FontSlot::Mongolian => &self.mongolian,
            FontSlot::Chinese => &self.chinese,
        }
    }

    fn slot_for(&self, c: char, preferred: [FontSlot; 2]) -> FontSlot {
        for slot in preferred {
            if self.font(slot).covers(c) {
                return slot;
            }
        }
        preferred[0]
    }

    /// Shapes one line of a block: the text is split into runs by the font that covers each
    /// character (the block's own script first), each run is shaped with harfrust and the
    /// glyphs are laid along the line. Vertical Chinese (and Chinese-font runs inside any
    /// vertical `zh` block) advance one em per glyph, as docs/rules.md measures them.
    pub fn shape_line(&self, script: Script, line: &str, orientation: Orientation) -> ShapedLine {
        let preferred = match script {
            Script::Mn => [FontSlot::Mongolian, FontSlot::Chinese],
            Script::Zh | Script::Foreign => [FontSlot::Chinese, FontSlot::Mongolian],
        };
        let upright_cjk = script == Script::Zh && orientation == Orientation::Vertical;
        let mut out = ShapedLine::default();
        let mut pen = 0.0f64;
        let mut run_start = 0usize;
        let mut run_slot: Option<FontSlot> = None;
        let mut flush = |start: usize, end: usize, slot: FontSlot, out: &mut ShapedLine| {
            let Some(run) = line.get(start..end) else {
                return;
            };
            if run.is_empty() {
                return;
            }
            let font = self.font(slot);
            let plan = match (slot, upright_cjk) {
                (FontSlot::Mongolian, _) => Plan::Mongolian,
                (FontSlot::Chinese, true) => Plan::HanVertical,
                (FontSlot::Chinese, false) => Plan::Han,
            };
            let upem = font.units_per_em;
            for g in font.shape(run, plan) {
                if g.glyph_id == 0 {
                    out.has_notdef = true;
                }
                let natural = f64::from(g.x_advance) / upem;
                let advance = if upright_cjk && natural != 0.0 {
                    1.0
                } else {
                    natural
                };
                out.glyphs.push(PlacedGlyph {
                    font: slot,
                    glyph_id: g.glyph_id,
                    pen_em: pen,
                    dx_em: f64::from(g.x_offset) / upem,
                    dy_em: f64::from(g.y_offset) / upem,
                    advance_em: advance,
                    natural_em: natural,
                    cluster: start + g.cluster as usize,
                });
                pen += advance;
            }
        };
        for (i, c) in line.char_indices() {
            if is_run_glue(c) && run_slot.is_some() {
                continue;
            }
            let slot = self.slot_for(c, preferred);
            match run_slot {
                None => run_slot = Some(slot),
                Some(current) if current != slot => {
                    flush(run_start, i, current, &mut out);
                    run_start = i;
                    run_slot = Some(slot);
                }
                Some(_) => {}
            }
        }
        if let Some(slot) = run_slot {
            flush(run_start, line.len(), slot, &mut out);
        }
        out.length_em = pen;
        out
    }

    /// Shapes every `\n` line of a text (a trailing `\r` is dropped from each line).
    pub fn shape_text(
        &self,
        script: Script,
        text: &str,
        orientation: Orientation,
    ) -> Vec<ShapedLine> {
        text.split('\n')
            .map(|line| {
                let line = line.strip_suffix('\r').unwrap_or(line);
                self.shape_line(script, line, orientation)
            })
            .collect()
    }
}

impl TextMeasurer for Fonts {
    fn measure(
        &self,
        script: Script,
        text: &str,
        orientation: Orientation,
        font_size_mm: f64,
    ) -> TextMeasure {
        let lines = self.shape_text(script, text, orientation);
        TextMeasure {
            has_notdef: lines.iter().any(|l| l.has_notdef),
            line_lengths_mm: lines.iter().map(|l| l.length_em * font_size_mm).collect(),
        }
    }
}
