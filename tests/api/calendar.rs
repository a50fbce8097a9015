//! `GET /api/v1/calendar/{year}`: holidays and make-up working days, embedded or from
//! `SIGNBOARD_CALENDAR_DIR`, and a malformed year file stopping start-up.

use crate::backend_test;
use crate::helpers::{body, error_code, test_config, TestClock};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/calendar")
}

backend_test!(a_year_of_the_embedded_calendar, |app| {
    let (status, v) = body(app.get("/api/v1/calendar/2026", None).await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["year"], 2026);
    assert_eq!(v["provisional"], false);
    assert_eq!(v["source"], "embedded holiday-cn (MIT)");
    let holidays: Vec<&str> = v["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    for d in ["2026-10-01", "2026-10-07", "2026-02-16", "2026-09-25"] {
        assert!(holidays.contains(&d), "{d} in {holidays:?}");
    }
    assert_eq!(holidays.len(), 33);
    assert_eq!(
        v["workdays"],
        json!([
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10"
        ])
    );

    // 2027's notice is not out: weekdays only.
    let (status, v) = body(app.get("/api/v1/calendar/2027", None).await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v,
        json!({"year": 2027, "provisional": true, "holidays": [], "workdays": [],
               "source": "embedded holiday-cn (MIT)"})
    );
    // A year with no file at all.
    let (status, v) = body(app.get("/api/v1/calendar/1990", None).await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v,
        json!({"year": 1990, "provisional": true, "holidays": [], "workdays": [],
               "source": null})
    );
});

backend_test!(years_outside_the_range_are_not_found, |app| {
    for path in ["1899", "2201", "-5", "99999999999", "abc"] {
        let (status, v) = body(app.get(&format!("/api/v1/calendar/{path}"), None).await).await;
        assert_eq!(status, 404, "{path}: {v}");
        assert_eq!(error_code(&v), "not_found", "{path}");
    }
    for path in ["1900", "2200"] {
        let resp = app.get(&format!("/api/v1/calendar/{path}"), None).await;
        assert_eq!(resp.status(), 200, "{path}");
    }
});

backend_test!(
    a_calendar_dir_adds_a_year,
    config = |c| c.calendar_dir = Some(fixture_dir()),
    |app| {
        let (status, v) = body(app.get("/api/v1/calendar/2027", None).await).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            v,
            json!({"year": 2027, "provisional": false, "holidays": ["2027-01-01", "2027-02-08"],
                   "workdays": ["2027-02-06"], "source": "2027.json"})
        );
        // The embedded years stay.
        let (_, v) = body(app.get("/api/v1/calendar/2026", None).await).await;
        assert_eq!(v["source"], "embedded holiday-cn (MIT)");
    }
);

#[test]
fn a_malformed_calendar_file_stops_start_up_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("calendar");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("2028.json"),
        r#"{"year": 2028, "days": [{"name": "x", "date": "2026-12-31", "isOffDay": true}]}"#,
    )
    .unwrap();
    let database = signboard::db::DbUrl::Sqlite(tmp.path().join("data/db.sqlite"));
    let mut config = test_config(&tmp.path().join("data"), database);
    config.calendar_dir = Some(dir.clone());
    let Err(err) = signboard::prepare(config.clone(), Arc::new(TestClock::default())) else {
        panic!("a malformed calendar file was accepted");
    };
    let message = err.to_string();
    assert!(
        message.contains(&dir.join("2028.json").display().to_string())
            && message.contains("2026-12-31"),
        "{message}"
    );

    // Broken JSON, and a directory that does not exist.
    std::fs::write(dir.join("2028.json"), "{\"year\": 2028, \"days\": [").unwrap();
    let Err(err) = signboard::prepare(config.clone(), Arc::new(TestClock::default())) else {
        panic!("a broken calendar file was accepted");
    };
    assert!(err.to_string().contains("2028.json"), "{err}");
    config.calendar_dir = Some(tmp.path().join("missing"));
    let Err(err) = signboard::prepare(config, Arc::new(TestClock::default())) else {
        panic!("a missing calendar directory was accepted");
    };
    assert!(err.to_string().contains("missing"), "{err}");
}
