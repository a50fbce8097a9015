//! The preview on decoded PNG pixels: vertical Mongolian columns, the composed horizontal
//! order, FVS variants, colours, `.notdef`, the cache, and no panic on any input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_arguments)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use image::RgbImage;
use proptest::prelude::*;
use signboard::render::{compose, render_png, Fonts, PreviewCache};
use signboard::spec::{
    Arrangement, Block, Color, Fit, Layout, Orientation, Script, Sign, SignKind, SignSpec,
    TextMeasurer, Texts,
};

fn root() -> PathBuf {
    std::env::var_os("SIGNBOARD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load(&root().join("fonts")).unwrap())
}

fn sign(w: f64, h: f64, arrangement: Arrangement, background: Color) -> Sign {
    Sign {
        kind: SignKind::ShopPlaque,
        width_mm: w,
        height_mm: h,
        arrangement,
        background,
        material: Some("acrylic".into()),
        illuminated: Some(false),
    }
}

fn block(
    script: Script,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    size: f64,
    o: Orientation,
    color: Color,
) -> Block {
    Block {
        script,
        x,
        y,
        w,
        h,
        font_size_mm: size,
        orientation: o,
        fit: Fit::None,
        color,
        material: Some("acrylic".into()),
        illuminated: Some(false),
        text: None,
    }
}

fn spec(sign: Sign, mn: &str, zh: &str, layout: Option<Layout>) -> SignSpec {
    SignSpec {
        sign,
        texts: Texts {
            mn: mn.into(),
            zh: zh.into(),
            foreign: None,
        },
        translation_requested: false,
        layout,
    }
}

fn decode(png: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8()
}

/// Bounding box (x0, y0, x1, y1), inclusive, of pixels that differ from `bg`.
fn ink_box(img: &RgbImage, bg: Color) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for (x, y, p) in img.enumerate_pixels() {
        if p.0 != bg.0 {
            b = Some(match b {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
    }
    b
}

const WHITE: Color = Color([255, 255, 255]);
const BLACK: Color = Color([0, 0, 0]);
/// ᠶᠢᠨ (3 letters) and ᠬᠣᠳᠠᠯᠳᠤᠭᠠ (9 letters).
const SHORT_WORD: &str = "\u{1836}\u{1822}\u{1828}";
const LONG_WORD: &str = "\u{182C}\u{1823}\u{1833}\u{1820}\u{182F}\u{1833}\u{1824}\u{182D}\u{1820}";

#[test]
fn vertical_mongolian_column_is_tall_and_reads_top_to_bottom() {
    let text = format!("{SHORT_WORD} {LONG_WORD}");
    let layout = Layout {
        blocks: vec![block(
            Script::Mn,
            100.0,
            100.0,
            400.0,
            2800.0,
            300.0,
            Orientation::Vertical,
            BLACK,
        )],
    };
    let s = spec(
        sign(600.0, 3000.0, Arrangement::Vertical, WHITE),
        &text,
        "",
        Some(layout.clone()),
    );
    let img = decode(&render_png(&s, &layout, fonts(), 1200).unwrap());
    let (x0, y0, x1, y1) = ink_box(&img, WHITE).expect("ink");
    let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
    assert!(h > 3 * w, "column ink {w}×{h} px is not tall");

    // Rows with ink; the space between the words is the longest run of empty rows.
    let inked: Vec<bool> = (y0..=y1)
        .map(|y| (x0..=x1).any(|x| img.get_pixel(x, y).0 != WHITE.0))
        .collect();
    let (mut best, mut run, mut best_end) = (0, 0, 0);
    for (i, &ink) in inked.iter().enumerate() {
        run = if ink { 0 } else { run + 1 };
        if run > best {
            best = run;
            best_end = i;
        }
    }
    assert!(best > 3, "no gap between the words");
    let first = best_end + 1 - best; // rows of the upper word
    let second = inked.len() - best_end - 1; // rows of the lower word
    assert!(
        second > 2 * first,
        "the upper word ({first} rows) should be the short first word, the lower ({second} rows) the long one"
    );
}

#[test]
fn composed_horizontal_sign_has_mongolian_ink_above_chinese_ink() {
    let mn = format!("{LONG_WORD} {SHORT_WORD}");
    let base = spec(
        sign(6000.0, 1500.0, Arrangement::Horizontal, WHITE),
        &mn,
        "民族商贸城",
        None,
    );
    let layout = compose(&base, fonts());
    // The same layout with one text at a time shows where each script's ink lands.
    let only_mn = spec(base.sign.clone(), &mn, "", None);
    let only_zh = spec(base.sign.clone(), "", "民族商贸城", None);
    let mn_box = ink_box(
        &decode(&render_png(&only_mn, &layout, fonts(), 1200).unwrap()),
        WHITE,
    )
    .unwrap();
    let zh_box = ink_box(
        &decode(&render_png(&only_zh, &layout, fonts(), 1200).unwrap()),
        WHITE,
    )
    .unwrap();
    assert!(
        mn_box.3 < zh_box.1,
        "Mongolian ink rows {mn_box:?} are not above Chinese ink rows {zh_box:?}"
    );
    let both = decode(&render_png(&base, &layout, fonts(), 1200).unwrap());
    assert_eq!(both.width(), 1200);
    assert_eq!(both.height(), 300);
}

#[test]
fn fvs1_after_a_letter_with_variants_changes_the_pixels() {
    let layout = Layout {
        blocks: vec![block(
            Script::Mn,
            50.0,
            50.0,
            900.0,
            400.0,
            300.0,
            Orientation::Horizontal,
            BLACK,
        )],
    };
    let draw = |mn: &str| {
        let s = spec(
            sign(1000.0, 500.0, Arrangement::Horizontal, WHITE),
            mn,
            "",
            Some(layout.clone()),
        );
        render_png(&s, &layout, fonts(), 800).unwrap()
    };
    for (plain, with_fvs) in [
        ("\u{1820}", "\u{1820}\u{180B}"), // a, isolated variant 1
        ("\u{182D}\u{1820}", "\u{182D}\u{180B}\u{1820}"), // g + FVS1
    ] {
        let (a, b) = (decode(&draw(plain)), decode(&draw(with_fvs)));
        assert!(ink_box(&a, WHITE).is_some() && ink_box(&b, WHITE).is_some());
        assert_ne!(
            a.as_raw(),
            b.as_raw(),
            "FVS1 in {with_fvs:?} did not change the picture"
        );
        let m = fonts().measure(Script::Mn, with_fvs, Orientation::Horizontal, 100.0);
        assert!(!m.has_notdef);
    }
}

#[test]
fn background_and_text_colours_appear_in_the_picture() {
    let bg = Color([0x12, 0x34, 0x56]);
    let gold = Color([0xFF, 0xCC, 0x00]);
    for illuminated in [false, true] {
        let mut s = spec(
            sign(6000.0, 1500.0, Arrangement::Horizontal, bg),
            &format!("{LONG_WORD} {SHORT_WORD}"),
            "奈曼旗民族商贸城",
            None,
        );
        s.sign.illuminated = Some(illuminated);
        let mut layout = compose(&s, fonts());
        for b in &mut layout.blocks {
            b.color = gold;
        }
        let img = decode(&render_png(&s, &layout, fonts(), 1200).unwrap());
        let count = |c: Color| img.pixels().filter(|p| p.0 == c.0).count();
        assert!(
            count(bg) > 100_000,
            "background {bg} missing (illuminated {illuminated})"
        );
        assert!(
            count(gold) > 1_000,
            "text colour {gold} missing (illuminated {illuminated})"
        );
    }
}

#[test]
fn no_notdef_for_utn_cases_and_notdef_is_detected() {
    // Every UTN case is checked glyph by glyph in render_shaping; here a sample is also drawn.
    let cases =
        std::fs::read_to_string(root().join("tests/data/shaping/utn57/cases-hudum.tsv")).unwrap();
    let layout = Layout {
        blocks: vec![block(
            Script::Mn,
            10.0,
            10.0,
            180.0,
            980.0,
            40.0,
            Orientation::Vertical,
            BLACK,
        )],
    };
    for line in cases.lines().step_by(97) {
        let text: String = line
            .split('\t')
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(|h| char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap())
            .collect();
        let m = fonts().measure(Script::Mn, &text, Orientation::Vertical, 40.0);
        assert!(!m.has_notdef, "{line}");
        let s = spec(
            sign(200.0, 1000.0, Arrangement::Vertical, WHITE),
            &text,
            "",
            Some(layout.clone()),
        );
        render_png(&s, &layout, fonts(), 200).unwrap();
    }
    // A character neither font has is reported.
    assert!(
        fonts()
            .measure(Script::Mn, "\u{1820}\u{E000}", Orientation::Vertical, 1.0)
            .has_notdef
    );
    assert!(
        fonts()
            .measure(Script::Zh, "\u{10FFFD}", Orientation::Horizontal, 1.0)
            .has_notdef
    );
}

#[test]
fn measures_follow_rules_md() {
    let f = fonts();
    // Vertical hanzi advance one em each; lines split at \n.
    let m = f.measure(Script::Zh, "民族商\n城", Orientation::Vertical, 100.0);
    assert_eq!(m.line_lengths_mm, vec![300.0, 100.0]);
    assert!(!m.has_notdef);
    // Mongolian is shaped, not counted: the length scales with the font size.
    let a = f.measure(Script::Mn, LONG_WORD, Orientation::Vertical, 100.0);
    let b = f.measure(Script::Mn, LONG_WORD, Orientation::Horizontal, 200.0);
    assert!(a.line_lengths_mm[0] > 100.0);
    assert!((b.line_lengths_mm[0] - 2.0 * a.line_lengths_mm[0]).abs() < 1e-9);
}

#[test]
fn preview_cache_serves_identical_requests_and_stays_bounded() {
    let cache = PreviewCache::new(2);
    let s = spec(
        sign(3000.0, 1000.0, Arrangement::Horizontal, WHITE),
        SHORT_WORD,
        "城",
        None,
    );
    let a = cache.get_or_render(&s, fonts(), 300).unwrap();
    let b = cache.get_or_render(&s, fonts(), 300).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let c = cache.get_or_render(&s, fonts(), 400).unwrap();
    assert!(!Arc::ptr_eq(&a, &c));
    let mut other = s.clone();
    other.texts.zh = "城市".into();
    cache.get_or_render(&other, fonts(), 300).unwrap();
    assert_eq!(cache.len(), 2);
}

#[test]
fn bad_numbers_give_errors_not_panics() {
    let layout = Layout {
        blocks: vec![block(
            Script::Zh,
            f64::NAN,
            0.0,
            10.0,
            10.0,
            5.0,
            Orientation::Horizontal,
            BLACK,
        )],
    };
    let s = spec(
        sign(100.0, 100.0, Arrangement::Horizontal, WHITE),
        "",
        "城",
        Some(layout.clone()),
    );
    assert!(render_png(&s, &layout, fonts(), 100).is_err());
    let bad_sign = spec(
        sign(f64::INFINITY, -1.0, Arrangement::Horizontal, WHITE),
        "",
        "城",
        None,
    );
    let l = compose(&bad_sign, fonts());
    assert!(render_png(&bad_sign, &l, fonts(), 100).is_err());
    let huge = Layout {
        blocks: vec![block(
            Script::Zh,
            0.0,
            0.0,
            10.0,
            10.0,
            1e12,
            Orientation::Horizontal,
            BLACK,
        )],
    };
    assert!(render_png(&s, &huge, fonts(), 100).is_err());
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -2000.0..4000.0f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(1e-300),
        Just(1e300),
        Just(-1e300),
        any::<f64>(),
    ]
}

fn any_block() -> impl Strategy<Value = Block> {
    (
        prop_oneof![Just(Script::Mn), Just(Script::Zh), Just(Script::Foreign)],
        (any_f64(), any_f64(), any_f64(), any_f64()),
        prop_oneof![1.0..800.0f64, any_f64()],
        any::<bool>(),
        any::<bool>(),
        any::<[u8; 3]>(),
    )
        .prop_map(
            |(script, (x, y, w, h), size, vertical, stretch, color)| Block {
                script,
                x,
                y,
                w,
                h,
                font_size_mm: size,
                orientation: if vertical {
                    Orientation::Vertical
                } else {
                    Orientation::Horizontal
                },
                fit: if stretch { Fit::Stretch } else { Fit::None },
                color: Color(color),
                material: None,
                illuminated: Some(stretch),
                text: None,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_input_renders_or_errors(
        w in prop_oneof![100.0..5000.0f64, any_f64()],
        h in prop_oneof![100.0..5000.0f64, any_f64()],
        mn in prop_oneof![".{0,12}", "[\u{1800}-\u{18AF}\u{202F} ]{0,20}"],
        zh in prop_oneof![".{0,12}", "[\u{4E00}-\u{4FFF}\n]{0,10}"],
        foreign in proptest::option::of(".{0,8}"),
        blocks in proptest::collection::vec(any_block(), 0..4),
        px in prop_oneof![1u32..300, Just(0u32), Just(u32::MAX)],
        panels in any::<bool>(),
    ) {
        let arrangement = if panels { Arrangement::SeparatePanels } else { Arrangement::Horizontal };
        let mut s = spec(sign(w, h, arrangement, WHITE), &mn, &zh, None);
        s.texts.foreign = foreign;
        let given = Layout { blocks };
        let _ = render_png(&s, &given, fonts(), px);
        let composed = compose(&s, fonts());
        for b in &composed.blocks {
            prop_assert!(b.x.is_finite() && b.y.is_finite() && b.w.is_finite() && b.h.is_finite());
            prop_assert!(b.font_size_mm.is_finite() && b.font_size_mm > 0.0);
        }
        let _ = render_png(&s, &composed, fonts(), px.min(300));
    }
}
