//! The rule catalogue and the rules profile as data: a replacement profile, validated at
//! start, and past findings that keep the profile they were checked with.

use crate::backend_test;
use crate::helpers::{application, body, spawn_with, test_config};
use serde_json::json;
use signboard::db::DbUrl;

const RULE_IDS: [&str; 20] = [
    "R1", "R2", "R2a", "T1", "T2", "R15", "R3", "R4", "R5", "R6", "R7", "R9", "R10", "R13", "L1",
    "L2", "I1", "I2", "I3", "I4",
];

backend_test!(the_catalogue_lists_every_rule_with_its_source, |app| {
    let (status, v) = body(app.get("/api/v1/rules", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(v["profile"]["id"], "nmg");
    let rules = v["rules"].as_array().unwrap();
    for id in RULE_IDS {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing: {v}"));
        assert!(
            !rule["sources"].as_array().unwrap().is_empty(),
            "{id} has no source"
        );
        assert!(!rule["title"].as_str().unwrap().is_empty());
    }
});

fn profile_text(version: &str, blocked: &str) -> String {
    let nmg = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/rules/profiles/nmg.toml"
    ))
    .unwrap();
    nmg.replacen(
        "version = \"2025.1\"",
        &format!("version = \"{version}\""),
        1,
    )
    .replacen("blocklist = []", &format!("blocklist = [\"{blocked}\"]"), 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_file_replaces_the_default_and_past_findings_keep_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let profile = tmp.path().join("strict.toml");
    std::fs::write(&profile, profile_text("strict.1", "商贸城")).unwrap();
    let mut config = test_config(&data, DbUrl::Sqlite(data.join("db.sqlite")));
    config.rules_profile = Some(profile.clone());

    // Under the strict profile the shop's name is a banned term (R15).
    let app = spawn_with(config.clone(), tempfile::tempdir().unwrap(), None).await;
    let (_, rules) = body(app.get("/api/v1/rules", None).await).await;
    assert_eq!(rules["profile"]["version"], "strict.1");
    let m = app.merchant("m").await;
    let id = app.submit_ok(&m, &application()).await;
    let d = app.detail(&m, &id).await;
    let rev = &d["revisions"][0];
    assert_eq!(rev["profile"], json!({"id": "nmg", "version": "strict.1"}));
    assert_eq!(rev["verdict"], "fail");
    assert!(
        rev["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "R15"),
        "{rev}"
    );
    drop(app);

    // Restarted on the same database with the default profile: the old revision is unchanged,
    // a new check uses the new profile.
    config.rules_profile = None;
    let app = spawn_with(config, tempfile::tempdir().unwrap(), None).await;
    let m = app.login("m_u", "merchant-pass").await;
    let d = app.detail(&m, &id).await;
    assert_eq!(d["revisions"][0]["profile"]["version"], "strict.1");
    assert_eq!(d["revisions"][0]["verdict"], "fail");
    let spec = json!({"sign": application()["sign"], "texts": application()["texts"]});
    let (_, checked) = body(app.post_json("/api/v1/check", None, &spec).await).await;
    assert_eq!(checked["profile"]["version"], "2025.1");
    assert!(checked["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "R15"));
}

#[test]
fn a_malformed_profile_stops_start_up_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "id = \"nmg\"\nversion = 3\n[thresholds\n").unwrap();
    let mut config = test_config(&data, DbUrl::Sqlite(data.join("db.sqlite")));
    config.rules_profile = Some(bad.clone());
    let err = signboard::prepare(
        config,
        std::sync::Arc::new(crate::helpers::TestClock::default()),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        err.contains("rules profile") && err.contains("bad.toml"),
        "{err}"
    );
}
