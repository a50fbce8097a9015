//! Text rules: R1 (both scripts), R2 (traditional Mongolian script), R2a (well-formed
//! Mongolian), T1 (standard simplified hanzi), T2 (each field its own script), R15 (banned
//! terms).

use super::hanzi::{self, is_han};
use super::{quote_chars, Detail, Findings};
use crate::spec::{Orientation, Script, SignSpec, TextMeasurer};
use serde_json::json;

pub(crate) fn check(spec: &SignSpec, measurer: &dyn TextMeasurer, out: &mut Findings<'_>) {
    let mn = spec.texts.mn.as_str();
    let zh = spec.texts.zh.as_str();
    r1(spec, out);
    if has_letter(mn) {
        r2(mn, out);
        r2a(spec, measurer, out);
    }
    t1(zh, out);
    t2(zh, out);
    r15(spec, out);
}

fn has_letter(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

fn r1(spec: &SignSpec, out: &mut Findings<'_>) {
    if !has_letter(&spec.texts.mn) {
        let key = if spec.translation_requested {
            "translation_pending"
        } else {
            "missing_mn"
        };
        out.push(
            "R1",
            key,
            Detail {
                field: Some("texts.mn".into()),
                ..Detail::default()
            },
        );
    }
    if !has_letter(&spec.texts.zh) {
        out.push(
            "R1",
            "missing_zh",
            Detail {
                field: Some("texts.zh".into()),
                ..Detail::default()
            },
        );
    }
}

/// Letters of the traditional Mongolian script (with the Todo, Sibe, Manchu and Ali Gali
/// additions of the block).
pub(crate) fn is_mongolian_letter(c: char) -> bool {
    matches!(c as u32, 0x1820..=0x1878 | 0x1880..=0x18AA)
}

fn is_fvs(c: char) -> bool {
    matches!(c as u32, 0x180B..=0x180D | 0x180F)
}

const MVS: char = '\u{180E}';
const NNBSP: char = '\u{202F}';

fn allowed_in_mn(c: char) -> bool {
    is_mongolian_letter(c)
        || matches!(c as u32,
            0x1800..=0x180A   // punctuation
            | 0x1810..=0x1819 // digits
            | 0x180B..=0x180F // FVS1–3, MVS, FVS4
            | 0x202F          // NNBSP
            | 0x200C | 0x200D // ZWNJ, ZWJ
        )
        || c.is_ascii_digit()
        || matches!(c, ' ' | '\n' | '-' | '·' | '.' | ',')
}

pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F)
}

pub(crate) fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic()
            && matches!(c as u32,
                0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF
                | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A))
}

fn r2(mn: &str, out: &mut Findings<'_>) {
    let mut by_class: [Vec<char>; 4] = Default::default();
    for c in mn.chars().filter(|c| !allowed_in_mn(*c)) {
        let class = if is_cyrillic(c) {
            0
        } else if is_latin_letter(c) {
            1
        } else if is_han(c) {
            2
        } else {
            3
        };
        by_class[class].push(c);
    }
    for (key, chars) in ["cyrillic", "latin", "han", "other"]
        .into_iter()
        .zip(by_class)
    {
        if !chars.is_empty() {
            out.push(
                "R2",
                key,
                Detail {
                    field: Some("texts.mn".into()),
                    params: &[("chars", quote_chars(&chars))],
                    ..Detail::default()
                },
            );
        }
    }
}

fn r2a(spec: &SignSpec, measurer: &dyn TextMeasurer, out: &mut Findings<'_>) {
    let block = spec.layout.as_ref().and_then(|l| l.block(Script::Mn));
    let (orientation, size) = match block {
        Some(b) if b.font_size_mm.is_finite() && b.font_size_mm > 0.0 => {
            (b.orientation, b.font_size_mm)
        }
        _ => (Orientation::Vertical, 100.0),
    };
    r2a_text(&spec.texts.mn, (orientation, size), measurer, out);
}

/// R2 and R2a on a Mongolian text alone (a term of the term base, say), drawn vertically.
pub(crate) fn mongolian(mn: &str, measurer: &dyn TextMeasurer, out: &mut Findings<'_>) {
    r2(mn, out);
    r2a_text(mn, (Orientation::Vertical, 100.0), measurer, out);
}

fn r2a_text(
    mn: &str,
    (orientation, size): (Orientation, f64),
    measurer: &dyn TextMeasurer,
    out: &mut Findings<'_>,
) {
    let chars: Vec<char> = mn.chars().collect();
    let mut fvs_orphan = Vec::new();
    let mut mvs_misplaced = Vec::new();
    let mut nnbsp_misplaced = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        if is_fvs(c) && !prev.is_some_and(is_mongolian_letter) {
            fvs_orphan.push(i + 1);
        } else if c == MVS && !matches!(next, Some('\u{1820}' | '\u{1821}')) {
            mvs_misplaced.push(i + 1);
        } else if c == NNBSP
            && !(prev.is_some_and(|p| is_mongolian_letter(p) || is_fvs(p))
                && next.is_some_and(is_mongolian_letter))
        {
            nnbsp_misplaced.push(i + 1);
        }
    }
    for (key, positions) in [
        ("fvs_orphan", fvs_orphan),
        ("mvs_misplaced", mvs_misplaced),
        ("nnbsp_misplaced", nnbsp_misplaced),
    ] {
        if !positions.is_empty() {
            let shown: Vec<String> = positions.iter().take(10).map(|p| p.to_string()).collect();
            let mut list = shown.join("、");
            if positions.len() > 10 {
                list.push('…');
            }
            out.push(
                "R2a",
                key,
                Detail {
                    field: Some("texts.mn".into()),
                    params: &[("positions", list)],
                    measured: Some(json!({ "positions": positions })),
                    ..Detail::default()
                },
            );
        }
    }

    if measurer
        .measure(Script::Mn, mn, orientation, size)
        .has_notdef
    {
        out.push(
            "R2a",
            "unrenderable",
            Detail {
                field: Some("texts.mn".into()),
                ..Detail::default()
            },
        );
    }
}

fn t1(zh: &str, out: &mut Findings<'_>) {
    if zh.is_empty() {
        return;
    }
    let found = hanzi::classify(zh);
    if !found.traditional.is_empty() {
        let pairs: Vec<String> = found
            .traditional
            .iter()
            .map(|(t, s)| format!("{t} → {s}"))
            .collect();
        let measured: Vec<_> = found
            .traditional
            .iter()
            .map(|(t, s)| json!({ "char": t.to_string(), "simplified": s }))
            .collect();
        out.push(
            "T1",
            "zh_traditional",
            Detail {
                field: Some("texts.zh".into()),
                params: &[("pairs", pairs.join("、"))],
                measured: Some(json!(measured)),
                ..Detail::default()
            },
        );
    }
    if !found.nonstandard.is_empty() {
        let measured: Vec<String> = found.nonstandard.iter().map(|c| c.to_string()).collect();
        out.push(
            "T1",
            "zh_nonstandard",
            Detail {
                field: Some("texts.zh".into()),
                params: &[("chars", quote_chars(&found.nonstandard))],
                measured: Some(json!(measured)),
                ..Detail::default()
            },
        );
    }
}

fn t2(zh: &str, out: &mut Findings<'_>) {
    let foreign_script: Vec<char> = zh
        .chars()
        .filter(|&c| is_cyrillic(c) || (0x1800..=0x18AF).contains(&(c as u32)))
        .collect();
    if !foreign_script.is_empty() {
        out.push(
            "T2",
            "zh_foreign_script",
            Detail {
                field: Some("texts.zh".into()),
                params: &[("chars", quote_chars(&foreign_script))],
                ..Detail::default()
            },
        );
    }
    let latin: Vec<char> = zh.chars().filter(|&c| is_latin_letter(c)).collect();
    if !latin.is_empty() {
        out.push(
            "T2",
            "foreign_in_zh",
            Detail {
                field: Some("texts.zh".into()),
                params: &[("chars", quote_chars(&latin))],
                ..Detail::default()
            },
        );
    }
}

fn r15(spec: &SignSpec, out: &mut Findings<'_>) {
    let profile = out.profile();
    if profile.blocklist().is_empty() {
        return;
    }
    let fields = [
        ("texts.zh", "汉文", spec.texts.zh.as_str()),
        ("texts.mn", "蒙古文", spec.texts.mn.as_str()),
        (
            "texts.foreign",
            "外文",
            spec.texts.foreign.as_deref().unwrap_or(""),
        ),
    ];
    for (field, name, text) in fields {
        // Case and spacing are no way around the list.
        let folded = fold(text);
        for term in profile.blocklist() {
            let t = fold(term);
            if !t.is_empty() && folded.contains(&t) {
                out.push(
                    "R15",
                    "banned_term",
                    Detail {
                        field: Some(field.into()),
                        params: &[("field", name.to_string()), ("term", term.clone())],
                        ..Detail::default()
                    },
                );
            }
        }
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}
