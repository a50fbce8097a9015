//! Check of a typical spec with an explicit layout (target: median under 2 ms). The measurer
//! here is arithmetic (one em a character), so the figure is the rules' own cost; the
//! renderer's shaping adds to it in the service; the `shipped_fonts` cases measure that too,
//! with an explicit layout (target under 2 ms) and with a composed one (under 5 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use signboard::render::{compose, Fonts};
use signboard::rules::{catalogue, check, validate, Profile};
use signboard::spec::{DesignInfo, Orientation, Script, SignSpec, TextMeasure, TextMeasurer};
use std::hint::black_box;

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

fn typical() -> Option<SignSpec> {
    serde_json::from_str(
        r##"{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
          "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
         "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": "奈曼旗民族商贸城", "foreign": "NAIMAN MALL"},
         "layout": {"blocks": [
           {"script": "mn", "x": 300, "y": 50, "w": 5400, "h": 600, "font_size_mm": 500,
            "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
            "material": "acrylic", "illuminated": true},
           {"script": "zh", "x": 300, "y": 700, "w": 5400, "h": 600, "font_size_mm": 500,
            "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
            "material": "acrylic", "illuminated": true},
           {"script": "foreign", "x": 300, "y": 1320, "w": 5400, "h": 150, "font_size_mm": 120,
            "orientation": "horizontal", "fit": "none", "color": "#FFFFFF"}]}}"##,
    )
    .ok()
}

fn bench(c: &mut Criterion) {
    let Some(spec) = typical() else {
        eprintln!("benchmark spec does not parse");
        return;
    };
    let profile = Profile::nmg();
    let designs = [DesignInfo {
        width_px: 4000,
        height_px: 1000,
    }];
    // Load the embedded tables outside the measurement.
    let _ = check(&spec, &designs, &EmMeasurer, profile);
    c.bench_function("rules/check_typical_explicit_layout", |b| {
        b.iter(|| check(black_box(&spec), black_box(&designs), &EmMeasurer, profile))
    });
    c.bench_function("rules/validate_typical", |b| {
        b.iter(|| validate(black_box(spec.clone())))
    });
    let mut traditional = spec.clone();
    traditional.texts.zh = "奈曼旗民族商貿城門市部乾隆大藥房".into();
    c.bench_function("rules/check_with_traditional_chars", |b| {
        b.iter(|| check(black_box(&traditional), &designs, &EmMeasurer, profile))
    });
    c.bench_function("rules/catalogue", |b| {
        b.iter(|| catalogue(black_box(profile)))
    });

    // With the shipped fonts, as the service checks: text shaped for every measure.
    let fonts_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let fonts = match Fonts::load(&fonts_dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fonts do not load: {e}");
            return;
        }
    };
    c.bench_function("rules/check_typical_explicit_layout_shipped_fonts", |b| {
        b.iter(|| check(black_box(&spec), black_box(&designs), &fonts, profile))
    });
    let mut unlaid = spec.clone();
    unlaid.layout = None;
    c.bench_function("rules/compose_and_check_shipped_fonts", |b| {
        b.iter(|| {
            let mut composed = black_box(&unlaid).clone();
            composed.layout = Some(compose(&composed, &fonts));
            check(&composed, &designs, &fonts, profile)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
