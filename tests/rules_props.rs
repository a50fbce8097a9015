//! Property: arbitrary Unicode in every text field and arbitrary numbers in every layout field
//! never panic; the spec is either refused by `validate` or judged by `check`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use signboard::rules::{check, validate, Profile};
use signboard::spec::{
    Arrangement, Block, Color, DesignInfo, Fit, Layout, Orientation, Script, Sign, SignKind,
    SignSpec, TextMeasure, TextMeasurer, Texts, Verdict,
};

/// Each char one em; lines at `\n`.
struct EmMeasurer;

impl TextMeasurer for EmMeasurer {
    fn measure(&self, _: Script, text: &str, _: Orientation, size: f64) -> TextMeasure {
        TextMeasure {
            line_lengths_mm: text
                .split('\n')
                .map(|l| l.chars().count() as f64 * size)
                .collect(),
            has_notdef: text.contains('\u{FFFD}'),
        }
    }
}

/// A measurer that answers nonsense (NaN, infinities, no lines at all).
struct Hostile(Vec<f64>, bool);

impl TextMeasurer for Hostile {
    fn measure(&self, _: Script, _: &str, _: Orientation, _: f64) -> TextMeasure {
        TextMeasure {
            line_lengths_mm: self.0.clone(),
            has_notdef: self.1,
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\u{1800}-\u{18AF}\u{202F}\u{200C}\u{200D} \n]{0,40}",
        "[奈曼旗民族商貿城門乾隆㐀a-zA-ZДж \n]{0,30}",
        Just(String::new()),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        proptest::num::f64::ANY,
        -1000.0..20_000.0f64,
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
    ]
}

fn script() -> impl Strategy<Value = Script> {
    prop_oneof![Just(Script::Mn), Just(Script::Zh), Just(Script::Foreign)]
}

fn block() -> impl Strategy<Value = Block> {
    (
        script(),
        [number(), number(), number(), number(), number()],
        prop_oneof![Just(Orientation::Horizontal), Just(Orientation::Vertical)],
        prop_oneof![Just(Fit::None), Just(Fit::Stretch)],
        any::<[u8; 3]>(),
        proptest::option::of(text()),
        any::<Option<bool>>(),
    )
        .prop_map(
            |(script, [x, y, w, h, font_size_mm], orientation, fit, rgb, material, illuminated)| {
                Block {
                    script,
                    x,
                    y,
                    w,
                    h,
                    font_size_mm,
                    orientation,
                    fit,
                    color: Color(rgb),
                    material,
                    illuminated,
                    text: None,
                }
            },
        )
}

fn spec() -> impl Strategy<Value = SignSpec> {
    let arrangement = prop_oneof![
        Just(Arrangement::Horizontal),
        Just(Arrangement::Vertical),
        Just(Arrangement::SeparatePanels),
        Just(Arrangement::Ring),
    ];
    (
        (
            number(),
            number(),
            arrangement,
            proptest::option::of(text()),
        ),
        (text(), text(), proptest::option::of(text()), any::<bool>()),
        proptest::option::of(proptest::collection::vec(block(), 0..5)),
    )
        .prop_map(
            |((width_mm, height_mm, arrangement, material), (mn, zh, foreign, tr), blocks)| {
                SignSpec {
                    sign: Sign {
                        kind: SignKind::ShopPlaque,
                        width_mm,
                        height_mm,
                        arrangement,
                        background: Color::white(),
                        material,
                        illuminated: None,
                    },
                    texts: Texts { mn, zh, foreign },
                    translation_requested: tr,
                    layout: blocks.map(|blocks| Layout { blocks }),
                }
            },
        )
}

fn designs() -> impl Strategy<Value = Vec<DesignInfo>> {
    proptest::collection::vec(
        (any::<u32>(), any::<u32>()).prop_map(|(width_px, height_px)| DesignInfo {
            width_px,
            height_px,
        }),
        0..3,
    )
}

/// Plausible specs: every number in range, a block for each text; these all pass `validate`,
/// so the rules themselves run on every case.
fn sane_spec() -> impl Strategy<Value = SignSpec> {
    let sane_text = || {
        prop_oneof![
            "[\u{1800}-\u{18AF}\u{202F} \n]{1,40}",
            "[奈曼旗民族商貿城門乾隆㐀a-zA-ZДж \n]{1,30}",
            "[^\\p{Cc}]{1,20}",
        ]
        // `validate` allows at most 20 lines a text.
        .prop_filter("at most 20 lines", |s: &String| s.split('\n').count() <= 20)
    };
    let sane_block = |script: Script| {
        (
            [
                0.0..8000.0f64,
                0.0..8000.0f64,
                1.0..8000.0f64,
                1.0..8000.0f64,
                1.0..1000.0f64,
            ],
            prop_oneof![Just(Orientation::Horizontal), Just(Orientation::Vertical)],
            prop_oneof![Just(Fit::None), Just(Fit::Stretch)],
            any::<bool>(),
        )
            .prop_map(
                move |([x, y, w, h, font_size_mm], orientation, fit, lit)| Block {
                    script,
                    x,
                    y,
                    w,
                    h,
                    font_size_mm,
                    orientation,
                    fit,
                    color: Color::black(),
                    material: None,
                    illuminated: Some(lit),
                    text: None,
                },
            )
    };
    (
        (100.0..20_000.0f64, 100.0..20_000.0f64),
        prop_oneof![
            Just(Arrangement::Horizontal),
            Just(Arrangement::Vertical),
            Just(Arrangement::SeparatePanels),
            Just(Arrangement::Ring),
        ],
        (sane_text(), sane_text(), proptest::option::of(sane_text())),
        (
            sane_block(Script::Mn),
            sane_block(Script::Zh),
            sane_block(Script::Foreign),
        ),
    )
        .prop_map(
            |((width_mm, height_mm), arrangement, (mn, zh, foreign), (m, z, f))| {
                let mut blocks = vec![m, z];
                if foreign.is_some() {
                    blocks.push(f);
                }
                SignSpec {
                    sign: Sign {
                        kind: SignKind::Lightbox,
                        width_mm,
                        height_mm,
                        arrangement,
                        background: Color::white(),
                        material: None,
                        illuminated: None,
                    },
                    texts: Texts { mn, zh, foreign },
                    translation_requested: false,
                    layout: Some(Layout { blocks }),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_always_answers(spec in spec(), designs in designs()) {
        let profile = Profile::nmg();
        match validate(spec.clone()).map(|_| ()) {
            Err(fields) => {
                prop_assert!(!fields.is_empty());
                for f in &fields {
                    prop_assert!(!f.field.is_empty() && !f.message.is_empty());
                }
            }
            Ok(()) => {
                let report = check(&spec, &designs, &EmMeasurer, profile);
                prop_assert_eq!(report.verdict, Verdict::of(&report.findings));
                let json = serde_json::to_value(&report).unwrap();
                prop_assert!(json["verdict"].is_string());
                for f in &report.findings {
                    prop_assert!(!f.rule.is_empty() && !f.code.is_empty() && !f.message.is_empty());
                }
            }
        }
        // Even a spec that failed validation must not bring the checker down.
        let report = check(&spec, &designs, &EmMeasurer, profile);
        serde_json::to_string(&report).unwrap();
    }

    #[test]
    fn plausible_specs_are_valid_and_judged(spec in sane_spec(), designs in designs()) {
        prop_assert_eq!(validate(spec.clone()).map(|_| ()), Ok(()));
        let report = check(&spec, &designs, &EmMeasurer, Profile::nmg());
        prop_assert_eq!(report.verdict, Verdict::of(&report.findings));
        let catalogue = signboard::rules::catalogue(Profile::nmg());
        for f in &report.findings {
            let rule = catalogue.rules.iter().find(|r| r.id == f.rule);
            prop_assert!(rule.is_some_and(|r| r.codes.iter().any(|c| c.code == f.code)), "{:?}", f);
        }
    }

    #[test]
    fn survives_a_nonsense_measurer(
        spec in spec(),
        lengths in proptest::collection::vec(number(), 0..4),
        notdef in any::<bool>(),
    ) {
        let report = check(&spec, &[], &Hostile(lengths, notdef), Profile::nmg());
        serde_json::to_string(&report).unwrap();
    }
}
