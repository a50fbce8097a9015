//! The rule profile: the embedded `nmg` is valid and complete, a replacement file is
//! validated with clear errors, and the catalogue lists every rule of RULES.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use signboard::rules::{catalogue, self_test, EnforcedBy, Profile, ProfileError};
use std::path::PathBuf;

const NMG: &str = include_str!("../src/rules/profiles/nmg.toml");

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signboard-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn invalid(text: &str) -> String {
    match Profile::from_toml_str(text, "test.toml") {
        Ok(_) => panic!("profile should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn embedded_nmg_is_valid() {
    let p = Profile::nmg();
    assert_eq!(p.id(), "nmg");
    assert!(!p.version().is_empty());
    assert!(
        p.blocklist().is_empty(),
        "R15's blocklist is empty by default"
    );
    let t = p.thresholds();
    assert_eq!((t.ratio_pass.min, t.ratio_pass.max), (0.90, 1.10));
    assert_eq!((t.ratio_warn.min, t.ratio_warn.max), (0.80, 1.25));
    assert_eq!((t.stretch.min, t.stretch.max), (0.5, 2.0));
    assert_eq!(t.design_min_long_side_px, 800);
    // The same text parsed again gives the same profile.
    let again = Profile::from_toml_str(NMG, "nmg").unwrap();
    assert_eq!(again.version(), p.version());
}

#[test]
fn rule_data_loads() {
    self_test().unwrap();
}

#[test]
fn from_path_reads_a_valid_file() {
    let text = NMG
        .replace("version = \"2025.1\"", "version = \"2099.9\"")
        .replace("id = \"nmg\"", "id = \"baotou\"")
        .replace("blocklist = []", "blocklist = [\"最佳\"]");
    let p = Profile::from_path(&temp_file("baotou.toml", &text)).unwrap();
    assert_eq!((p.id(), p.version()), ("baotou", "2099.9"));
    assert_eq!(p.blocklist(), ["最佳"]);
}

#[test]
fn from_path_missing_file_names_the_path() {
    let err = Profile::from_path(std::path::Path::new("/nonexistent/rules.toml")).unwrap_err();
    assert!(matches!(err, ProfileError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/rules.toml"), "{err}");
}

#[test]
fn malformed_toml_is_a_parse_error() {
    let path = temp_file("broken.toml", "id = \"x\"\nversion = [");
    let err = Profile::from_path(&path).unwrap_err();
    assert!(matches!(err, ProfileError::Parse { .. }), "{err}");
    assert!(err.to_string().contains("broken.toml"), "{err}");
}

#[test]
fn unknown_field_is_refused() {
    let err = invalid(&NMG.replace("[thresholds]", "[thresholds]\nratio_passs = [1.0, 1.0]"));
    assert!(err.contains("ratio_passs"), "{err}");
}

#[test]
fn missing_rule_is_refused() {
    let text = NMG
        .replace("[rules.R9]", "[rules.R99]")
        .replace("[rules.R9.", "[rules.R99.");
    let err = invalid(&text);
    assert!(err.contains("rules.R9 is missing"), "{err}");
    assert!(err.contains("R99"), "{err}");
}

#[test]
fn unknown_placeholder_is_refused() {
    let text = NMG.replace(
        "蒙古文字号为汉字的 {measured} 倍",
        "蒙古文字号为汉字的 {mesured} 倍",
    );
    let err = invalid(&text);
    assert!(err.contains("{mesured}") && err.contains("R7"), "{err}");
}

#[test]
fn disordered_thresholds_are_refused() {
    let err = invalid(&NMG.replace("ratio_warn = [0.80, 1.25]", "ratio_warn = [0.95, 1.25]"));
    assert!(err.contains("ratio_warn must enclose"), "{err}");
    let err = invalid(&NMG.replace("stretch = [0.5, 2.0]", "stretch = [2.0, 0.5]"));
    assert!(err.contains("thresholds.stretch"), "{err}");
}

#[test]
fn unknown_source_and_severity_are_refused() {
    let err = invalid(&NMG.replacen("sources = [\"S1\", \"S2\"]", "sources = [\"S9\"]", 1));
    assert!(err.contains("unknown source S9"), "{err}");
    let text = NMG.replacen(
        "[rules.R3.messages.order]\nseverity = \"error\"",
        "[rules.R3.messages.order]\nseverity = \"fatal\"",
        1,
    );
    assert!(invalid(&text).contains("fatal"));
    let text = NMG.replacen(
        "[rules.R3.messages.order]\nseverity = \"error\"",
        "[rules.R3.messages.order]\nseverity = \"pending\"",
        1,
    );
    assert!(invalid(&text).contains("only for R1"));
}

#[test]
fn catalogue_lists_every_rule_of_rules_md_with_sources() {
    let c = catalogue(Profile::nmg());
    let ids: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "R1", "R2", "R2a", "T1", "T2", "R15", "R3", "R4", "R5", "R6", "R7", "R9", "R10", "R13",
        "L1", "L2", "I1", "I2", "I3", "I4", "R11", "R12",
    ] {
        assert!(ids.contains(&id), "catalogue lacks {id}");
    }
    for r in &c.rules {
        assert!(!r.title.is_empty() && !r.check.is_empty(), "{}", r.id);
        assert!(!r.sources.is_empty(), "{} has no source", r.id);
        assert!(r.sources.iter().all(|s| !s.quote.is_empty()), "{}", r.id);
        match r.enforced_by {
            EnforcedBy::Check => assert!(r.severity.is_some() && !r.codes.is_empty(), "{}", r.id),
            _ => assert!(r.codes.is_empty(), "{}", r.id),
        }
    }
    let r7 = c.rules.iter().find(|r| r.id == "R7").unwrap();
    let codes: Vec<&str> = r7.codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["size_ratio", "area_ratio"]);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["profile"]["id"], "nmg");
    assert_eq!(
        json["thresholds"]["ratio_pass"],
        serde_json::json!([0.9, 1.1])
    );
    assert_eq!(json["rules"][0]["sources"][0]["id"], "S1");
}
