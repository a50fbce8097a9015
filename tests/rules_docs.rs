//! `docs/rules.md` documents exactly the rules of the embedded profile: every rule id of the
//! profile has a table row there, and every row names a rule of the profile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use signboard::rules::{catalogue, Profile};
use std::collections::BTreeSet;

/// The first cell of every table row that looks like a rule id (`R1`, `R2a`, `T1`, `I4`, …).
fn documented_ids(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|rest| rest.split(" |").next())
        .map(str::trim)
        .filter(|cell| {
            let mut chars = cell.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.next().is_some_and(|c| c.is_ascii_digit())
                && cell.len() <= 4
                && cell.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_profile_rule_is_documented_and_every_documented_rule_exists() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .expect("docs/rules.md is part of the repository");
    let documented = documented_ids(&docs);
    let profile: BTreeSet<String> = catalogue(Profile::nmg())
        .rules
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(
        profile.len() >= 20,
        "the catalogue lists the profile's rules"
    );
    let undocumented: Vec<_> = profile.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&profile).collect();
    assert!(
        undocumented.is_empty(),
        "rules missing from docs/rules.md: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/rules.md rows without a rule: {unknown:?}"
    );
}

#[test]
fn the_id_reader_finds_rows_and_skips_other_tables() {
    let text = "| id | rule |\n|---|---|\n| R2a | x |\n| S1 | y |\n| variable | z |\n";
    let ids = documented_ids(text);
    assert_eq!(ids, ["R2a", "S1"].iter().map(|s| s.to_string()).collect());
}
