//! Shaping conformance of the renderer's Mongolian path (harfrust, script Mongolian, LTR):
//! the HarfBuzz in-house Mongolian cases, the UTN #57 suites scored by written units on the
//! synthetic font, and glyph ids against HarfBuzz 15.0.0 on the shipped Noto Sans Mongolian.
//! Data: tests/data/shaping (copied from the shared mongolian-shaping test data).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use signboard::render::{Fonts, ShapingFont};
use signboard::spec::{Orientation, Script};

/// The repository root: `SIGNBOARD_ROOT` when set (a scratch crate building these files),
/// else this crate's manifest directory.
fn root() -> PathBuf {
    std::env::var_os("SIGNBOARD_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn data(rel: &str) -> PathBuf {
    root().join("tests/data/shaping").join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn font(path: &Path) -> ShapingFont {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ShapingFont::from_bytes(bytes, path).unwrap()
}

fn hex_text(codepoints: &str) -> String {
    codepoints
        .split_whitespace()
        .map(|h| char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap())
        .collect()
}

/// `suite > case-id`, text, expected written units.
fn utn_cases() -> Vec<(String, String, String)> {
    read(&data("utn57/cases-hudum.tsv"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split('\t');
            let id = parts.next().unwrap().to_owned();
            let text = hex_text(parts.next().unwrap());
            let expected = parts.next().unwrap_or("").to_owned();
            (id, text, expected)
        })
        .collect()
}

fn reference(name: &str) -> HashMap<String, Vec<u32>> {
    read(&data(&format!("reference/{name}")))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (id, gids) = l.split_once('\t').unwrap();
            let gids = gids
                .split_whitespace()
                .map(|g| g.parse().unwrap())
                .collect();
            (id.to_owned(), gids)
        })
        .collect()
}

#[test]
fn harfbuzz_in_house_mongolian_cases() {
    let dir = data("harfbuzz/in-house/tests");
    let mut fonts: HashMap<String, ShapingFont> = HashMap::new();
    let mut cases = 0;
    let mut failures = Vec::new();
    for file in [
        "mongolian-variation-selector.tests",
        "arabic-feature-order.tests",
    ] {
        for line in read(&dir.join(file)).lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split(';').collect();
            let (font_path, codepoints, expected) = (fields[0], fields[2], fields[3]);
            let chars: Vec<char> = codepoints
                .split(',')
                .map(|c| {
                    char::from_u32(u32::from_str_radix(c.trim_start_matches("U+"), 16).unwrap())
                        .unwrap()
                })
                .collect();
            if !chars.iter().any(|c| ('\u{1800}'..='\u{18AF}').contains(c)) {
                continue; // the Arabic cases of arabic-feature-order.tests
            }
            cases += 1;
            let font = fonts
                .entry(font_path.to_owned())
                .or_insert_with(|| font(&dir.join(font_path)));
            let text: String = chars.iter().collect();
            // Clusters in the expectations are character indices.
            let byte_to_char: HashMap<u32, usize> = text
                .char_indices()
                .enumerate()
                .map(|(ci, (bi, _))| (bi as u32, ci))
                .collect();
            let got: Vec<String> = font
                .shape_mongolian(&text)
                .iter()
                .map(|g| {
                    let name = font
                        .glyph_name(g.glyph_id)
                        .unwrap_or_else(|| format!("gid{}", g.glyph_id));
                    let mut s = format!("{name}={}", byte_to_char[&g.cluster]);
                    if g.x_offset != 0 || g.y_offset != 0 {
                        s.push_str(&format!("@{},{}", g.x_offset, g.y_offset));
                    }
                    s.push_str(&format!("+{}", g.x_advance));
                    s
                })
                .collect();
            let got = format!("[{}]", got.join("|"));
            if got != expected {
                failures.push(format!(
                    "{codepoints}\n  expected {expected}\n  got      {got}"
                ));
            }
        }
    }
    assert_eq!(cases, 21, "the 21 Mongolian cases");
    assert!(
        failures.is_empty(),
        "{} of 21 differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Written units of a glyph run, per the testdata README.
fn written_units(names: &[String], mapping: &HashMap<String, String>) -> String {
    let mut tokens = String::new();
    for name in names {
        let name = match mapping.get(name) {
            Some(mapped) => mapped.clone(),
            None => name.clone(),
        };
        if name.is_empty() {
            continue;
        }
        let name = name.replace("._", "@").replace(".mvs", "@mvs");
        let parts: Vec<&str> = name.split('.').collect();
        let (units, position) = match parts.len() {
            2 => (parts[0], parts[1]),
            3 => (parts[1], parts[2]),
            _ => continue,
        };
        let caps = capitalised(units);
        if position.starts_with("init") {
            tokens.push_str(&caps.concat());
            tokens.push_str("Right");
        } else if position.starts_with("medi") {
            tokens.push_str("Left");
            tokens.push_str(&caps.concat());
            tokens.push_str("Right");
        } else if position.starts_with("fina") {
            tokens.push_str("Left");
            tokens.push_str(&caps.concat());
        } else {
            tokens.push_str(&caps.concat());
        }
    }
    let tokens = tokens
        .replace("RightLeft", "")
        .replace("RightBaludaLeft", "Baluda")
        .replace("RightTribaludaLeft", "Tribaluda");
    capitalised(&tokens)
        .join(" ")
        .replace("Nirugu", "Ni")
        .replace("Left", "<")
        .replace("Right", ">")
        .replace("Widespace", "-")
        .replace("Narrowspace", "_")
}

/// The tokens of regex `[A-Z][a-z0-9]*`.
fn capitalised(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_uppercase() {
            if let Some(st) = start {
                out.push(&s[st..i]);
            }
            start = Some(i);
        } else if !(c.is_ascii_lowercase() || c.is_ascii_digit()) {
            if let Some(st) = start {
                out.push(&s[st..i]);
            }
            start = None;
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

#[test]
fn utn57_written_units_on_synthetic_font() {
    let font = font(&data("utn57/utn57-hudum-synthetic.otf"));
    let mapping: HashMap<String, String> = read(&data("utn57/glyph-name-mapping.tsv"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once('\t').unwrap_or((l, ""));
            (k.to_owned(), v.trim().to_owned())
        })
        .collect();
    let reference = reference("utn57-synthetic.harfbuzz-15.0.0.tsv");
    let expected_failures = [
        "eac-hudum > XIM11-39",
        "eac-hudum > XIM11-40",
        "eac-hudum > XIM11-41",
        "eac-hudum > XIM11-46",
        "eac-hudum > XIM11-1012",
    ];
    let cases = utn_cases();
    assert_eq!(cases.len(), 3689);
    let (mut pass, mut failed, mut gid_diff) = (0, Vec::new(), Vec::new());
    for (id, text, expected) in &cases {
        let glyphs = font.shape_mongolian(text);
        let gids: Vec<u32> = glyphs.iter().map(|g| g.glyph_id).collect();
        if reference.get(id) != Some(&gids) {
            gid_diff.push(id.clone());
        }
        let names: Vec<String> = gids
            .iter()
            .map(|&g| font.glyph_name(g).unwrap_or_default())
            .collect();
        if written_units(&names, &mapping) == *expected {
            pass += 1;
        } else {
            failed.push(id.clone());
        }
    }
    assert!(
        gid_diff.is_empty(),
        "glyph ids differ from HarfBuzz on the synthetic font: {gid_diff:?}"
    );
    assert_eq!(
        failed, expected_failures,
        "exactly the five upstream failures"
    );
    assert_eq!(pass, 3684);
}

fn shipped_fonts() -> Fonts {
    Fonts::load(&root().join("fonts")).unwrap()
}

#[test]
fn glyph_ids_match_harfbuzz_on_noto_sans_mongolian() {
    let fonts = shipped_fonts();
    let reference = reference("noto-sans-mongolian-3.002.harfbuzz-15.0.0.tsv");
    let cases = utn_cases();
    let mut diffs = Vec::new();
    let mut notdef = Vec::new();
    for (id, text, _) in &cases {
        // The font's own shaper, and the renderer's line path (run splitting included).
        let direct: Vec<u32> = fonts
            .mongolian()
            .shape_mongolian(text)
            .iter()
            .map(|g| g.glyph_id)
            .collect();
        let line = fonts.shape_line(Script::Mn, text, Orientation::Vertical);
        let drawn: Vec<u32> = line.glyphs.iter().map(|g| g.glyph_id).collect();
        if reference.get(id) != Some(&direct) || direct != drawn {
            diffs.push(format!(
                "{id}: reference {:?} direct {direct:?} drawn {drawn:?}",
                reference.get(id)
            ));
        }
        if line.has_notdef || drawn.contains(&0) {
            notdef.push(id.clone());
        }
    }
    assert!(
        diffs.is_empty(),
        "{} cases differ, first: {:?}",
        diffs.len(),
        &diffs[..diffs.len().min(5)]
    );
    assert!(notdef.is_empty(), ".notdef in {notdef:?}");
}

#[test]
fn chinese_subset_covers_the_standard_table_and_gb2312_hanzi() {
    let fonts = shipped_fonts();
    // fonts/sc-unicodes.txt is the list the subset was cut to (standard table + GB2312 + Latin
    // + punctuation); every ideograph on it must be drawable.
    let mut wanted: Vec<char> = read(&root().join("fonts/sc-unicodes.txt"))
        .lines()
        .filter_map(|l| u32::from_str_radix(l.trim().trim_start_matches("U+"), 16).ok())
        .filter_map(char::from_u32)
        .filter(|c| matches!(*c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{20000}'..='\u{3FFFF}'))
        .collect();
    assert!(wanted.len() > 8_000, "{} ideographs listed", wanted.len());
    // The standard table itself, as the repository ships it.
    let hanzi: Vec<char> = read(&root().join("src/rules/data/tongyong-guifan-hanzi-2013.tsv"))
        .lines()
        .filter_map(|l| l.split('\t').nth(1).and_then(|s| s.chars().next()))
        .collect();
    assert_eq!(hanzi.len(), 8105);
    wanted.extend(hanzi);
    let missing: Vec<char> = wanted
        .into_iter()
        .filter(|&c| !fonts.chinese().covers(c))
        .collect();
    assert!(missing.is_empty(), "not in the subset: {missing:?}");
    for c in "奈曼旗民族商贸城，。、“”ABCabc0123é·—…".chars() {
        assert!(fonts.chinese().covers(c), "{c}");
    }
}

#[test]
fn fonts_load_rejects_missing_and_wrong_files() {
    let tmp = std::env::temp_dir().join(format!("signboard-fonts-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let err = Fonts::load(&tmp).unwrap_err().to_string();
    assert!(err.contains("NotoSansMongolian-Regular.ttf"), "{err}");
    std::fs::write(tmp.join("NotoSansMongolian-Regular.ttf"), b"not a font").unwrap();
    let err = Fonts::load(&tmp).unwrap_err().to_string();
    assert!(
        err.contains("NotoSansMongolian-Regular.ttf") && err.contains("sha256"),
        "{err}"
    );
    std::fs::remove_dir_all(&tmp).ok();
    let fonts = shipped_fonts();
    assert!(
        fonts.version_tag().starts_with("noto-mn-3.002+noto-sc-"),
        "{}",
        fonts.version_tag()
    );
}
