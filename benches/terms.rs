//! Suggestions over a base of 20,000 approved terms and 100,000 remembered signs (target:
//! median under 5 ms), and the check with rule T3 against those 20,000 terms (under 2 ms).
//!
//! The base is synthetic, made at run time: Chinese keys drawn from the CJK block, Mongolian
//! forms joined from the words of the other fixtures. No Mongolian is invented as a term.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;

use signboard::render::Fonts;
use signboard::rules::{check_with_terms, Profile, TermBase};
use signboard::spec::{DesignInfo, Orientation, Script, SignSpec, TextMeasure, TextMeasurer};
use signboard::terms::memory::MemoryRow;
use signboard::terms::suggest::MemoryIndex;
use signboard::terms::Suggester;

const WORDS: &[&str] = &["ᠨᠠᠢᠮᠠᠨ", "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ", "ᠶᠢᠨ", "ᠲᠥᠪ", "ᠳᠡᠯᠭᠡᠭᠦᠷ"];

/// A small deterministic generator (no dependency, same base every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn han(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_u32(0x4E00 + (self.next() % 3000) as u32).unwrap_or('一'))
            .collect()
    }

    fn mongolian(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| WORDS[(self.next() % WORDS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn base() -> (Vec<(String, String)>, Vec<MemoryRow>) {
    let mut g = Lcg(7);
    let terms: Vec<(String, String)> = (0..20_000)
        .map(|_| {
            let len = 2 + (g.next() % 3) as usize;
            let words = 1 + (g.next() % 2) as usize;
            (g.han(len), g.mongolian(words))
        })
        .collect();
    let memory: Vec<MemoryRow> = (0..100_000)
        .map(|i| {
            let len = 4 + (g.next() % 7) as usize;
            let words = 2 + (g.next() % 3) as usize;
            MemoryRow {
                application_id: format!("app-{i}"),
                approval_no: format!("奈民委牌审〔2025〕{i:05}号"),
                zh: g.han(len),
                mn: g.mongolian(words),
                approved_at: chrono::NaiveDateTime::default(),
            }
        })
        .collect();
    (terms, memory)
}

struct EmMeasurer;

impl TextMeasurer for EmMeasurer {
    fn measure(&self, _: Script, text: &str, _: Orientation, size: f64) -> TextMeasure {
        TextMeasure {
            line_lengths_mm: text
                .split('\n')
                .map(|l| l.chars().count() as f64 * size * 0.5)
                .collect(),
            has_notdef: false,
        }
    }
}

fn spec(zh: &str) -> Option<SignSpec> {
    let mut spec: SignSpec = serde_json::from_str(
        r##"{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
          "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
         "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": ""},
         "layout": {"blocks": [
           {"script": "mn", "x": 300, "y": 50, "w": 5400, "h": 600, "font_size_mm": 500,
            "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
            "material": "acrylic", "illuminated": true},
           {"script": "zh", "x": 300, "y": 700, "w": 5400, "h": 600, "font_size_mm": 500,
            "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
            "material": "acrylic", "illuminated": true}]}}"##,
    )
    .ok()?;
    spec.texts.zh = zh.to_owned();
    Some(spec)
}

fn bench(c: &mut Criterion) {
    let (terms, memory) = base();
    // A name of three known terms, a fragment of a remembered sign and two unknown characters.
    let input = format!(
        "{}{}{}{}旗镇",
        terms[11].0, terms[4_000].0, terms[19_999].0, memory[50_000].zh
    );
    let exact = memory[99_999].zh.clone();
    let base = Arc::new(TermBase::new(terms));
    let suggester = Suggester::new(base.clone(), Arc::new(MemoryIndex::new(memory)));
    let assembled = suggester.suggest(&input);
    eprintln!(
        "assembled: {} parts, coverage {:?}, unknown {:?}",
        assembled.suggestions.first().map_or(0, |s| s.parts.len()),
        assembled.suggestions.first().map(|s| s.coverage),
        assembled.unknown
    );
    c.bench_function("terms/suggest_assembled_20k_terms_100k_memory", |b| {
        b.iter(|| suggester.suggest(black_box(&input)))
    });
    c.bench_function("terms/suggest_exact_memory_hit", |b| {
        b.iter(|| suggester.suggest(black_box(&exact)))
    });
    // The longest text a suggestion is asked for: 200 characters.
    let long: String = input.chars().cycle().take(200).collect();
    c.bench_function("terms/suggest_200_chars", |b| {
        b.iter(|| suggester.suggest(black_box(&long)))
    });

    let Some(spec) = spec(&input) else {
        eprintln!("benchmark spec does not parse");
        return;
    };
    let profile = Profile::nmg();
    let designs = [DesignInfo {
        width_px: 4000,
        height_px: 1000,
    }];
    let t3 = check_with_terms(&spec, &designs, &EmMeasurer, profile, &base);
    eprintln!(
        "T3 findings: {}",
        t3.findings.iter().filter(|f| f.rule == "T3").count()
    );
    c.bench_function("terms/check_with_t3_20k_terms", |b| {
        b.iter(|| check_with_terms(black_box(&spec), &designs, &EmMeasurer, profile, &base))
    });
    let fonts_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    match Fonts::load(&fonts_dir) {
        Ok(fonts) => c.bench_function("terms/check_with_t3_20k_terms_shipped_fonts", |b| {
            b.iter(|| check_with_terms(black_box(&spec), &designs, &fonts, profile, &base))
        }),
        Err(e) => {
            eprintln!("fonts do not load: {e}");
            c
        }
    };
}

criterion_group!(benches, bench);
criterion_main!(benches);
