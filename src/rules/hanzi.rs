//! T1's data: OpenCC's traditional→simplified table (ferrous-opencc, Apache-2.0) and the
//! 8,105 characters of 《通用规范汉字表》 (2013), see `data/README.md`.

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use std::collections::HashSet;
use std::sync::LazyLock;

/// A CJK ideograph (the unified blocks, extensions, compatibility ideographs, 〇).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF | 0x3007)
}

const TONGYONG_TSV: &str = include_str!("data/tongyong-guifan-hanzi-2013.tsv");

static TONGYONG: LazyLock<HashSet<char>> = LazyLock::new(|| {
    TONGYONG_TSV
        .lines()
        .filter_map(|line| line.split('\t').nth(1)?.chars().next())
        .collect()
});

static T2S: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| match OpenCC::from_config(BuiltinConfig::T2s) {
        Ok(cc) => Some(cc),
        Err(e) => {
            // Embedded data of the crate; a test proves it loads. Without it T1 reports
            // only characters outside the standard list.
            tracing::error!(error = %e, "OpenCC t2s table failed to load");
            None
        }
    });

/// Whether a character is one of the 8,105 standard characters.
pub(crate) fn is_standard(c: char) -> bool {
    TONGYONG.contains(&c)
}

/// Number of characters in the embedded standard list (8,105).
pub(crate) fn standard_count() -> usize {
    TONGYONG.len()
}

pub(crate) struct Classified {
    /// Traditional characters with their simplified form, deduplicated, in text order.
    pub traditional: Vec<(char, String)>,
    /// Han characters outside the standard list that are not traditional forms.
    pub nonstandard: Vec<char>,
}

/// Finds traditional and non-standard characters in Chinese text.
///
/// A character counts as traditional when OpenCC maps it to another form on its own. Some
/// standard characters are also the traditional form of another (乾/干, 於/于, 著/着): those
/// are judged in context (OpenCC's phrase table keeps 乾隆 and turns 乾货 into 干货), and only
/// flagged when the whole-text conversion changes them too.
pub(crate) fn classify(zh: &str) -> Classified {
    let mut out = Classified {
        traditional: Vec::new(),
        nonstandard: Vec::new(),
    };
    let chars: Vec<char> = zh.chars().collect();
    if !chars.iter().any(|&c| is_han(c)) {
        return out;
    }
    let cc = T2S.as_ref();
    let in_context: Option<Vec<char>> = cc
        .map(|cc| cc.convert(zh).chars().collect::<Vec<char>>())
        .filter(|conv| conv.len() == chars.len());
    let mut buf = [0u8; 4];
    for (i, &c) in chars.iter().enumerate() {
        if !is_han(c) {
            continue;
        }
        let alone = cc.map(|cc| cc.convert(c.encode_utf8(&mut buf)));
        let alone = alone.filter(|s| s.chars().ne(std::iter::once(c)));
        let standard = is_standard(c);
        let context = in_context
            .as_ref()
            .and_then(|v| v.get(i).copied())
            .filter(|&s| s != c);
        let simplified = match (alone, standard, context) {
            (Some(_), true, Some(s)) => Some(s.to_string()),
            (Some(_), true, None) => None,
            (Some(s), false, ctx) => Some(ctx.map_or(s, |c| c.to_string())),
            (None, _, _) => None,
        };
        if let Some(s) = simplified {
            if !out.traditional.iter().any(|(t, _)| *t == c) {
                out.traditional.push((c, s));
            }
        } else if !standard && !out.nonstandard.contains(&c) {
            out.nonstandard.push(c);
        }
    }
    out
}

/// Whether OpenCC's table loaded (for tests and start-up checks).
pub(crate) fn t2s_loaded() -> bool {
    T2S.is_some()
}
