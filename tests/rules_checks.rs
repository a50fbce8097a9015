//! Every rule of RULES.md: a passing and a failing case, and the boundaries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use signboard::rules::{check, validate, Profile, Report};
use signboard::spec::{
    Arrangement, Block, Color, DesignInfo, Finding, Fit, Orientation, Script, Severity, SignSpec,
    TextMeasure, TextMeasurer, Verdict,
};

/// A stand-in for the renderer: Mongolian letters advance half an em, spaces a quarter,
/// everything else a full em; lines split at `\n`. A private-use character draws `.notdef`.
struct FakeMeasurer;

impl TextMeasurer for FakeMeasurer {
    fn measure(&self, _: Script, text: &str, _: Orientation, font_size_mm: f64) -> TextMeasure {
        let em = |c: char| match c as u32 {
            0x1800..=0x18AF => 0.5,
            0x202F | 0x20 => 0.25,
            _ => 1.0,
        };
        TextMeasure {
            line_lengths_mm: text
                .split('\n')
                .map(|l| l.chars().map(em).sum::<f64>() * font_size_mm)
                .collect(),
            has_notdef: text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)),
        }
    }
}

const MN: &str = "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ";
const ZH: &str = "奈曼旗民族商贸城";

/// The example of RULES.md, with taller boxes: passes every rule.
fn base() -> SignSpec {
    serde_json::from_value(json!({
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
        "texts": {"mn": MN, "zh": ZH},
        "translation_requested": false,
        "layout": {"blocks": [
            {"script": "mn", "x": 300, "y": 50, "w": 5400, "h": 700, "font_size_mm": 500,
             "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
             "material": "acrylic", "illuminated": true},
            {"script": "zh", "x": 300, "y": 750, "w": 5400, "h": 700, "font_size_mm": 500,
             "orientation": "horizontal", "fit": "stretch", "color": "#FFFFFF",
             "material": "acrylic", "illuminated": true}]}
    }))
    .unwrap()
}

fn run(spec: &SignSpec) -> Report {
    run_with(spec, &[], Profile::nmg())
}

fn run_with(spec: &SignSpec, designs: &[DesignInfo], profile: &Profile) -> Report {
    if let Err(e) = validate(spec.clone()) {
        panic!("test spec is invalid: {e:?}");
    }
    let report = check(spec, designs, &FakeMeasurer, profile);
    for f in &report.findings {
        assert!(!f.message.is_empty() && !f.code.is_empty(), "{f:?}");
        assert!(
            !f.message.contains('{'),
            "unfilled placeholder: {}",
            f.message
        );
    }
    assert_eq!(report.verdict, Verdict::of(&report.findings));
    report
}

fn block(spec: &mut SignSpec, script: Script) -> &mut Block {
    spec.layout
        .as_mut()
        .unwrap()
        .blocks
        .iter_mut()
        .find(|b| b.script == script)
        .unwrap()
}

fn of<'r>(report: &'r Report, rule: &str) -> Vec<&'r Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

fn codes(report: &Report, rule: &str) -> Vec<(String, Severity)> {
    of(report, rule)
        .iter()
        .map(|f| (f.code.clone(), f.severity))
        .collect()
}

fn one(report: &Report, rule: &str, code: &str) -> Finding {
    let found: Vec<&Finding> = of(report, rule)
        .into_iter()
        .filter(|f| f.code == code)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule}/{code}: {:#?}",
        report.findings
    );
    found[0].clone()
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

fn c(code: &str, s: Severity) -> (String, Severity) {
    (code.to_string(), s)
}

// ------------------------------------------------------------------ the base case

#[test]
fn the_example_passes() {
    let r = run(&base());
    assert_eq!(r.findings, vec![], "{:#?}", r.findings);
    assert_eq!(r.verdict, Verdict::Pass);
    assert_eq!(
        (r.profile.id.as_str(), r.profile.version.as_str()),
        ("nmg", "2025.1")
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["verdict"], "pass");
    assert_eq!(json["profile"]["id"], "nmg");
}

// ------------------------------------------------------------------------- R1

#[test]
fn r1_missing_mongolian_is_an_error() {
    let mut s = base();
    s.texts.mn = "  ".into();
    let r = run(&s);
    assert_eq!(codes(&r, "R1"), [c("missing_mn", E)]);
    assert_eq!(r.verdict, Verdict::Fail);
}

#[test]
fn r1_pending_translation_is_pending() {
    let mut s = base();
    s.texts.mn = String::new();
    s.translation_requested = true;
    let r = run(&s);
    assert_eq!(
        codes(&r, "R1"),
        [c("translation_pending", Severity::Pending)]
    );
    // Nothing else: an empty Mongolian text has no extent to judge.
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(r.verdict, Verdict::Pass);
}

#[test]
fn r1_missing_chinese_is_an_error() {
    let mut s = base();
    s.texts.zh = "１２３".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(codes(&r, "R1"), [c("missing_zh", E)]);
}

// ------------------------------------------------------------------------- R2

#[test]
fn r2_traditional_script_with_punctuation_digits_and_controls_passes() {
    let mut s = base();
    s.texts.mn = "ᠨᠠᠢᠮᠠᠨ᠂ ᠑᠒ 12-·.,\nᠭ᠋ᠠ ᠬᠠᠷ᠎ᠠ ᠨᠣᠮ\u{202F}ᠶᠢᠨ\u{200D}".into();
    s.layout = None;
    let r = run(&s);
    assert!(of(&r, "R2").is_empty(), "{:#?}", r.findings);
    assert!(of(&r, "R2a").is_empty(), "{:#?}", r.findings);
}

#[test]
fn r2_names_each_foreign_class() {
    let mut s = base();
    s.texts.mn = "ᠨᠠᠢᠮᠠᠨ Найман naiman 奈曼 ☺".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(
        codes(&r, "R2"),
        [c("cyrillic", E), c("latin", E), c("han", E), c("other", E)]
    );
    let cyr = one(&r, "R2", "cyrillic");
    assert!(cyr.message.contains("「Н」"), "{}", cyr.message);
    assert_eq!(cyr.field.as_deref(), Some("texts.mn"));
}

// ------------------------------------------------------------------------ R2a

#[test]
fn r2a_orphan_fvs_is_an_error() {
    let mut s = base();
    s.texts.mn = "\u{180B}ᠨᠠᠢᠮᠠᠨ ᠭ᠋ᠠ".into();
    s.layout = None;
    let r = run(&s);
    let f = one(&r, "R2a", "fvs_orphan");
    assert_eq!(f.severity, E);
    assert_eq!(f.measured, Some(json!({"positions": [1]})));
}

#[test]
fn r2a_misplaced_mvs_and_nnbsp_warn() {
    let mut s = base();
    s.texts.mn = "ᠬᠠᠷ\u{180E}ᠢ ᠨᠣᠮ \u{202F}ᠶᠢᠨ".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(
        codes(&r, "R2a"),
        [c("mvs_misplaced", W), c("nnbsp_misplaced", W)]
    );
    assert_eq!(r.verdict, Verdict::Warn);
}

#[test]
fn r2a_unrenderable_from_the_measurer() {
    let mut s = base();
    s.texts.mn = "ᠨᠠᠢᠮᠠᠨ\u{E000}".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(one(&r, "R2a", "unrenderable").severity, E);
}

// ------------------------------------------------------------------------- T1

#[test]
fn t1_traditional_characters_are_named_with_their_simplified_form() {
    let mut s = base();
    s.texts.zh = "奈曼旗民族商貿城門市".into();
    s.layout = None;
    let r = run(&s);
    let f = one(&r, "T1", "zh_traditional");
    assert_eq!(f.severity, E);
    assert!(f.message.contains("貿 → 贸"), "{}", f.message);
    assert!(f.message.contains("門 → 门"), "{}", f.message);
    assert_eq!(
        f.measured,
        Some(json!([{"char": "貿", "simplified": "贸"}, {"char": "門", "simplified": "门"}]))
    );
}

#[test]
fn t1_standard_characters_pass_also_where_they_double_as_traditional() {
    let mut s = base();
    s.texts.zh = "乾隆大药房·于记面馆".into();
    s.layout = None;
    let r = run(&s);
    assert!(of(&r, "T1").is_empty(), "{:#?}", r.findings);
}

#[test]
fn t1_character_outside_the_standard_list_warns() {
    let mut s = base();
    s.texts.zh = "㐀记商店".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(codes(&r, "T1"), [c("zh_nonstandard", W)]);
    assert!(one(&r, "T1", "zh_nonstandard").message.contains("㐀"));
}

// ------------------------------------------------------------------------- T2

#[test]
fn t2_mongolian_or_cyrillic_in_chinese_is_an_error() {
    let mut s = base();
    s.texts.zh = "奈曼ᠨᠠᠢ商店Д".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(codes(&r, "T2"), [c("zh_foreign_script", E)]);
}

#[test]
fn t2_latin_in_chinese_warns() {
    let mut s = base();
    s.texts.zh = "奈曼KFC商店".into();
    s.layout = None;
    let r = run(&s);
    assert_eq!(codes(&r, "T2"), [c("foreign_in_zh", W)]);
    assert!(of(&r, "T1").is_empty());
}

// ------------------------------------------------------------------------ R15

#[test]
fn r15_blocklist_is_empty_by_default_and_matches_every_field() {
    let mut s = base();
    s.texts.zh = "奈曼最佳商店".into();
    s.texts.foreign = Some("The BEST shop".into());
    s.layout = None;
    assert!(of(&run(&s), "R15").is_empty());

    let text = include_str!("../src/rules/profiles/nmg.toml")
        .replace("blocklist = []", "blocklist = [\"最佳\", \"best\"]");
    let profile = Profile::from_toml_str(&text, "test").unwrap();
    let r = run_with(&s, &[], &profile);
    let fields: Vec<_> = of(&r, "R15")
        .iter()
        .map(|f| f.field.clone().unwrap())
        .collect();
    assert_eq!(fields, ["texts.zh", "texts.foreign"]);
    assert!(of(&r, "R15").iter().all(|f| f.severity == E));
    assert!(of(&r, "R15")[0].message.contains("「最佳」"));
}

// ------------------------------------------------------------------------- R3

#[test]
fn r3_mongolian_below_chinese_is_an_error() {
    let mut s = base();
    block(&mut s, Script::Mn).y = 750.0;
    block(&mut s, Script::Zh).y = 50.0;
    let r = run(&s);
    assert_eq!(codes(&r, "R3"), [c("order", E)]);
}

#[test]
fn r3_side_by_side_mongolian_first_passes_and_after_fails() {
    let mut s = base();
    s.texts.zh = "商贸城".into();
    for (script, x) in [(Script::Mn, 100.0), (Script::Zh, 3100.0)] {
        let b = block(&mut s, script);
        (b.x, b.y, b.w, b.h, b.fit) = (x, 400.0, 2800.0, 700.0, Fit::None);
        b.font_size_mm = 400.0;
    }
    s.texts.mn = "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ".into(); // 15 letters + 2 spaces = 8 em
    let r = run(&s);
    assert!(of(&r, "R3").is_empty(), "{:#?}", r.findings);
    block(&mut s, Script::Mn).x = 3100.0;
    block(&mut s, Script::Zh).x = 100.0;
    let r = run(&s);
    assert_eq!(codes(&r, "R3"), [c("order", E)]);
}

// ------------------------------------------------------------------------- R4

fn vertical() -> SignSpec {
    let mut s = base();
    s.sign.arrangement = Arrangement::Vertical;
    (s.sign.width_mm, s.sign.height_mm) = (1500.0, 6000.0);
    for (script, x) in [(Script::Mn, 50.0), (Script::Zh, 750.0)] {
        let b = block(&mut s, script);
        (b.x, b.y, b.w, b.h) = (x, 300.0, 700.0, 5400.0);
        b.orientation = Orientation::Vertical;
    }
    s
}

#[test]
fn r4_vertical_mongolian_left_passes() {
    let r = run(&vertical());
    assert_eq!(r.findings, vec![], "{:#?}", r.findings);
}

#[test]
fn r4_vertical_mongolian_right_is_an_error() {
    let mut s = vertical();
    block(&mut s, Script::Mn).x = 750.0;
    block(&mut s, Script::Zh).x = 50.0;
    let r = run(&s);
    assert_eq!(codes(&r, "R4"), [c("order", E)]);
}

#[test]
fn r4_vertical_arrangement_needs_vertical_blocks() {
    let mut s = vertical();
    block(&mut s, Script::Zh).orientation = Orientation::Horizontal;
    let r = run(&s);
    assert_eq!(codes(&r, "R4"), [c("orientation", E)]);
    assert!(one(&r, "R4", "orientation").message.contains("汉文"));
}

// ------------------------------------------------------------------------- R5

#[test]
fn r5_ring_is_unsupported_with_or_without_layout() {
    let mut s = base();
    assert!(of(&run(&s), "R5").is_empty());
    s.sign.arrangement = Arrangement::Ring;
    assert_eq!(codes(&run(&s), "R5"), [c("arrangement_unsupported", E)]);
    s.layout = None;
    assert_eq!(codes(&run(&s), "R5"), [c("arrangement_unsupported", E)]);
}

// ------------------------------------------------------------------------- R6

#[test]
fn r6_separate_panels_mongolian_above_with_equal_areas_passes() {
    let mut s = base();
    s.sign.arrangement = Arrangement::SeparatePanels;
    let r = run(&s);
    assert!(of(&r, "R6").is_empty(), "{:#?}", r.findings);
}

#[test]
fn r6_mongolian_panel_below_is_an_error() {
    let mut s = base();
    s.sign.arrangement = Arrangement::SeparatePanels;
    block(&mut s, Script::Mn).y = 750.0;
    block(&mut s, Script::Zh).y = 50.0;
    assert_eq!(codes(&run(&s), "R6"), [c("order", E)]);
}

#[test]
fn r6_panel_area_ratio_follows_r7_bands() {
    let mut s = base();
    s.sign.arrangement = Arrangement::SeparatePanels;
    block(&mut s, Script::Zh).y = 900.0;
    block(&mut s, Script::Mn).h = 700.0 * 1.1;
    assert!(of(&run(&s), "R6").is_empty());
    block(&mut s, Script::Mn).h = 700.0 * 1.2;
    let r = run(&s);
    let f = one(&r, "R6", "area_ratio");
    assert_eq!(f.severity, W);
    assert_eq!(f.measured, Some(json!(1.2)));
    assert_eq!(f.expected, Some(json!({"min": 0.9, "max": 1.1})));
    block(&mut s, Script::Mn).h = 300.0;
    let r = run(&s);
    assert_eq!(one(&r, "R6", "area_ratio").severity, E);
}

// ------------------------------------------------------------------------- R7

/// Mongolian font size for a given ratio, both blocks stretched: then s = a.
fn with_ratio(ratio: f64) -> Report {
    let mut s = base();
    block(&mut s, Script::Mn).font_size_mm = 500.0 * ratio;
    run(&s)
}

#[test]
fn r7_ratio_bounds_pass_at_0_90_and_1_10() {
    for ratio in [0.90, 0.95, 1.0, 1.05, 1.10] {
        let r = with_ratio(ratio);
        assert!(of(&r, "R7").is_empty(), "{ratio}: {:#?}", r.findings);
    }
}

#[test]
fn r7_just_outside_warns_up_to_0_80_and_1_25() {
    for ratio in [0.89, 0.85, 0.80, 1.11, 1.2, 1.25] {
        let r = with_ratio(ratio);
        assert_eq!(
            codes(&r, "R7"),
            [c("size_ratio", W), c("area_ratio", W)],
            "{ratio}"
        );
        assert_eq!(r.verdict, Verdict::Warn, "{ratio}");
    }
}

#[test]
fn r7_beyond_the_warning_band_is_an_error() {
    for ratio in [0.79, 0.5, 1.26, 1.39] {
        let r = with_ratio(ratio);
        assert_eq!(
            codes(&r, "R7"),
            [c("size_ratio", E), c("area_ratio", E)],
            "{ratio}"
        );
    }
}

#[test]
fn r7_reports_measured_and_expected_in_plain_words() {
    let mut s = base();
    block(&mut s, Script::Mn).font_size_mm = 250.0;
    let r = run(&s);
    let f = one(&r, "R7", "size_ratio");
    assert_eq!(f.measured, Some(json!(0.5)));
    assert_eq!(f.expected, Some(json!({"min": 0.9, "max": 1.1})));
    assert!(
        f.message
            .starts_with("蒙古文字号为汉字的 0.50 倍，应与汉字相同（1:1）"),
        "{}",
        f.message
    );
}

#[test]
fn r7_area_ratio_uses_measured_extents() {
    // Same font size, natural advances: Mongolian 11.25 em long, Chinese 8 em.
    let mut s = base();
    block(&mut s, Script::Mn).fit = Fit::None;
    block(&mut s, Script::Zh).fit = Fit::None;
    let r = run(&s);
    assert_eq!(codes(&r, "R7"), [c("area_ratio", E)]);
    assert_eq!(one(&r, "R7", "area_ratio").measured, Some(json!(1.4063)));
    // Two Mongolian lines of half the length: same area twice over, 1.2 em taller.
    s.texts.mn = "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ ᠲᠥᠪ".into();
    block(&mut s, Script::Mn).h = 1200.0;
    block(&mut s, Script::Zh).y = 1260.0;
    block(&mut s, Script::Zh).h = 500.0;
    s.sign.height_mm = 1800.0;
    let r = run(&s);
    // mn: 7.75 em × 2.2 em; zh: 8 em × 1 em → 2.13
    assert_eq!(one(&r, "R7", "area_ratio").measured, Some(json!(2.1313)));
}

// ------------------------------------------------------------------------- R9

fn side_by_side() -> SignSpec {
    let mut s = base();
    s.texts.zh = "商贸城".into();
    s.texts.mn = "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ".into();
    for (script, x) in [(Script::Mn, 100.0), (Script::Zh, 3100.0)] {
        let b = block(&mut s, script);
        (b.x, b.y, b.w, b.h) = (x, 400.0, 2800.0, 700.0);
    }
    s
}

#[test]
fn r9_top_offset_up_to_two_percent_of_the_height_passes() {
    let mut s = side_by_side();
    block(&mut s, Script::Mn).y = 430.0; // 30 mm = 2% of 1500
    let r = run(&s);
    assert!(of(&r, "R9").is_empty(), "{:#?}", r.findings);
}

#[test]
fn r9_top_offset_beyond_two_percent_warns() {
    let mut s = side_by_side();
    block(&mut s, Script::Mn).y = 431.0;
    let r = run(&s);
    let f = one(&r, "R9", "top_align");
    assert_eq!(f.severity, W);
    assert_eq!(f.measured, Some(json!(31.0)));
    assert_eq!(f.expected, Some(json!({"max": 30.0})));
}

// ------------------------------------------------------------------------ R10

#[test]
fn r10_different_colour_material_or_lighting_warns() {
    let mut s = base();
    block(&mut s, Script::Mn).color = Color::parse("#FF0000").unwrap();
    let r = run(&s);
    assert_eq!(codes(&r, "R10"), [c("materials", W)]);
    assert!(one(&r, "R10", "materials").message.contains("颜色"));

    let mut s = base();
    block(&mut s, Script::Zh).material = Some("stainless_steel".into());
    block(&mut s, Script::Zh).illuminated = Some(false);
    let msg = one(&run(&s), "R10", "materials").message;
    assert!(msg.contains("材质") && msg.contains("发光"), "{msg}");
}

#[test]
fn r10_block_defaults_come_from_the_sign() {
    let mut s = base();
    block(&mut s, Script::Mn).material = None;
    block(&mut s, Script::Mn).illuminated = None;
    assert!(of(&run(&s), "R10").is_empty());
}

// ------------------------------------------------------------------------ R13

fn with_foreign(y: f64, size: f64) -> SignSpec {
    let mut s = base();
    s.sign.height_mm = 2000.0;
    s.texts.foreign = Some("NAIMAN MALL".into());
    let mut b = block(&mut s, Script::Zh).clone();
    (b.script, b.y, b.h, b.font_size_mm) = (Script::Foreign, y, 300.0, size);
    b.fit = Fit::None;
    s.layout.as_mut().unwrap().blocks.push(b);
    s
}

#[test]
fn r13_foreign_last_and_not_larger_passes() {
    let r = run(&with_foreign(1500.0, 250.0));
    assert_eq!(r.findings, vec![], "{:#?}", r.findings);
}

#[test]
fn r13_foreign_first_warns() {
    let mut s = with_foreign(1500.0, 250.0);
    block(&mut s, Script::Foreign).y = 0.0;
    block(&mut s, Script::Mn).y = 350.0;
    block(&mut s, Script::Zh).y = 1100.0;
    let r = run(&s);
    assert_eq!(codes(&r, "R13"), [c("foreign_order", W)]);
}

#[test]
fn r13_larger_foreign_text_warns() {
    let r = run(&with_foreign(1250.0, 600.0));
    let f = one(&r, "R13", "foreign_size");
    assert_eq!(f.measured, Some(json!(600.0)));
    assert_eq!(f.expected, Some(json!({"max": 500.0})));
}

// ------------------------------------------------------------------------- L1

#[test]
fn l1_stretch_factor_bounds_0_5_and_2_0_pass() {
    // Chinese: 8 em × 500 mm = 4000 mm natural.
    for (w, factor) in [(2000.0, 0.5), (8000.0, 2.0)] {
        let mut s = base();
        s.sign.width_mm = 10_000.0;
        block(&mut s, Script::Zh).w = w;
        let r = run(&s);
        assert!(
            of(&r, "L1").is_empty(),
            "factor {factor}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn l1_stretch_factor_beyond_is_an_error() {
    for (w, factor) in [(1960.0, 0.49), (8040.0, 2.01)] {
        let mut s = base();
        s.sign.width_mm = 10_000.0;
        block(&mut s, Script::Zh).w = w;
        let r = run(&s);
        let f = one(&r, "L1", "overflow");
        assert_eq!(f.severity, E);
        assert_eq!(f.field.as_deref(), Some("layout.blocks[1]"));
        assert_eq!(f.measured, Some(json!({"stretch_factor": factor})));
        assert_eq!(
            f.expected,
            Some(json!({"stretch_factor": {"min": 0.5, "max": 2.0}}))
        );
    }
}

#[test]
fn l1_natural_text_longer_than_its_box_overflows() {
    let mut s = base();
    let b = block(&mut s, Script::Zh);
    (b.fit, b.w) = (Fit::None, 3999.0);
    let r = run(&s);
    let f = one(&r, "L1", "overflow");
    assert_eq!(
        f.measured,
        Some(json!({"along_mm": 4000.0, "across_mm": 500.0}))
    );
    let b = block(&mut s, Script::Zh);
    b.w = 4000.0;
    assert!(of(&run(&s), "L1").is_empty());
}

#[test]
fn l1_lines_taller_than_the_box_overflow() {
    let mut s = base();
    s.texts.zh = "奈曼旗\n民族商贸城".into();
    block(&mut s, Script::Zh).fit = Fit::None;
    // 500 × (1 + 1.2) = 1100 mm across in a 700 mm box.
    let r = run(&s);
    let f = one(&r, "L1", "overflow");
    assert_eq!(
        f.measured,
        Some(json!({"along_mm": 2500.0, "across_mm": 1100.0}))
    );
}

// ------------------------------------------------------------------------- L2

#[test]
fn l2_box_outside_the_sign_is_an_error() {
    let mut s = base();
    block(&mut s, Script::Zh).x = 700.0; // right edge 6100 > 6000
    let r = run(&s);
    assert_eq!(codes(&r, "L2"), [c("bounds", E)]);
    assert_eq!(
        one(&r, "L2", "bounds").field.as_deref(),
        Some("layout.blocks[1]")
    );
}

#[test]
fn l2_overlapping_boxes_are_an_error_touching_ones_are_not() {
    let mut s = base();
    assert!(of(&run(&s), "L2").is_empty()); // mn ends at 750, zh starts at 750
    block(&mut s, Script::Zh).y = 700.0;
    block(&mut s, Script::Zh).h = 700.0;
    assert_eq!(codes(&run(&s), "L2"), [c("overlap", E)]);
}

// --------------------------------------------------------------------- I3, I4

fn design(w: u32, h: u32) -> DesignInfo {
    DesignInfo {
        width_px: w,
        height_px: h,
    }
}

#[test]
fn i3_design_aspect_within_ten_percent_passes() {
    // The sign is 4:1.
    let designs = [design(4000, 1000), design(4400, 1000), design(3600, 1000)];
    let r = run_with(&base(), &designs, Profile::nmg());
    assert!(of(&r, "I3").is_empty(), "{:#?}", r.findings);
}

#[test]
fn i3_design_aspect_beyond_ten_percent_warns() {
    let designs = [design(4000, 1000), design(4500, 1000), design(1000, 1000)];
    let r = run_with(&base(), &designs, Profile::nmg());
    let fields: Vec<_> = of(&r, "I3")
        .iter()
        .map(|f| f.field.clone().unwrap())
        .collect();
    assert_eq!(fields, ["designs[1]", "designs[2]"]);
    let f = &of(&r, "I3")[0];
    assert_eq!((f.code.as_str(), f.severity), ("design_aspect", W));
    assert_eq!(f.measured, Some(json!(4.5)));
    assert_eq!(f.expected, Some(json!({"min": 3.6, "max": 4.4})));
}

#[test]
fn i4_long_side_at_least_800_px() {
    let r = run_with(&base(), &[design(800, 200)], Profile::nmg());
    assert!(of(&r, "I4").is_empty());
    let r = run_with(&base(), &[design(796, 199)], Profile::nmg());
    let f = one(&r, "I4", "design_resolution");
    assert_eq!(f.measured, Some(json!(796)));
    assert_eq!(f.expected, Some(json!({"min": 800})));
}

// -------------------------------------------------------- all at once, in order

#[test]
fn every_finding_at_once_in_catalogue_order() {
    let mut s = base();
    s.texts.zh = "奈曼商貿城KFC".into();
    s.texts.mn = "ᠨᠠᠢᠮᠠᠨ abc".into();
    block(&mut s, Script::Mn).y = 750.0;
    block(&mut s, Script::Zh).y = 50.0;
    block(&mut s, Script::Mn).font_size_mm = 300.0;
    block(&mut s, Script::Mn).color = Color::parse("#000000").unwrap();
    let r = run_with(&s, &[design(100, 100)], Profile::nmg());
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["R2", "T1", "T2", "R3", "R7", "R7", "R10", "L1", "I3", "I4"],
        "{:#?}",
        r.findings
    );
    assert_eq!(r.verdict, Verdict::Fail);
}

#[test]
fn without_a_layout_only_text_and_design_rules_run() {
    let mut s = base();
    s.layout = None;
    block_less_checks(&s);
}

fn block_less_checks(s: &SignSpec) {
    let r = run_with(s, &[design(4000, 1000)], Profile::nmg());
    assert_eq!(r.findings, vec![]);
}

// ------------------------------------------------------------------ validate

#[test]
fn validate_reports_every_broken_field() {
    let mut s = base();
    s.sign.width_mm = f64::NAN;
    s.sign.height_mm = 200_000.0;
    s.texts.zh = "字".repeat(201);
    block(&mut s, Script::Zh).font_size_mm = 0.0;
    block(&mut s, Script::Mn).w = f64::INFINITY;
    let mut dup = block(&mut s, Script::Zh).clone();
    dup.font_size_mm = 100.0;
    s.layout.as_mut().unwrap().blocks.push(dup);
    let errs = validate(s.clone()).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "sign.width_mm",
            "sign.height_mm",
            "texts.zh",
            "layout.blocks[0].w",
            "layout.blocks[1].font_size_mm",
            "layout.blocks[2].script",
        ]
    );
    assert!(errs.iter().all(|e| !e.message.is_empty()));
    let json = serde_json::to_value(&errs[0]).unwrap();
    assert_eq!(json["field"], "sign.width_mm");
}

#[test]
fn validate_needs_a_block_for_every_text() {
    let mut s = base();
    s.texts.foreign = Some("NAIMAN".into());
    let errs = validate(s.clone()).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "layout.blocks");
    assert!(errs[0].message.contains("外文"));
    // A pending Mongolian text needs no block.
    let mut s = base();
    s.texts.mn.clear();
    s.layout.as_mut().unwrap().blocks.remove(0);
    assert_eq!(validate(s.clone()).map(|_| ()), Ok(()));
}

#[test]
fn validate_refuses_control_characters_and_too_many_lines() {
    let mut s = base();
    s.texts.mn.push('\u{0007}');
    s.texts.zh = "商\n".repeat(20) + "店";
    let errs = validate(s.clone()).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["texts.mn", "texts.zh"]);
}
