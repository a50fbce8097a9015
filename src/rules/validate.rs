//! Structural validation of a sign spec, before any rule: what makes a spec unusable rather
//! than non-compliant (the caller answers 422 with these fields).

use crate::spec::{same_up_to_breaks, Block, Script, SignSpec};
use serde::Serialize;
use std::ops::Deref;
use utoipa::ToSchema;

/// One unusable field, named as in the request (`layout.blocks[1].w`), with a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvalidField {
    pub field: String,
    pub message: String,
}

/// A spec that passed [`validate`]: the only way to make one, and what the engine and the
/// renderer take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidSpec(SignSpec);

impl ValidSpec {
    pub fn spec(&self) -> &SignSpec {
        &self.0
    }

    pub fn into_inner(self) -> SignSpec {
        self.0
    }
}

impl Deref for ValidSpec {
    type Target = SignSpec;

    fn deref(&self) -> &SignSpec {
        &self.0
    }
}

/// Largest sign side and any coordinate: 100 m.
pub const MAX_MM: f64 = 100_000.0;
pub const MAX_ZH_CHARS: usize = 200;
pub const MAX_MN_CHARS: usize = 1000;
pub const MAX_FOREIGN_CHARS: usize = 200;
/// Lines (columns) of one text.
pub const MAX_LINES: usize = 20;
pub const MAX_MATERIAL_CHARS: usize = 50;
pub const MAX_BLOCKS: usize = 3;

/// Whether `text` has a control character (Unicode Cc), a line break excepted where
/// `line_breaks` allows one. Mongolian format characters (FVS U+180B–U+180F, MVS, NNBSP U+202F,
/// ZWJ) are format or space characters, not control characters, and pass.
pub fn has_control_chars(text: &str, line_breaks: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(line_breaks && c == '\n'))
}

struct Errors(Vec<InvalidField>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(InvalidField {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A material name: at most [`MAX_MATERIAL_CHARS`], no control characters.
    fn material(&mut self, field: &str, m: Option<&str>) {
        let Some(m) = m else { return };
        if m.chars().count() > MAX_MATERIAL_CHARS {
            self.add(field, format!("材质不能超过 {MAX_MATERIAL_CHARS} 个字"));
        }
        if has_control_chars(m, false) {
            self.add(field, "材质含有不可见的控制字符，请删除");
        }
    }

    fn length_mm(&mut self, field: &str, v: f64, what: &str) {
        if !v.is_finite() || v <= 0.0 {
            self.add(field, format!("{what}必须是大于 0 的数字（毫米）"));
        } else if v > MAX_MM {
            self.add(field, format!("{what}不能超过 100 米（100000 毫米）"));
        }
    }

    fn coord_mm(&mut self, field: &str, v: f64, what: &str) {
        if !v.is_finite() || v.abs() > MAX_MM {
            self.add(
                field,
                format!("{what}必须是 -100000 到 100000 之间的数字（毫米）"),
            );
        }
    }
}

/// Checks that the spec can be judged at all: sizes finite, positive and at most 100 m, font
/// sizes positive, texts within their length limits and free of control characters, at most
/// one block per script, a block for every text when a layout is given, and a block's own
/// `text` equal to the spec's text up to line breaks. All problems are
/// reported at once.
pub fn validate(spec: SignSpec) -> Result<ValidSpec, Vec<InvalidField>> {
    let mut e = Errors(Vec::new());
    check_sign(&mut e, &spec);
    if let Some(layout) = &spec.layout {
        check_layout(&mut e, &spec, layout);
    }
    if e.0.is_empty() {
        Ok(ValidSpec(spec))
    } else {
        Err(e.0)
    }
}

fn check_sign(e: &mut Errors, spec: &SignSpec) {
    e.length_mm("sign.width_mm", spec.sign.width_mm, "招牌宽度");
    e.length_mm("sign.height_mm", spec.sign.height_mm, "招牌高度");
    e.material("sign.material", spec.sign.material.as_deref());

    let texts = [
        ("texts.mn", "蒙古文", spec.texts.mn.as_str(), MAX_MN_CHARS),
        ("texts.zh", "汉文", spec.texts.zh.as_str(), MAX_ZH_CHARS),
        (
            "texts.foreign",
            "外文",
            spec.texts.foreign.as_deref().unwrap_or(""),
            MAX_FOREIGN_CHARS,
        ),
    ];
    for (field, name, text, max) in texts {
        if text.chars().count() > max {
            e.add(field, format!("{name}不能超过 {max} 个字符"));
        }
        if text.split('\n').count() > MAX_LINES {
            e.add(field, format!("{name}不能超过 {MAX_LINES} 行"));
        }
        if has_control_chars(text, true) {
            e.add(
                field,
                format!("{name}含有不可见的控制字符（换行以外），请删除"),
            );
        }
    }
}

fn check_layout(e: &mut Errors, spec: &SignSpec, layout: &crate::spec::Layout) {
    if layout.blocks.len() > MAX_BLOCKS {
        e.add(
            "layout.blocks",
            format!("最多 {MAX_BLOCKS} 个文字框（蒙古文、汉文、外文各一个）"),
        );
    }
    for (i, block) in layout.blocks.iter().enumerate() {
        validate_block(e, i, block);
        validate_block_text(e, i, spec, block);
        if layout.blocks[..i].iter().any(|b| b.script == block.script) {
            e.add(
                format!("layout.blocks[{i}].script"),
                format!("{}只能有一个文字框", script_name(block.script)),
            );
        }
    }
    for script in [Script::Mn, Script::Zh, Script::Foreign] {
        if !spec.texts.get(script).trim().is_empty() && layout.block(script).is_none() {
            e.add(
                "layout.blocks",
                format!("版面缺少{}的文字框", script_name(script)),
            );
        }
    }
}

fn validate_block(e: &mut Errors, i: usize, b: &Block) {
    let f = |name: &str| format!("layout.blocks[{i}].{name}");
    e.coord_mm(&f("x"), b.x, "文字框位置 x");
    e.coord_mm(&f("y"), b.y, "文字框位置 y");
    e.length_mm(&f("w"), b.w, "文字框宽度");
    e.length_mm(&f("h"), b.h, "文字框高度");
    e.length_mm(&f("font_size_mm"), b.font_size_mm, "字号");
    e.material(&f("material"), b.material.as_deref());
}

/// A block's own `text` must be the spec's text of its script with only the line breaks
/// moved ([`same_up_to_breaks`]: a space may become a break and back; Chinese and foreign
/// text may also break between two characters, Mongolian only between words), and at most
/// [`MAX_LINES`] lines.
fn validate_block_text(e: &mut Errors, i: usize, spec: &SignSpec, b: &Block) {
    let Some(text) = &b.text else {
        return;
    };
    let field = format!("layout.blocks[{i}].text");
    let name = script_name(b.script);
    let original = spec.texts.get(b.script);
    if !same_up_to_breaks(original, text, b.script != Script::Mn) {
        let how = if b.script == Script::Mn {
            "只能在词与词之间（空格处）换行"
        } else {
            "只能在字与字之间或空格处换行"
        };
        e.add(
            field,
            format!("文字框中的{name}必须与填写的{name}完全一致，{how}，不能增删或改动文字"),
        );
    } else if text.split('\n').count() > MAX_LINES {
        e.add(field, format!("文字框中的{name}不能超过 {MAX_LINES} 行"));
    }
}

pub(crate) fn script_name(s: Script) -> &'static str {
    match s {
        Script::Mn => "蒙古文",
        Script::Zh => "汉文",
        Script::Foreign => "外文",
    }
}

#[cfg(test)]
mod tests {
    use super::has_control_chars;

    #[test]
    fn mongolian_format_characters_are_not_control_characters() {
        // FVS1–FVS3, MVS, FVS4, NNBSP, ZWJ, ZWNJ.
        let text = "ᠨᠠᠢ\u{180B}\u{180C}\u{180D}ᠮᠠ\u{180E}ᠨ\u{180F} ᠬᠣ\u{202F}ᠶᠢᠨ\u{200D}\u{200C}";
        assert!(!has_control_chars(text, false));
        assert!(!has_control_chars("第一行\n第二行", true));
        assert!(has_control_chars("第一行\n第二行", false));
        for c in ['\0', '\t', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(has_control_chars(&format!("a{c}b"), true), "{:?}", c);
        }
    }
}
