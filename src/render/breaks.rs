//! Line breaking for the composer: where a text may break, and the balanced ways to break it
//! into k lines (columns), measured with the shipped fonts.
//!
//! A text's own `\n` are forced breaks; they split it into paragraphs. Inside a paragraph a
//! Mongolian text breaks only at a space (words stay whole, so a letter keeps its FVS, MVS and
//! NNBSP); Chinese and foreign text breaks at a space or between two characters, but never
//! before closing punctuation, after opening punctuation, inside a run of Latin letters or
//! digits, or before a combining mark or format control. A break replaces the space run it
//! stands on (or is inserted between two characters) with one `\n`, which is exactly what
//! [`crate::spec::same_up_to_breaks`] accepts.
//!
//! Line lengths come from shaping each paragraph once: every glyph's advance is charged to the
//! byte offset of its cluster, so the length of any piece between two break points is a
//! difference of prefix sums. The composer measures the broken text again before it sizes
//! the boxes, so these lengths only choose the breaks.

use super::fonts::Fonts;
use crate::spec::{is_break_space, Orientation, Script};

/// Width tolerance (em) when comparing line lengths against the best longest line.
const TOL_EM: f64 = 1e-9;

/// One paragraph (a `\n`-line of the text) with its break points.
struct Paragraph<'t> {
    text: &'t str,
    /// `prefix[i]`: the advance (em) of the clusters that start before byte `i`.
    prefix: Vec<f64>,
    /// Break points in order, as byte ranges `(end of the line before, start of the next)`;
    /// the first is `(0, 0)` (the paragraph's start) and the last `(len, len)` (its end).
    cuts: Vec<(usize, usize)>,
    /// `minmax[k - 1]`: the smallest possible longest line when broken into k lines.
    minmax: Vec<f64>,
}

impl Paragraph<'_> {
    /// Length (em) of the line from cut `i` to cut `j`.
    fn width(&self, i: usize, j: usize) -> f64 {
        let (Some(&(_, from)), Some(&(to, _))) = (self.cuts.get(i), self.cuts.get(j)) else {
            return f64::INFINITY;
        };
        let at = |b: usize| self.prefix.get(b).copied().unwrap_or(0.0);
        (at(to) - at(from)).max(0.0)
    }

    /// The most lines this paragraph can take.
    fn max_lines(&self) -> usize {
        self.cuts.len().saturating_sub(1).max(1)
    }

    /// The cut indices (first and last included) of the k-line breaking whose longest line
    /// is at most `limit` and whose squared line lengths add up least (the most even lines).
    fn balanced_cuts(&self, k: usize, limit: f64) -> Vec<usize> {
        let n = self.cuts.len();
        if k <= 1 || n < 2 {
            return vec![0, n.saturating_sub(1)];
        }
        let k = k.min(n - 1);
        // cost[t][j]: least sum of squares for t lines ending at cut j; from[t][j]: the cut
        // where line t starts.
        let mut cost = vec![vec![f64::INFINITY; n]; k + 1];
        let mut from = vec![vec![0usize; n]; k + 1];
        if let Some(row) = cost.get_mut(0) {
            if let Some(c) = row.get_mut(0) {
                *c = 0.0;
            }
        }
        for t in 1..=k {
            for j in t..n {
                let mut best = (f64::INFINITY, 0usize);
                for (i, &before) in cost[t - 1].iter().enumerate().take(j).skip(t - 1) {
                    if !before.is_finite() {
                        continue;
                    }
                    let w = self.width(i, j);
                    if w > limit + TOL_EM {
                        continue;
                    }
                    let c = before + w * w;
                    if c < best.0 {
                        best = (c, i);
                    }
                }
                cost[t][j] = best.0;
                from[t][j] = best.1;
            }
        }
        if !cost[k][n - 1].is_finite() {
            return vec![0, n - 1];
        }
        let mut out = vec![n - 1];
        let mut j = n - 1;
        for t in (1..=k).rev() {
            j = from[t][j];
            out.push(j);
        }
        out.reverse();
        out
    }
}

/// Characters that never begin a line: closing punctuation (Chinese, Latin, Mongolian), and
/// marks or format controls that belong to the character before them.
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '〛'
            | '’'
            | '”'
            | '…'
            | '—'
            | '·'
            | '．'
            | '％'
            | '～'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
            | '-'
            | '\u{1801}'..='\u{1805}'
            | '\u{1808}'
            | '\u{1809}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{202F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{0300}'..='\u{036F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Characters that never end a line: opening punctuation.
fn no_break_after(c: char) -> bool {
    matches!(
        c,
        '（' | '《'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '〖'
            | '〘'
            | '〚'
            | '‘'
            | '“'
            | '('
            | '['
            | '{'
    )
}

/// Ideographs and kana: a line may break between two of them.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Whether a line may break between two adjacent characters (no space between them).
fn may_split(a: char, b: char) -> bool {
    if no_break_before(b) || no_break_after(a) {
        return false;
    }
    // Words of Latin letters or digits (and anything else that is not CJK) stay whole.
    is_cjk(a) || is_cjk(b)
}

/// The break points of one paragraph, first `(0, 0)` and last `(len, len)` included.
fn cuts(script: Script, text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = vec![(0, 0)];
    let mut i = 0;
    while let Some(&(pos, c)) = chars.get(i) {
        if is_break_space(c) {
            let mut j = i;
            while chars.get(j).is_some_and(|&(_, c)| is_break_space(c)) {
                j += 1;
            }
            // A space run between two characters; leading and trailing spaces stay put.
            if let (Some(&(_, before)), Some(&(next, after))) =
                (i.checked_sub(1).and_then(|p| chars.get(p)), chars.get(j))
            {
                if !no_break_before(after) && !no_break_after(before) {
                    out.push((pos, next));
                }
            }
            i = j;
            continue;
        }
        if script != Script::Mn {
            if let Some(&(next, n)) = chars.get(i + 1) {
                if !is_break_space(n) && may_split(c, n) {
                    out.push((next, next));
                }
            }
        }
        i += 1;
    }
    out.push((text.len(), text.len()));
    out
}

fn paragraph<'t>(
    fonts: &Fonts,
    script: Script,
    orientation: Orientation,
    text: &'t str,
    max_lines: usize,
) -> Paragraph<'t> {
    let shaped = fonts.shape_line(script, text, orientation);
    let mut advance = vec![0.0f64; text.len() + 1];
    for g in &shaped.glyphs {
        if let Some(a) = advance.get_mut(g.cluster) {
            *a += g.advance_em;
        }
    }
    let mut prefix = Vec::with_capacity(text.len() + 1);
    let mut sum = 0.0;
    prefix.push(0.0);
    for a in advance.iter().take(text.len()) {
        sum += a;
        prefix.push(sum);
    }
    let mut p = Paragraph {
        text,
        prefix,
        cuts: cuts(script, text),
        minmax: Vec::new(),
    };
    p.minmax = minmax(&p, max_lines);
    p
}

/// `out[k - 1]`: the smallest longest line over the breakings into k lines, k = 1..=max.
fn minmax(p: &Paragraph<'_>, max_lines: usize) -> Vec<f64> {
    let n = p.cuts.len();
    let kmax = max_lines.min(p.max_lines()).max(1);
    if n < 2 {
        return vec![0.0];
    }
    // best[j]: the least longest line over breakings of the text up to cut j into t lines.
    let mut best: Vec<f64> = (0..n).map(|j| p.width(0, j)).collect();
    let mut out = vec![best[n - 1]];
    for t in 2..=kmax {
        let mut next = vec![f64::INFINITY; n];
        for (j, slot) in next.iter_mut().enumerate().skip(t) {
            for (i, &before) in best.iter().enumerate().take(j).skip(t - 1) {
                let v = before.max(p.width(i, j));
                if v < *slot {
                    *slot = v;
                }
            }
        }
        best = next;
        out.push(best[n - 1]);
    }
    out
}

/// A text ready to be broken: its paragraphs with their break points and measures.
pub(crate) struct Breakable<'t> {
    text: &'t str,
    paragraphs: Vec<Paragraph<'t>>,
}

/// One way to break a text: how many lines each paragraph gets, and the longest line (em).
#[derive(Debug, Clone)]
pub(crate) struct LinePlan {
    pub lines: usize,
    pub longest: f64,
    alloc: Vec<usize>,
}

impl<'t> Breakable<'t> {
    /// Shapes every paragraph of `text` once and works out its balanced breakings into up to
    /// `max_lines` lines in all (a text with more forced lines keeps exactly those).
    pub fn new(
        fonts: &Fonts,
        script: Script,
        orientation: Orientation,
        text: &'t str,
        max_lines: usize,
    ) -> Breakable<'t> {
        let forced = text.split('\n').count();
        let room = max_lines.saturating_sub(forced) + 1;
        let paragraphs = text
            .split('\n')
            .map(|line| paragraph(fonts, script, orientation, line, room))
            .collect();
        Breakable { text, paragraphs }
    }

    /// The text as it stands (its own lines only): the longest line (em) and the line count,
    /// equal to what [`Fonts::measure`](crate::spec::TextMeasurer::measure) gives at 1 mm.
    pub fn unbroken(&self) -> (f64, usize) {
        let longest = self
            .paragraphs
            .iter()
            .map(|p| p.width(0, p.cuts.len().saturating_sub(1)))
            .fold(0.0f64, f64::max);
        (longest, self.paragraphs.len())
    }

    /// The ways to break the text, fewest lines first: the text's own lines, then one more
    /// line at a time given to the paragraph with the longest line, while that shortens it
    /// (the best longest line for each total, as the paragraphs' balanced breakings allow).
    pub fn plans(&self, max_lines: usize) -> Vec<LinePlan> {
        let mut alloc = vec![1usize; self.paragraphs.len()];
        let mut out = Vec::new();
        loop {
            let mut worst = (0usize, f64::NEG_INFINITY);
            for (p, (para, &k)) in self.paragraphs.iter().zip(&alloc).enumerate() {
                let w = para.minmax.get(k - 1).copied().unwrap_or(f64::INFINITY);
                if w > worst.1 {
                    worst = (p, w);
                }
            }
            let lines: usize = alloc.iter().sum();
            out.push(LinePlan {
                lines,
                longest: worst.1.max(0.0),
                alloc: alloc.clone(),
            });
            let (p, longest) = worst;
            let Some(para) = self.paragraphs.get(p) else {
                break;
            };
            let Some(k) = alloc.get_mut(p) else {
                break;
            };
            let shorter = para.minmax.get(*k).is_some_and(|&w| w < longest - TOL_EM);
            if lines >= max_lines || !shorter {
                break;
            }
            *k += 1;
        }
        out
    }

    /// The text broken as `plan` says: each paragraph's chosen break points (a space run, or
    /// nothing between two characters) replaced by `\n`, the most even of the breakings with
    /// the plan's longest line.
    pub fn text_for(&self, plan: &LinePlan) -> String {
        let mut out = String::with_capacity(self.text.len() + 8);
        for (n, (para, &k)) in self.paragraphs.iter().zip(&plan.alloc).enumerate() {
            if n > 0 {
                out.push('\n');
            }
            let limit = para
                .minmax
                .get(k - 1)
                .copied()
                .unwrap_or(plan.longest)
                .max(0.0);
            let chosen = para.balanced_cuts(k, limit);
            let mut at = 0usize;
            for (m, &c) in chosen.iter().enumerate() {
                let Some(&(end, start)) = para.cuts.get(c) else {
                    continue;
                };
                if m == 0 || m + 1 == chosen.len() {
                    continue;
                }
                out.push_str(para.text.get(at..end).unwrap_or(""));
                out.push('\n');
                at = start;
            }
            out.push_str(para.text.get(at..).unwrap_or(""));
        }
        out
    }
}
