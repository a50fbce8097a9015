//! The suggester never invents text: every word of a suggested Mongolian is a word of an
//! approved term, of a remembered approved sign, or a run of Latin letters or digits copied
//! from the Chinese; and the parts of an assembled suggestion are the Chinese in order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;

use signboard::rules::TermBase;
use signboard::terms::memory::MemoryRow;
use signboard::terms::suggest::MemoryIndex;
use signboard::terms::{PartSource, Suggester};

const HAN: &[&str] = &["奈", "曼", "旗", "民", "族", "商", "贸", "城", "超", "市"];
const OTHER: &[&str] = &["1", "2", "A", "b", "·", " ", "、", "（"];
const WORDS: &[&str] = &["ᠨᠠᠢᠮᠠᠨ", "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ", "ᠶᠢᠨ", "ᠲᠥᠪ", "ᠳᠡᠯᠭᠡᠭᠦᠷ"];

fn han(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(HAN), 1..=max).prop_map(|v| v.concat())
}

fn mongolian(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..=max).prop_map(|v| v.join(" "))
}

fn input() -> impl Strategy<Value = String> {
    let any: Vec<&str> = HAN.iter().chain(OTHER).copied().collect();
    prop::collection::vec(prop::sample::select(any), 0..16).prop_map(|v| v.concat())
}

fn literal_runs(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

proptest! {
    #[test]
    fn suggestions_use_only_known_words(
        terms in prop::collection::vec((han(4), mongolian(2)), 0..12),
        memory in prop::collection::vec((han(6), mongolian(3)), 0..12),
        zh in input(),
    ) {
        let mut known: HashSet<String> = HashSet::new();
        for (_, mn) in terms.iter().chain(&memory) {
            known.extend(mn.split(' ').map(str::to_owned));
        }
        known.extend(literal_runs(&zh));
        let rows = memory.iter().enumerate().map(|(i, (z, m))| MemoryRow {
            application_id: format!("a{i}"),
            approval_no: format!("no{i}"),
            zh: z.clone(),
            mn: m.clone(),
            approved_at: chrono::NaiveDateTime::default(),
        });
        let s = Suggester::new(Arc::new(TermBase::new(terms.clone())), Arc::new(MemoryIndex::new(rows)));
        let out = s.suggest(&zh);
        for sug in &out.suggestions {
            for word in sug.mn.split(' ') {
                prop_assert!(known.contains(word), "invented {word:?} in {sug:?}");
            }
            prop_assert!((0.0..=1.0).contains(&sug.coverage));
            if sug.score < 1.0 {
                let pieces: String = sug.parts.iter().map(|p| p.zh.as_str()).collect();
                let expected: String = zh
                    .chars()
                    .filter(|c| HAN.contains(&c.to_string().as_str()) || c.is_ascii_alphanumeric())
                    .collect();
                prop_assert_eq!(pieces, expected);
                for p in &sug.parts {
                    prop_assert_eq!(p.mn.is_none(), p.from == PartSource::Unknown);
                }
            }
        }
        for u in &out.unknown {
            prop_assert!(zh.contains(u.as_str()));
        }
    }
}
