//! A block's own `text`: the spec's text with the line breaks moved (validate), and what the
//! layout rules measure (the block's text, not the spec's).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use signboard::rules::{check, validate, Profile};
use signboard::spec::{
    same_up_to_breaks, Orientation, Script, SignSpec, TextMeasure, TextMeasurer, Verdict,
};

/// Mongolian characters advance a quarter em, the others one em; lines split at `\n`.
struct EmMeasurer;

impl TextMeasurer for EmMeasurer {
    fn measure(&self, _: Script, text: &str, _: Orientation, font_size_mm: f64) -> TextMeasure {
        TextMeasure {
            line_lengths_mm: text
                .split('\n')
                .map(|l| {
                    l.chars()
                        .map(|c| {
                            if ('\u{1800}'..='\u{18AF}').contains(&c) || c == ' ' {
                                0.25
                            } else {
                                1.0
                            }
                        })
                        .sum::<f64>()
                        * font_size_mm
                })
                .collect(),
            has_notdef: false,
        }
    }
}

const MN: &str = "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ";
const ZH: &str = "奈曼旗民族商贸城";

/// Mongolian above Chinese, each in a box for two lines of 4 em at 100 mm.
fn spec(mn_text: Option<&str>, zh_text: Option<&str>) -> SignSpec {
    let block = |script: &str, y: f64, text: Option<&str>| {
        let mut b = json!({"script": script, "x": 100, "y": y, "w": 1000, "h": 240,
            "font_size_mm": 100, "orientation": "horizontal", "fit": "none",
            "color": "#000000", "material": "acrylic", "illuminated": false});
        if let Some(t) = text {
            b["text"] = json!(t);
        }
        b
    };
    serde_json::from_value(json!({
        "sign": {"kind": "shop_plaque", "width_mm": 1200, "height_mm": 600,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": false},
        "texts": {"mn": MN, "zh": ZH},
        "layout": {"blocks": [block("mn", 20.0, mn_text), block("zh", 300.0, zh_text)]}
    }))
    .unwrap()
}

#[test]
fn mongolian_breaks_only_where_a_space_or_break_is() {
    let ok = |s: &str| same_up_to_breaks(MN, s, false);
    assert!(ok(MN));
    assert!(ok("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ ᠲᠥᠪ"));
    assert!(ok("ᠨᠠᠢᠮᠠᠨ\nᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ\nᠲᠥᠪ"));
    // Inside a word, words joined, a word changed, a word left out, an extra empty line.
    assert!(!ok("ᠨᠠᠢ\nᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ"));
    assert!(!ok("ᠨᠠᠢᠮᠠᠨᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ"));
    assert!(!ok("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠡ"));
    assert!(!ok("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ"));
    assert!(!ok("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ\n"));
    // NNBSP and FVS are part of the word: never a break.
    let suffixed = "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\u{202F}ᠶᠢᠨ ᠲᠠ\u{180B}ᠯ";
    assert!(!same_up_to_breaks(
        suffixed,
        "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ ᠲᠠ\u{180B}ᠯ",
        false
    ));
    assert!(!same_up_to_breaks(
        suffixed,
        "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\u{202F}ᠶᠢᠨ ᠲᠠ\n\u{180B}ᠯ",
        false
    ));
    assert!(same_up_to_breaks(
        suffixed,
        "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\u{202F}ᠶᠢᠨ\nᠲᠠ\u{180B}ᠯ",
        false
    ));
    // The merchant's own break may become a space, and a space a break.
    assert!(same_up_to_breaks(
        "ᠨᠠᠢᠮᠠᠨ\nᠲᠥᠪ ᠶᠢᠨ",
        "ᠨᠠᠢᠮᠠᠨ ᠲᠥᠪ\nᠶᠢᠨ",
        false
    ));
}

#[test]
fn chinese_breaks_between_any_two_characters() {
    let ok = |s: &str| same_up_to_breaks(ZH, s, true);
    assert!(ok("奈曼旗民\n族商贸城"));
    assert!(ok("奈曼\n旗民族\n商贸城"));
    assert!(!ok("奈曼旗民\n\n族商贸城"), "two breaks make an empty line");
    assert!(
        !ok("奈曼旗民 族商贸城"),
        "a break, not a space, is inserted"
    );
    assert!(!ok("奈曼旗民\n族商贸"), "a character left out");
    assert!(!ok("奈曼旗民\n族商貿城"), "a character changed");
    // A space of the text may become a break; a break of the text stays a break or a space.
    assert!(same_up_to_breaks("奈曼 旗", "奈曼\n旗", true));
    assert!(same_up_to_breaks("奈曼\n旗", "奈曼 旗", true));
    assert!(!same_up_to_breaks("奈曼\n旗", "奈曼旗", true));
}

#[test]
fn a_block_text_that_is_not_the_text_is_an_invalid_field() {
    assert_eq!(
        validate(spec(
            Some("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ ᠲᠥᠪ"),
            Some("奈曼旗民\n族商贸城")
        ))
        .map(|_| ()),
        Ok(())
    );
    let err = validate(spec(
        Some("ᠨᠠᠢ\nᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ"),
        Some("奈曼旗\n超市"),
    ))
    .unwrap_err();
    let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["layout.blocks[0].text", "layout.blocks[1].text"]);
    assert!(err[0].message.contains("蒙古文") && err[0].message.contains("换行"));
    assert!(err[1].message.contains("汉文"));
    // More lines than a text may have: 24 hanzi, one a line.
    let mut s = spec(None, None);
    s.texts.zh = ZH.repeat(3);
    s.layout.as_mut().unwrap().blocks[1].text = Some(
        s.texts
            .zh
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let err = validate(s.clone()).unwrap_err();
    assert_eq!(err[0].field, "layout.blocks[1].text");
    assert!(err[0].message.contains("20"), "{}", err[0].message);
}

#[test]
fn the_layout_rules_measure_the_block_text() {
    // Two lines (220 mm across) fit the 240 mm tall boxes.
    let broken = spec(
        Some("ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\nᠶᠢᠨ ᠲᠥᠪ"),
        Some("奈曼旗民\n族商贸城"),
    );
    validate(broken.clone()).unwrap();
    let report = check(&broken, &[], &EmMeasurer, Profile::nmg());
    assert!(
        report.findings.iter().all(|f| f.rule != "L1"),
        "{:?}",
        report.findings
    );
    // Three lines do not fit a box for two: L1 reports the block's own text.
    let three = spec(None, Some("奈曼旗\n民族商\n贸城"));
    validate(three.clone()).unwrap();
    let report = check(&three, &[], &EmMeasurer, Profile::nmg());
    let l1: Vec<_> = report.findings.iter().filter(|f| f.rule == "L1").collect();
    assert_eq!(l1.len(), 1, "{:?}", report.findings);
    assert_eq!(l1[0].field.as_deref(), Some("layout.blocks[1]"));
    assert_eq!(report.verdict, Verdict::Fail);
}
