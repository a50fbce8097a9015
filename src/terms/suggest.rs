//! Suggested Mongolian for a Chinese text, from approved terms and remembered approved signs
//! only: never invented text. Pure: the indexes come in as data.
//!
//! An exact memory match (the same Chinese, whitespace aside) answers the remembered Mongolian
//! as it was approved. Otherwise the text is cut by [`crate::rules::segment`] into the longest
//! approved terms and remembered signs (a term preferred over a memory fragment of the same
//! length); the Mongolian of the pieces is joined in order with single spaces. Runs of Latin
//! letters and digits are passed through as they are; other punctuation and spaces only
//! separate; Chinese characters in no piece are listed as `unknown`.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::ToSchema;

use super::memory::MemoryRow;
use crate::rules::{is_han, segment, squeeze_spaces, TermBase};

/// Longest remembered sign (in chars) used as a fragment of a longer text.
const MAX_FRAGMENT_CHARS: usize = 40;
/// The score of an assembled suggestion is its coverage times this; an exact memory hit is 1.
const ASSEMBLED_WEIGHT: f64 = 0.9;

/// One remembered Mongolian of a Chinese text, and how often it was approved.
#[derive(Debug, Clone)]
struct Remembered {
    mn: String,
    count: u32,
    /// The approval number of the latest sign with this pair.
    reference: String,
}

/// The translation memory indexed by its Chinese (whitespace removed).
#[derive(Debug, Clone, Default)]
pub struct MemoryIndex {
    by_zh: HashMap<String, Vec<Remembered>>,
    lengths: Vec<usize>,
}

/// The Chinese of a memory entry as a key: without whitespace.
fn key(zh: &str) -> String {
    zh.chars().filter(|c| !c.is_whitespace()).collect()
}

impl MemoryIndex {
    /// Indexes rows given oldest first (the latest approval number wins as the reference).
    pub fn new(rows: impl IntoIterator<Item = MemoryRow>) -> MemoryIndex {
        let mut by_zh: HashMap<String, Vec<Remembered>> = HashMap::new();
        for row in rows {
            let k = key(&row.zh);
            if k.is_empty() || row.mn.trim().is_empty() {
                continue;
            }
            let list = by_zh.entry(k).or_default();
            match list.iter_mut().find(|r| r.mn == row.mn) {
                Some(r) => {
                    r.count += 1;
                    r.reference = row.approval_no;
                }
                None => list.push(Remembered {
                    mn: row.mn,
                    count: 1,
                    reference: row.approval_no,
                }),
            }
        }
        for list in by_zh.values_mut() {
            // Stable: among equally frequent forms the first approved stays first.
            list.sort_by_key(|r| std::cmp::Reverse(r.count));
        }
        let lengths = crate::rules::key_lengths(by_zh.keys().map(String::as_str))
            .into_iter()
            .filter(|&l| l <= MAX_FRAGMENT_CHARS)
            .collect();
        MemoryIndex { by_zh, lengths }
    }

    pub fn len(&self) -> usize {
        self.by_zh.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_zh.is_empty()
    }
}

/// Where a part of a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartSource {
    /// An approved term.
    Term,
    /// A remembered approved sign.
    Memory,
    /// Latin letters or digits, passed through.
    Literal,
    /// Chinese no term or sign covers: to be translated by hand.
    Unknown,
}

/// A piece of the Chinese and the Mongolian it was given (none for `unknown`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Part {
    pub zh: String,
    pub mn: Option<String>,
    pub from: PartSource,
    /// For `memory`: the approval number of the sign it was taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Suggestion {
    /// The suggested Mongolian: the parts' Mongolian in order, single spaces between.
    pub mn: String,
    /// Every piece of the Chinese in order, `unknown` ones included.
    pub parts: Vec<Part>,
    /// The share of the Chinese characters covered by terms and remembered signs (0–1).
    pub coverage: f64,
    /// 1 for an exact memory match; 0.9 × coverage for an assembled suggestion.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Suggestions {
    /// Best first; empty when nothing is known.
    pub suggestions: Vec<Suggestion>,
    /// The runs of Chinese no term or sign covers, in order.
    pub unknown: Vec<String>,
}

/// The approved terms and the memory, ready to suggest from.
#[derive(Debug, Clone, Default)]
pub struct Suggester {
    terms: Arc<TermBase>,
    memory: Arc<MemoryIndex>,
}

fn is_literal(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c as u32, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
}

/// Adds `c` to the run of its kind at the end of `parts` (when `extend`), or starts one.
fn push_char(parts: &mut Vec<Part>, c: char, from: PartSource, extend: bool) {
    match parts.last_mut() {
        Some(p) if extend && p.from == from => {
            p.zh.push(c);
            if let Some(mn) = p.mn.as_mut() {
                mn.push(c);
            }
        }
        _ => parts.push(Part {
            zh: c.to_string(),
            mn: (from == PartSource::Literal).then(|| c.to_string()),
            from,
            reference: None,
        }),
    }
}

impl Suggester {
    pub fn new(terms: Arc<TermBase>, memory: Arc<MemoryIndex>) -> Suggester {
        Suggester { terms, memory }
    }

    pub fn terms(&self) -> &Arc<TermBase> {
        &self.terms
    }

    pub fn memory(&self) -> &Arc<MemoryIndex> {
        &self.memory
    }

    /// The suggestions for a Chinese text.
    pub fn suggest(&self, zh: &str) -> Suggestions {
        let zh = zh.trim();
        if let Some(hits) = self.memory.by_zh.get(&key(zh)) {
            let suggestions = hits
                .iter()
                .map(|r| Suggestion {
                    mn: r.mn.clone(),
                    parts: vec![Part {
                        zh: zh.to_owned(),
                        mn: Some(r.mn.clone()),
                        from: PartSource::Memory,
                        reference: Some(r.reference.clone()),
                    }],
                    coverage: 1.0,
                    score: 1.0,
                })
                .collect();
            return Suggestions {
                suggestions,
                unknown: Vec::new(),
            };
        }
        self.assemble(zh)
    }

    /// The pieces of `zh` by longest match, with the Mongolian assembled from them.
    fn assemble(&self, zh: &str) -> Suggestions {
        let mut lengths: Vec<usize> = self.terms.lengths().to_vec();
        lengths.extend_from_slice(&self.memory.lengths);
        lengths.sort_unstable();
        lengths.dedup();
        let pieces = segment(zh, &lengths, |s| {
            if self.terms.get(s).is_some() {
                Some(0)
            } else {
                self.memory.by_zh.contains_key(s).then_some(1)
            }
        });
        let mut parts: Vec<Part> = Vec::new();
        let mut at = 0;
        let end = crate::rules::Piece {
            start: zh.len(),
            end: zh.len(),
            rank: 0,
        };
        for piece in pieces.iter().chain(std::iter::once(&end)) {
            // A separator (punctuation, a space) or a piece ends a run of one kind.
            let mut extend = false;
            for c in zh[at..piece.start].chars() {
                let from = if is_han(c) {
                    PartSource::Unknown
                } else if is_literal(c) {
                    PartSource::Literal
                } else {
                    extend = false;
                    continue;
                };
                push_char(&mut parts, c, from, extend);
                extend = true;
            }
            if piece.start < piece.end {
                parts.push(self.part(&zh[piece.start..piece.end], piece.rank));
            }
            at = piece.end;
        }
        Self::suggestions_of(parts)
    }

    fn part(&self, zh: &str, rank: u8) -> Part {
        if rank == 0 {
            if let Some(mn) = self.terms.get(zh) {
                return Part {
                    zh: zh.to_owned(),
                    mn: Some(mn.to_owned()),
                    from: PartSource::Term,
                    reference: None,
                };
            }
        }
        let best = self.memory.by_zh.get(zh).and_then(|list| list.first());
        Part {
            zh: zh.to_owned(),
            mn: best.map(|r| r.mn.clone()),
            from: if best.is_some() {
                PartSource::Memory
            } else {
                PartSource::Unknown
            },
            reference: best.map(|r| r.reference.clone()),
        }
    }

    fn suggestions_of(parts: Vec<Part>) -> Suggestions {
        let han = |s: &str| s.chars().filter(|&c| is_han(c)).count();
        let total: usize = parts.iter().map(|p| han(&p.zh)).sum();
        let covered: usize = parts
            .iter()
            .filter(|p| matches!(p.from, PartSource::Term | PartSource::Memory))
            .map(|p| han(&p.zh))
            .sum();
        let unknown: Vec<String> = parts
            .iter()
            .filter(|p| p.from == PartSource::Unknown)
            .map(|p| p.zh.clone())
            .collect();
        if covered == 0 {
            return Suggestions {
                suggestions: Vec::new(),
                unknown,
            };
        }
        let mn = parts
            .iter()
            .filter_map(|p| p.mn.as_deref())
            .map(squeeze_spaces)
            .filter(|m| !m.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let coverage = round3(covered as f64 / total as f64);
        Suggestions {
            suggestions: vec![Suggestion {
                mn,
                parts,
                coverage,
                score: round3(ASSEMBLED_WEIGHT * coverage),
            }],
            unknown,
        }
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAIMAN: &str = "ᠨᠠᠢᠮᠠᠨ";
    const TRADE: &str = "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ";
    const SHOP: &str = "ᠳᠡᠯᠭᠡᠭᠦᠷ";

    fn suggester(terms: &[(&str, &str)], memory: &[(&str, &str)]) -> Suggester {
        let terms = TermBase::new(terms.iter().map(|(z, m)| (z.to_string(), m.to_string())));
        let rows = memory.iter().enumerate().map(|(i, (z, m))| MemoryRow {
            application_id: format!("a{i}"),
            approval_no: format!("No.{i}"),
            zh: z.to_string(),
            mn: m.to_string(),
            approved_at: chrono::NaiveDateTime::default(),
        });
        Suggester::new(Arc::new(terms), Arc::new(MemoryIndex::new(rows)))
    }

    fn kinds(s: &Suggestion) -> Vec<(String, PartSource)> {
        s.parts.iter().map(|p| (p.zh.clone(), p.from)).collect()
    }

    #[test]
    fn latin_and_digits_pass_through_and_punctuation_separates() {
        let s = suggester(&[("奈曼", NAIMAN), ("商店", SHOP)], &[]);
        let out = s.suggest("奈曼·KFC 24小时（商店）");
        let first = &out.suggestions[0];
        assert_eq!(first.mn, format!("{NAIMAN} KFC 24 {SHOP}"));
        use PartSource::*;
        let expected = [
            ("奈曼", Term),
            ("KFC", Literal),
            ("24", Literal),
            ("小时", Unknown),
            ("商店", Term),
        ];
        assert_eq!(kinds(first), expected.map(|(z, k)| (z.to_string(), k)));
        assert_eq!(out.unknown, ["小时"]);
        assert_eq!(first.coverage, 0.667);
    }

    #[test]
    fn an_exact_memory_hit_wins_and_keeps_its_text() {
        let approved = format!("{NAIMAN}\n{TRADE}");
        let s = suggester(
            &[("奈曼", SHOP)],
            &[("奈曼商贸", &approved), ("奈曼商贸", &approved)],
        );
        let out = s.suggest(" 奈曼 商贸 ");
        assert_eq!(out.suggestions.len(), 1);
        assert_eq!(out.suggestions[0].mn, approved);
        assert_eq!(out.suggestions[0].score, 1.0);
        assert_eq!(
            out.suggestions[0].parts[0].reference.as_deref(),
            Some("No.1")
        );
    }

    #[test]
    fn terms_win_over_memory_fragments_and_fragments_fill_gaps() {
        let s = suggester(&[("商贸", TRADE)], &[("商贸", SHOP), ("奈曼", NAIMAN)]);
        let out = s.suggest("奈曼商贸城");
        let first = &out.suggestions[0];
        assert_eq!(first.mn, format!("{NAIMAN} {TRADE}"));
        assert_eq!(first.parts[0].from, PartSource::Memory);
        assert_eq!(first.parts[1].from, PartSource::Term);
        assert_eq!(out.unknown, ["城"]);
    }

    #[test]
    fn nothing_known_means_no_suggestion() {
        let s = suggester(&[("商店", SHOP)], &[]);
        let out = s.suggest("超市");
        assert!(out.suggestions.is_empty());
        assert_eq!(out.unknown, ["超市"]);
    }
}
