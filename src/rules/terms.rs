//! Rule T3 (consistency with the commission's term base) and the segmentation it shares with
//! the translators' suggestions: the Chinese text cut into the longest dictionary entries.
//!
//! The rules stay pure: the approved terms come in as data ([`TermBase`]), built by whoever
//! reads them from the database.

use std::collections::HashMap;

use super::hanzi::is_han;
use super::{Detail, Findings};
use crate::spec::SignSpec;
use serde_json::json;

/// The approved terms: Chinese → the standard Mongolian form.
#[derive(Debug, Clone, Default)]
pub struct TermBase {
    by_zh: HashMap<String, String>,
    /// The distinct lengths (in chars) of the Chinese keys, ascending.
    lengths: Vec<usize>,
}

impl TermBase {
    /// A base of `(zh, mn)` pairs; a later pair with the same Chinese replaces an earlier one.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> TermBase {
        let by_zh: HashMap<String, String> = pairs
            .into_iter()
            .filter(|(zh, mn)| !zh.is_empty() && !mn.trim().is_empty())
            .collect();
        let lengths = key_lengths(by_zh.keys().map(String::as_str));
        TermBase { by_zh, lengths }
    }

    pub fn len(&self) -> usize {
        self.by_zh.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_zh.is_empty()
    }

    /// The approved Mongolian of a Chinese term.
    pub fn get(&self, zh: &str) -> Option<&str> {
        self.by_zh.get(zh).map(String::as_str)
    }

    /// The distinct lengths (in chars) of the terms, ascending.
    pub fn lengths(&self) -> &[usize] {
        &self.lengths
    }

    /// The approved terms found in `zh` by [`segment`], each once, in text order.
    pub fn found_in<'a>(&'a self, zh: &str) -> Vec<(&'a str, &'a str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        let pieces = segment(zh, &self.lengths, |s| {
            self.by_zh.contains_key(s).then_some(0)
        });
        for piece in pieces {
            let Some((key, mn)) = self.by_zh.get_key_value(&zh[piece.start..piece.end]) else {
                continue;
            };
            if !out.iter().any(|(k, _)| *k == key.as_str()) {
                out.push((key.as_str(), mn.as_str()));
            }
        }
        out
    }
}

/// The distinct char lengths of some keys, ascending.
pub fn key_lengths<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut lengths: Vec<usize> = keys.map(|k| k.chars().count()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    lengths
}

/// One dictionary entry found in a text: byte range and the rank its lookup gave (lower is
/// preferred: a term before a memory fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub rank: u8,
}

/// Chinese characters left uncovered, pieces used, sum of their ranks: compared in that order.
type Cost = (usize, usize, u32);
/// The first piece of the best cover from a position: its length in chars and its rank.
type Step = Option<(usize, u8)>;

/// Cuts `text` into dictionary entries: the cover that leaves the fewest Chinese characters
/// uncovered, then uses the fewest (so the longest) entries, then prefers lower ranks.
/// `lookup` answers the rank of a substring that is an entry; `lengths` are the entry lengths
/// (in chars) worth trying. Characters outside every entry are left to the caller.
pub fn segment(text: &str, lengths: &[usize], lookup: impl Fn(&str) -> Option<u8>) -> Vec<Piece> {
    let offsets: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    // best[i]: the cost of the best cover of chars[i..] and its first step.
    let mut best: Vec<(Cost, Step)> = vec![((0, 0, 0), None); n + 1];
    for i in (0..n).rev() {
        let (u, p, r) = best[i + 1].0;
        let mut here = ((u + usize::from(is_han(chars[i])), p, r), None);
        for &len in lengths.iter().filter(|&&l| l > 0 && i + l <= n) {
            if let Some(rank) = lookup(&text[offsets[i]..offsets[i + len]]) {
                let (u, p, r) = best[i + len].0;
                let cost = (u, p + 1, r + u32::from(rank));
                if cost < here.0 {
                    here = (cost, Some((len, rank)));
                }
            }
        }
        best[i] = here;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        match best[i].1 {
            Some((len, rank)) => {
                out.push(Piece {
                    start: offsets[i],
                    end: offsets[i + len],
                    rank,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// Runs of spaces, tabs and line breaks as single spaces, trimmed. The narrow no-break space
/// (U+202F) of Mongolian suffixes is a letter joiner, not a gap: it is kept.
pub fn squeeze_spaces(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// T3: every approved term found in the Chinese has its approved Mongolian form in the
/// Mongolian. Skipped while the Mongolian is absent (R1 speaks then).
pub(crate) fn t3(spec: &SignSpec, terms: &TermBase, out: &mut Findings<'_>) {
    if terms.is_empty() || !spec.texts.mn.chars().any(char::is_alphabetic) {
        return;
    }
    let mn = squeeze_spaces(&spec.texts.mn);
    for (zh, expected) in terms.found_in(&spec.texts.zh) {
        if mn.contains(&squeeze_spaces(expected)) {
            continue;
        }
        out.push(
            "T3",
            "term_mismatch",
            Detail {
                field: Some("texts.mn".into()),
                params: &[("term", zh.to_string()), ("expected", expected.to_string())],
                expected: Some(json!({ "term": zh, "mn": expected })),
                ..Detail::default()
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(pairs: &[(&str, &str)]) -> TermBase {
        TermBase::new(pairs.iter().map(|(z, m)| (z.to_string(), m.to_string())))
    }

    fn cut(text: &str, b: &TermBase) -> Vec<String> {
        segment(text, b.lengths(), |s| b.get(s).map(|_| 0))
            .into_iter()
            .map(|p| text[p.start..p.end].to_string())
            .collect()
    }

    #[test]
    fn the_longest_entry_wins() {
        let b = base(&[("有限", "a"), ("公司", "b"), ("有限公司", "c")]);
        assert_eq!(cut("蒙古有限公司", &b), ["有限公司"]);
    }

    #[test]
    fn overlapping_entries_are_resolved_for_the_best_cover() {
        // Greedy longest-first would take 蒙古族 and leave 饭店 alone; 族饭 is no entry.
        let b = base(&[("蒙古", "a"), ("蒙古族", "b"), ("族饭店", "c")]);
        assert_eq!(cut("蒙古族饭店", &b), ["蒙古", "族饭店"]);
        // Where both covers are complete, fewer pieces win.
        let b = base(&[("蒙古", "a"), ("族", "b"), ("蒙古族", "c")]);
        assert_eq!(cut("蒙古族", &b), ["蒙古族"]);
    }

    #[test]
    fn punctuation_latin_and_digits_are_left_out_of_pieces() {
        let b = base(&[("超市", "a"), ("饭店", "b")]);
        assert_eq!(cut("KFC 24小时超市·饭店（新）", &b), ["超市", "饭店"]);
    }

    #[test]
    fn lower_ranks_win_ties() {
        let text = "超市";
        let pieces = segment(text, &[2], |_| Some(1));
        assert_eq!(pieces[0].rank, 1);
        let pieces = segment(text, &[1, 2], |s| Some(if s == "超市" { 0 } else { 1 }));
        assert_eq!((pieces.len(), pieces[0].rank), (1, 0));
    }

    #[test]
    fn found_in_lists_each_term_once() {
        let b = base(&[("超市", "a"), ("蒙古", "b")]);
        assert_eq!(b.found_in("蒙古超市蒙古"), [("蒙古", "b"), ("超市", "a")]);
        assert!(b.found_in("饭店").is_empty());
    }
}
