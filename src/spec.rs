//! The sign spec of `docs/rules.md` and the vocabulary shared by the checker and the renderer:
//! what a merchant submits, what the rules judge and what the preview draws.
//!
//! Units are millimetres; the origin is the sign's top-left as the viewer faces it, x to the
//! right, y down. Types here are plain data: no database, no HTTP.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// A whole sign as submitted to the check, preview and application endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SignSpec {
    pub sign: Sign,
    pub texts: Texts,
    /// The merchant asks the commission's translators to write the Mongolian text.
    #[serde(default)]
    pub translation_requested: bool,
    /// One block per text; `None` lets the service compose a layout.
    #[serde(default)]
    pub layout: Option<Layout>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sign {
    pub kind: SignKind,
    #[schema(exclusive_minimum = 0.0, maximum = 100000.0)]
    pub width_mm: f64,
    #[schema(exclusive_minimum = 0.0, maximum = 100000.0)]
    pub height_mm: f64,
    pub arrangement: Arrangement,
    #[serde(default = "Color::white")]
    pub background: Color,
    /// Default material of the text blocks (acrylic, stainless steel, …).
    #[serde(default)]
    #[schema(max_length = 50, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub material: Option<String>,
    /// Default lighting of the text blocks.
    #[serde(default)]
    pub illuminated: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignKind {
    ShopPlaque,
    UnitPlaque,
    Lightbox,
    VerticalPlaque,
    LedScreen,
    Billboard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Arrangement {
    Horizontal,
    Vertical,
    SeparatePanels,
    Ring,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Texts {
    /// Traditional Mongolian (Unicode U+1800–U+18AF); may be empty while a translation is pending.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub mn: String,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub zh: String,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub foreign: Option<String>,
}

impl SignSpec {
    /// The text a block lays out: its own `text` (the spec's text with line breaks moved)
    /// when it has one, else the spec's text for its script. Everything that measures or
    /// draws a block's text goes through here.
    pub fn block_text<'a>(&'a self, block: &'a Block) -> &'a str {
        match &block.text {
            Some(text) => text,
            None => self.texts.get(block.script),
        }
    }
}

impl Texts {
    pub fn get(&self, script: Script) -> &str {
        match script {
            Script::Mn => &self.mn,
            Script::Zh => &self.zh,
            Script::Foreign => self.foreign.as_deref().unwrap_or(""),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Layout {
    #[schema(max_items = 3)]
    pub blocks: Vec<Block>,
}

impl Layout {
    /// The first block of a script (a valid layout has at most one each).
    pub fn block(&self, script: Script) -> Option<&Block> {
        self.blocks.iter().find(|b| b.script == script)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Mn,
    Zh,
    Foreign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    Horizontal,
    Vertical,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Natural advances.
    #[default]
    None,
    /// Scaled along the line so the text fills the box's line length (factor 0.5–2.0).
    Stretch,
}

/// One text placed on the sign: a box, a font size (the em) and its appearance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Block {
    pub script: Script,
    #[schema(minimum = -100000.0, maximum = 100000.0)]
    pub x: f64,
    #[schema(minimum = -100000.0, maximum = 100000.0)]
    pub y: f64,
    #[schema(exclusive_minimum = 0.0, maximum = 100000.0)]
    pub w: f64,
    #[schema(exclusive_minimum = 0.0, maximum = 100000.0)]
    pub h: f64,
    #[schema(exclusive_minimum = 0.0, maximum = 100000.0)]
    pub font_size_mm: f64,
    pub orientation: Orientation,
    #[serde(default)]
    pub fit: Fit,
    #[serde(default = "Color::black")]
    pub color: Color,
    #[serde(default)]
    #[schema(max_length = 50, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub material: Option<String>,
    #[serde(default)]
    pub illuminated: Option<bool>,
    /// The block's text as laid out, with the composer's (or the merchant's) line breaks;
    /// absent: the spec's text for this script. It may differ from that text only in where
    /// lines break (see [`same_up_to_breaks`]): a space may become `\n` and back, and in a
    /// Chinese or foreign block a `\n` may be inserted between two characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Block {
    /// The length of the box along the text's lines.
    pub fn line_axis_len(&self) -> f64 {
        match self.orientation {
            Orientation::Horizontal => self.w,
            Orientation::Vertical => self.h,
        }
    }

    /// The length of the box across the text's lines.
    pub fn cross_axis_len(&self) -> f64 {
        match self.orientation {
            Orientation::Horizontal => self.h,
            Orientation::Vertical => self.w,
        }
    }
}

/// Whether `c` separates words where a line may break: a space, a newline or the
/// ideographic space U+3000. (NNBSP U+202F and NBSP are part of the word: never a break.)
pub fn is_break_space(c: char) -> bool {
    matches!(c, ' ' | '\n' | '\u{3000}')
}

/// Whether `laid_out` is `original` with only its line breaks moved — the rule a block's
/// `text` must follow. Write `strip(s)` for `s` without its break spaces (space, `\n`,
/// U+3000) and call a *gap* of `s` a position in `strip(s)` where `s` has a run of break
/// spaces (the start and the end count too). Then `laid_out` is valid iff
/// 1. `strip(laid_out) == strip(original)`: the same characters in the same order;
/// 2. every gap of `original` is a gap of `laid_out`: no two words are joined (a space may
///    become `\n` or a `\n` a space);
/// 3. every gap of `laid_out` that `original` lacks is exactly one `\n` and, when
///    `split_words` is false (Mongolian), there is none: a Mongolian line breaks only where the
///    text has a space or a break, never inside a word (nor between a letter and its FVS, MVS
///    or NNBSP). Chinese and foreign text may break between any two characters.
pub fn same_up_to_breaks(original: &str, laid_out: &str, split_words: bool) -> bool {
    /// The characters without break spaces, and for each gap its position and its text.
    fn parts(s: &str) -> (Vec<char>, Vec<(usize, &str)>) {
        let mut chars = Vec::with_capacity(s.len());
        let mut gaps = Vec::new();
        let mut gap_start: Option<usize> = None;
        for (i, c) in s.char_indices() {
            if is_break_space(c) {
                gap_start.get_or_insert(i);
            } else {
                if let Some(start) = gap_start.take() {
                    gaps.push((chars.len(), &s[start..i]));
                }
                chars.push(c);
            }
        }
        if let Some(start) = gap_start {
            gaps.push((chars.len(), &s[start..]));
        }
        (chars, gaps)
    }
    let (a_chars, a_gaps) = parts(original);
    let (b_chars, b_gaps) = parts(laid_out);
    if a_chars != b_chars {
        return false;
    }
    let mut a = a_gaps.iter().peekable();
    for &(pos, gap) in &b_gaps {
        // Gaps of the original before this one that the layout dropped: words joined.
        if a.peek().is_some_and(|&&(p, _)| p < pos) {
            return false;
        }
        if a.peek().is_some_and(|&&(p, _)| p == pos) {
            a.next();
        } else if !(split_words && gap == "\n") {
            return false;
        }
    }
    a.next().is_none()
}

/// An sRGB colour written `#RRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ToSchema)]
#[schema(value_type = String, example = "#FFFFFF")]
pub struct Color(pub [u8; 3]);

impl Color {
    pub fn white() -> Self {
        Color([255, 255, 255])
    }

    pub fn black() -> Self {
        Color([0, 0, 0])
    }

    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Color([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02X}{g:02X}{b:02X}")
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("colour must be #RRGGBB, got {s:?}")))
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Waiting on the translators (R1 while the Mongolian text is requested).
    Pending,
    Warning,
    Error,
}

/// One broken rule, in words a merchant understands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// Rule id of docs/rules.md: `R1`, `T2`, `I3`, …
    pub rule: String,
    pub severity: Severity,
    /// Stable snake_case code, e.g. `size_ratio`.
    pub code: String,
    /// Chinese message for the merchant.
    pub message: String,
    /// Mongolian message where the profile has one (`null` until the translators supply it).
    #[serde(default)]
    pub message_mn: Option<String>,
    /// The field or block the finding concerns (`texts.zh`, `layout.blocks[0]`, `designs[1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Any JSON: a number, a string or an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Value>)]
    pub measured: Option<serde_json::Value>,
    /// Any JSON: a number, a string or an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Value>)]
    pub expected: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    /// `fail` when any error, else `warn` when any warning, else `pass`.
    pub fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Fail
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            Verdict::Warn
        } else {
            Verdict::Pass
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// What an uploaded design image is, as far as the rules care (I3, I4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DesignInfo {
    pub width_px: u32,
    pub height_px: u32,
}

/// The shaped size of a text, from the shipped fonts (never from character counts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextMeasure {
    /// Natural (unstretched) length in mm of each line, lines split at `\n`.
    pub line_lengths_mm: Vec<f64>,
    /// Whether any glyph of the shaped text is `.notdef` (the font cannot draw it).
    pub has_notdef: bool,
}

/// Measures text with the shipped fonts; implemented by the renderer so that the preview and
/// the checks never disagree.
pub trait TextMeasurer: Send + Sync {
    fn measure(
        &self,
        script: Script,
        text: &str,
        orientation: Orientation,
        font_size_mm: f64,
    ) -> TextMeasure;
}
