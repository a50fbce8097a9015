//! The layout composer: when a spec carries no layout, place the Mongolian and Chinese blocks
//! (and a foreign block, if any) so that the rules R3–R10, L1 and L2 of docs/rules.md hold.
//!
//! Both scripts get one font size. Long texts are broken into lines (columns, for a vertical
//! sign): for every number of lines k (the texts' own `\n` lines up to [`MAX_COMPOSED_LINES`])
//! each text gets its most balanced breaking (see `breaks`), and the composer takes the pair
//! of breakings that gives the largest common font size on the sign. Mongolian and Chinese get
//! the same number of lines whenever that pair's stretch factors stay within 0.5–2.0 (then a
//! horizontal sign has equal line lengths); only when no equal count can pass R7 may the counts
//! differ. More lines are taken only when they enlarge the font by at least
//! [`MORE_LINES_GAIN`]. A block whose text the composer broke carries the broken text in
//! `Block::text`.
//!
//! The text areas are equalised with `fit: stretch`: with natural areas `Am` and `Az` (em², at
//! one font size) the stretch factors are `sqrt(Az/Am)` and `sqrt(Am/Az)`, which makes the area
//! ratio exactly 1 and keeps both factors in 0.5–2.0 whenever `Am/Az` lies in 0.25–4. Outside
//! that range no layout with equal font sizes can pass R7; the factors are then clamped to
//! 0.5–2.0 and R7 reports the mismatch.

use super::breaks::{Breakable, LinePlan};
use super::fonts::Fonts;
use super::natural::{solve_lengths, Lengths, Natural};
use super::raster::LINE_PITCH_EM;
use crate::spec::{Arrangement, Block, Color, Fit, Layout, Orientation, Script, SignSpec};

/// Box size across the lines, as a multiple of the text extent across them.
const CROSS_PAD: f64 = 1.15;
/// Gap between the Mongolian and Chinese boxes, in em.
const GAP_EM: f64 = 0.3;
/// Gap between two separate panels, in em.
const PANEL_GAP_EM: f64 = 0.6;
/// Margin around the sign's edge, as a share of its shorter side.
const MARGIN: f64 = 0.05;
/// Share of the inner height kept for a foreign text below the main texts.
const FOREIGN_BAND: f64 = 0.2;
/// Foreign text is at most this share of the main font size.
const FOREIGN_SIZE: f64 = 0.6;
/// Headroom so that sums of boxes never exceed the sign by a rounding error.
const SAFETY: f64 = 0.995;
/// The most lines (columns) the composer breaks a text into, its own lines aside.
pub const MAX_COMPOSED_LINES: usize = 8;
/// More lines must enlarge the font by this factor to be preferred over fewer.
const MORE_LINES_GAIN: f64 = 1.05;
/// Natural area ratios (mn/zh) the composer accepts for a breaking: inside 0.25–4 (where the
/// stretch factors stay within 0.5–2.0) with a margin, since the broken texts are measured
/// again before the boxes are sized.
const RATIO_RANGE: (f64, f64) = (0.26, 3.85);

fn positive_or(v: f64, fallback: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        fallback
    }
}

fn text_color(bg: Color) -> Color {
    let [r, g, b] = bg.0;
    let lum = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    if lum < 110.0 {
        Color::white()
    } else {
        Color::black()
    }
}

/// Where the two main boxes go.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Placement {
    /// Mongolian above Chinese, lines horizontal.
    Stacked,
    /// Mongolian left of Chinese, lines horizontal, tops aligned.
    SideBySide,
    /// Vertical lines (columns), Mongolian left of Chinese, tops aligned.
    Columns,
}

/// The room on the sign for the two main blocks.
struct Frame {
    inner_w: f64,
    main_h: f64,
    arrangement: Arrangement,
}

impl Frame {
    fn stacked_gap_em(&self) -> f64 {
        if self.arrangement == Arrangement::SeparatePanels {
            PANEL_GAP_EM
        } else {
            GAP_EM
        }
    }

    /// The largest font size (before [`SAFETY`]) at which both blocks fit in `placement`.
    fn size_for(&self, p: Placement, mn: Natural, zh: Natural, lengths: &Lengths) -> f64 {
        let longer = lengths.mn.max(lengths.zh).max(1e-9);
        match p {
            Placement::Stacked => (self.main_h
                / (CROSS_PAD * (mn.across + zh.across) + self.stacked_gap_em()))
            .min(self.inner_w / longer),
            Placement::SideBySide => (self.inner_w / (lengths.mn + lengths.zh + PANEL_GAP_EM))
                .min(self.main_h / (CROSS_PAD * mn.across.max(zh.across))),
            Placement::Columns => (self.inner_w / (CROSS_PAD * (mn.across + zh.across) + GAP_EM))
                .min(self.main_h / longer),
        }
    }

    /// The placement the arrangement calls for (the better of the two for separate panels)
    /// and its font size.
    fn best(&self, mn: Natural, zh: Natural, lengths: &Lengths) -> (Placement, f64) {
        let placement = match self.arrangement {
            Arrangement::Vertical => Placement::Columns,
            Arrangement::Horizontal | Arrangement::Ring => Placement::Stacked,
            Arrangement::SeparatePanels => {
                if self.size_for(Placement::SideBySide, mn, zh, lengths)
                    > self.size_for(Placement::Stacked, mn, zh, lengths)
                {
                    Placement::SideBySide
                } else {
                    Placement::Stacked
                }
            }
        };
        (placement, self.size_for(placement, mn, zh, lengths))
    }
}

impl Natural {
    fn of_plan(plan: &LinePlan) -> Natural {
        Natural {
            longest: plan.longest,
            across: 1.0 + LINE_PITCH_EM * (plan.lines.max(1) as f64 - 1.0),
        }
    }
}

/// Whether equal font sizes with stretch factors in 0.5–2.0 can equalise the text areas.
fn feasible(mn: Natural, zh: Natural) -> bool {
    if mn.is_empty() || zh.is_empty() {
        return true;
    }
    let ratio = (mn.longest * mn.across) / (zh.longest * zh.across);
    ratio >= RATIO_RANGE.0 && ratio <= RATIO_RANGE.1
}

/// Picks how many lines each text gets (see the module comment): an index into each list of
/// plans.
fn choose_plans(frame: &Frame, mn: &[LinePlan], zh: &[LinePlan]) -> (usize, usize) {
    let empty = |plans: &[LinePlan]| plans.iter().all(|p| p.longest <= 1e-9);
    let any_count = empty(mn) || empty(zh);
    for equal_only in [true, false] {
        let mut best: Option<(usize, usize, f64, usize)> = None;
        for (i, pm) in mn.iter().enumerate() {
            for (j, pz) in zh.iter().enumerate() {
                if equal_only && !any_count && pm.lines != pz.lines {
                    continue;
                }
                let (nm, nz) = (Natural::of_plan(pm), Natural::of_plan(pz));
                if !feasible(nm, nz) {
                    continue;
                }
                let (_, f) = frame.best(nm, nz, &solve_lengths(nm, nz));
                if !f.is_finite() {
                    continue;
                }
                let lines = pm.lines + pz.lines;
                let better = match best {
                    None => true,
                    Some((_, _, bf, bl)) => {
                        f > bf * MORE_LINES_GAIN
                            || (f > bf && lines <= bl)
                            || (f >= bf && lines < bl)
                    }
                };
                if better {
                    best = Some((i, j, f, lines));
                }
            }
        }
        if let Some((i, j, _, _)) = best {
            return (i, j);
        }
    }
    // No breaking can pass R7: keep the texts' own lines (R7 reports the mismatch).
    (0, 0)
}

/// Composes a layout for `spec` (its own layout, if any, is ignored).
pub fn compose(spec: &SignSpec, fonts: &Fonts) -> Layout {
    let width = positive_or(spec.sign.width_mm, 1000.0);
    let height = positive_or(spec.sign.height_mm, 1000.0);
    let orientation = orientation_of(spec.sign.arrangement);
    let margin = MARGIN * width.min(height);
    let inner_w = width - 2.0 * margin;
    let inner_h = height - 2.0 * margin;
    let foreign_text = spec.texts.foreign.as_deref().unwrap_or("");
    let foreign = Natural::of(
        fonts,
        Script::Foreign,
        foreign_text,
        Orientation::Horizontal,
    );
    let band = if foreign.is_empty() {
        0.0
    } else {
        FOREIGN_BAND * inner_h
    };
    let frame = Frame {
        inner_w,
        main_h: inner_h - band,
        arrangement: spec.sign.arrangement,
    };
    let laid = lay_texts(spec, fonts, &frame, orientation);
    let lengths = solve_lengths(laid.mn, laid.zh);
    let (placement, size) = frame.best(laid.mn, laid.zh, &lengths);
    let f = positive_or(size * SAFETY, 1e-6);
    let make = BlockMaker {
        spec,
        color: text_color(spec.sign.background),
    };
    let [mn_rect, zh_rect] = place(placement, &frame, margin, &laid, &lengths, f);
    let mut blocks = Vec::with_capacity(3);
    let mn_text = laid.mn_text.clone();
    blocks.push(make.block(Script::Mn, mn_rect, f, orientation, lengths.mn_fit, mn_text));
    let zh_text = laid.zh_text.clone();
    blocks.push(make.block(Script::Zh, zh_rect, f, orientation, lengths.zh_fit, zh_text));
    if let Some((rect, size)) = foreign_place(foreign, band, margin, &frame, f) {
        let o = Orientation::Horizontal;
        blocks.push(make.block(Script::Foreign, rect, size, o, Fit::None, None));
    }
    Layout { blocks }
}

/// Vertical signs set their texts vertically; every other arrangement horizontally.
fn orientation_of(arrangement: Arrangement) -> Orientation {
    match arrangement {
        Arrangement::Vertical => Orientation::Vertical,
        Arrangement::Horizontal | Arrangement::SeparatePanels | Arrangement::Ring => {
            Orientation::Horizontal
        }
    }
}

/// The main texts as they will be drawn: the chosen line breaks (`None`: the text's own
/// lines) and their natural measures.
struct Laid {
    mn_text: Option<String>,
    zh_text: Option<String>,
    mn: Natural,
    zh: Natural,
}

/// Breaks the texts where R7 can pass best, then measures what will be drawn.
fn lay_texts(spec: &SignSpec, fonts: &Fonts, frame: &Frame, orientation: Orientation) -> Laid {
    let mn_text = spec.texts.mn.as_str();
    let zh_text = spec.texts.zh.as_str();
    let mn_break = Breakable::new(fonts, Script::Mn, orientation, mn_text, MAX_COMPOSED_LINES);
    let zh_break = Breakable::new(fonts, Script::Zh, orientation, zh_text, MAX_COMPOSED_LINES);
    let mn_plans = mn_break.plans(MAX_COMPOSED_LINES);
    let zh_plans = zh_break.plans(MAX_COMPOSED_LINES);
    let (i, j) = choose_plans(frame, &mn_plans, &zh_plans);
    let broken = |b: &Breakable<'_>, plans: &[LinePlan], k: usize, original: &str| {
        plans
            .get(k)
            .map(|p| b.text_for(p))
            .filter(|t| t != original)
    };
    let mn_laid = broken(&mn_break, &mn_plans, i, mn_text);
    let zh_laid = broken(&zh_break, &zh_plans, j, zh_text);
    // A broken text is shaped again as drawn; an unbroken one was measured already.
    let measured = |b: &Breakable<'_>, script: Script, laid: Option<&str>| match laid {
        Some(text) => Natural::of(fonts, script, text, orientation),
        None => {
            let (longest, lines) = b.unbroken();
            Natural {
                longest,
                across: 1.0 + LINE_PITCH_EM * (lines.max(1) as f64 - 1.0),
            }
        }
    };
    Laid {
        mn: measured(&mn_break, Script::Mn, mn_laid.as_deref()),
        zh: measured(&zh_break, Script::Zh, zh_laid.as_deref()),
        mn_text: mn_laid,
        zh_text: zh_laid,
    }
}

/// A block's rectangle, in mm from the sign's top-left corner.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The rectangles of the Mongolian and the Chinese block for `placement` at font size `f`,
/// centred in the main area.
fn place(
    placement: Placement,
    frame: &Frame,
    margin: f64,
    laid: &Laid,
    lengths: &Lengths,
    f: f64,
) -> [Rect; 2] {
    let (inner_w, main_h) = (frame.inner_w, frame.main_h);
    let (mn_len, zh_len) = (lengths.mn * f, lengths.zh * f);
    let (mn_cross, zh_cross) = (
        CROSS_PAD * laid.mn.across * f,
        CROSS_PAD * laid.zh.across * f,
    );
    let rect = |x, y, w, h| Rect { x, y, w, h };
    match placement {
        Placement::Stacked => {
            let gap = frame.stacked_gap_em() * f;
            let group = mn_cross + gap + zh_cross;
            let y0 = margin + (main_h - group) / 2.0;
            [
                rect(margin + (inner_w - mn_len) / 2.0, y0, mn_len, mn_cross),
                rect(
                    margin + (inner_w - zh_len) / 2.0,
                    y0 + mn_cross + gap,
                    zh_len,
                    zh_cross,
                ),
            ]
        }
        Placement::SideBySide => {
            let gap = PANEL_GAP_EM * f;
            let group = mn_len + gap + zh_len;
            let x0 = margin + (inner_w - group) / 2.0;
            let y0 = margin + (main_h - mn_cross.max(zh_cross)) / 2.0;
            [
                rect(x0, y0, mn_len, mn_cross),
                rect(x0 + mn_len + gap, y0, zh_len, zh_cross),
            ]
        }
        Placement::Columns => {
            let gap = GAP_EM * f;
            let group = mn_cross + gap + zh_cross;
            let x0 = margin + (inner_w - group) / 2.0;
            let y0 = margin + (main_h - mn_len.max(zh_len)) / 2.0;
            [
                rect(x0, y0, mn_cross, mn_len),
                rect(x0 + mn_cross + gap, y0, zh_cross, zh_len),
            ]
        }
    }
}

/// The foreign text's rectangle and font size in its band below the main texts, if it fits.
fn foreign_place(
    foreign: Natural,
    band: f64,
    margin: f64,
    frame: &Frame,
    f: f64,
) -> Option<(Rect, f64)> {
    if foreign.is_empty() {
        return None;
    }
    let inner_w = frame.inner_w;
    let size = (FOREIGN_SIZE * f)
        .min(band * SAFETY / (CROSS_PAD * foreign.across))
        .min(inner_w * SAFETY / (foreign.longest * 1.02));
    if !(size.is_finite() && size > 0.0) {
        return None;
    }
    let w = foreign.longest * 1.02 * size;
    let h = CROSS_PAD * foreign.across * size;
    let x = margin + (inner_w - w) / 2.0;
    let y = margin + frame.main_h + (band - h) / 2.0;
    Some((Rect { x, y, w, h }, size))
}

/// Makes the blocks of one sign: its colour, material and lighting are the sign's.
struct BlockMaker<'a> {
    spec: &'a SignSpec,
    color: Color,
}

impl BlockMaker<'_> {
    fn block(
        &self,
        script: Script,
        r: Rect,
        size: f64,
        orientation: Orientation,
        fit: Fit,
        text: Option<String>,
    ) -> Block {
        Block {
            script,
            x: r.x,
            y: r.y,
            w: r.w,
            h: r.h,
            font_size_mm: size,
            orientation,
            fit,
            color: self.color,
            material: self.spec.sign.material.clone(),
            illuminated: self.spec.sign.illuminated,
            text,
        }
    }
}
