//! Submission, visibility, every allowed transition, a sample of illegal ones, races and
//! approval numbers.

use crate::backend_test;
use crate::helpers::{
    application, application_for_translation, body, error_code, form, png_part, TestApp, MN,
};
use chrono::TimeZone;
use serde_json::{json, Value};

backend_test!(
    submission_goes_to_review_or_translation_with_findings,
    |app| {
        let m = app.merchant("m").await;
        let resp = app
            .submit(&m, form(&application(), vec![png_part(1600, 400)]), None)
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["status"], "in_review");
        assert_eq!(
            (v["version"].as_i64(), v["revision"].as_i64()),
            (Some(1), Some(1))
        );
        assert!(v["findings"].is_array());
        assert!(
            ["pass", "warn"].contains(&v["verdict"].as_str().unwrap()),
            "{v}"
        );

        let resp = app
            .submit(
                &m,
                form(&application_for_translation(), vec![png_part(1600, 400)]),
                None,
            )
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(status, 201);
        assert_eq!(v["status"], "translating");
        let r1: Vec<&Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "R1")
            .collect();
        assert_eq!(r1.len(), 1, "{v}");
        assert_eq!(r1[0]["severity"], "pending");
        // The Mongolian message is carried (null until the profile has one).
        assert!(r1[0].as_object().unwrap().contains_key("message_mn"), "{v}");

        // The stored revision holds the same findings the submission answered.
        let d = app.detail(&m, v["id"].as_str().unwrap()).await;
        assert_eq!(d["revisions"][0]["findings"], v["findings"]);
        assert_eq!(d["revisions"][0]["profile"]["id"], "nmg");
        assert_eq!(d["events"][0]["action"], "submit");
        assert_eq!(d["events"][0]["to"], "translating");
        assert_eq!(
            d["revisions"][0]["attachments"].as_array().unwrap().len(),
            1
        );
    }
);

backend_test!(check_endpoint_and_stored_findings_agree, |app| {
    let m = app.merchant("m").await;
    let mut a = application();
    a["texts"]["zh"] = json!("奈曼旗民族商貿城abc");
    let (status, submitted) = body(
        app.submit(&m, form(&a, vec![png_part(700, 400)]), None)
            .await,
    )
    .await;
    assert_eq!(status, 201, "{submitted}");
    let spec = json!({"sign": a["sign"], "texts": a["texts"], "translation_requested": false});
    let (status, checked) = body(app.post_json("/api/v1/check", None, &spec).await).await;
    assert_eq!(status, 200);
    let codes = |v: &Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["rule"].as_str().unwrap().starts_with('I'))
            .map(|f| {
                format!(
                    "{}/{}",
                    f["rule"].as_str().unwrap(),
                    f["code"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(codes(&submitted), codes(&checked));
    assert!(
        codes(&checked).contains(&"T1/zh_traditional".to_owned()),
        "{checked}"
    );
    assert!(
        codes(&checked).contains(&"T2/foreign_in_zh".to_owned()),
        "{checked}"
    );
    // The design's size is judged too (I3 aspect, I4 resolution).
    let all: Vec<&str> = submitted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(all.contains(&"I3") && all.contains(&"I4"), "{submitted}");
});

backend_test!(a_merchant_sees_only_its_own_applications, |app| {
    let a = app.merchant("alice").await;
    let b = app.merchant("bob").await;
    let reviewer = app.official("rev", "reviewer").await;
    let id = app.submit_ok(&a, &application()).await;
    let detail = app.detail(&a, &id).await;
    let att = detail["revisions"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    for path in [
        format!("/api/v1/applications/{id}"),
        att.clone(),
        format!("/api/v1/applications/{id}/revisions/1/preview.png"),
    ] {
        let (status, v) = body(app.get(&path, Some(&b)).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (404, "not_found"),
            "{path}"
        );
    }
    let (status, v) = body(
        app.transition(
            &b,
            &id,
            &json!({"action": "withdraw", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (404, "not_found")
    );
    assert_eq!(app.detail(&a, &id).await["status"], "in_review");

    let (_, list_b) = body(app.get("/api/v1/applications", Some(&b)).await).await;
    assert_eq!(list_b["total"], 0);
    let (_, list_a) = body(app.get("/api/v1/applications", Some(&a)).await).await;
    assert_eq!(list_a["total"], 1);
    let (_, list_r) = body(app.get("/api/v1/applications", Some(&reviewer)).await).await;
    assert_eq!(list_r["total"], 1);

    // The owner and officials get the image and the preview.
    for token in [&a, &reviewer] {
        let resp = app.get(&att, Some(token)).await;
        assert_eq!(resp.status(), 200);
        let img = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (1600, 400));
        let resp = app.get(&format!("{att}?thumb=1"), Some(token)).await;
        let thumb = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (480, 120));
        let resp = app
            .get(
                &format!("/api/v1/applications/{id}/revisions/1/preview.png?width_px=600"),
                Some(token),
            )
            .await;
        assert_eq!(resp.headers()["content-type"], "image/png");
        let png = image::load_from_memory(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(png.width().max(png.height()), 600);
    }
});

backend_test!(idempotent_submission_makes_one_application, |app| {
    let m = app.merchant("m").await;
    let first = body(
        app.submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-1"),
        )
        .await,
    )
    .await;
    assert_eq!(first.0, 201);
    // The repeat answers the first result even after the application has moved on.
    let rev = app.official("rev", "reviewer").await;
    let id = first.1["id"].as_str().unwrap();
    app.act(
        &rev,
        id,
        "request_changes",
        json!({"items": [{"message": "请改大字号"}]}),
    )
    .await;
    let again = body(
        app.submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-1"),
        )
        .await,
    )
    .await;
    assert_eq!(again.0, 201);
    assert_eq!(again.1, first.1);
    // At the same time, with one key: still one application.
    let (x, y) = tokio::join!(
        app.submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-2")
        ),
        app.submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-2")
        ),
    );
    let (x, y) = (body(x).await, body(y).await);
    assert_eq!((x.0.as_u16(), y.0.as_u16()), (201, 201));
    assert_eq!(x.1["id"], y.1["id"]);
    assert_eq!(app.count("applications"), 2);
    // Another merchant's same key is its own.
    let other = app.merchant("other").await;
    let third = body(
        app.submit(
            &other,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-1"),
        )
        .await,
    )
    .await;
    assert_ne!(third.1["id"], first.1["id"]);
});

backend_test!(translation_then_approval_with_a_number, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let id = app.submit_ok(&m, &application_for_translation()).await;

    // Nobody approves before the translation is in.
    let (status, v) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "approve", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "illegal_transition")
    );
    let (status, v) = body(
        app.transition(
            &tr,
            &id,
            &json!({"action": "supply_translation", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "translation_missing")
    );

    let v = app
        .act(
            &tr,
            &id,
            "supply_translation",
            json!({"mn": MN, "comment": "已译"}),
        )
        .await;
    assert_eq!(
        (v["status"].as_str(), v["revision"].as_i64()),
        (Some("in_review"), Some(2))
    );
    assert_eq!(v["translation_confirmed"], true);
    let d = app.detail(&m, &id).await;
    assert_eq!(d["revisions"][1]["spec"]["texts"]["mn"], MN);
    assert!(d["revisions"][1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "R1"));
    // The designs carry over to the translator's revision.
    assert_eq!(
        d["revisions"][1]["attachments"].as_array().unwrap().len(),
        1
    );

    approve_with_a_number(&app, &m, &rev, &id).await;
});

async fn approve_with_a_number(app: &TestApp, m: &str, rev: &str, id: &str) {
    let v = app.act(rev, id, "approve", json!({})).await;
    assert_eq!(v["status"], "approved");
    let year = app.clock_year();
    assert_eq!(v["approval_no"], format!("奈民委牌审〔{year}〕0001号"));
    let d = app.detail(m, id).await;
    assert_eq!(d["status_label"], "已批准");
    let actions: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submit", "supply_translation", "approve"]);
    let approve = &d["events"][2];
    assert_eq!(
        (approve["from"].as_str(), approve["to"].as_str()),
        (Some("in_review"), Some("approved"))
    );
    assert_eq!(approve["actor_role"], "reviewer");
    assert_eq!(approve["revision"], 2);
    // Final: nothing more.
    for (token, action) in [(&m, "withdraw"), (&rev, "reject"), (&rev, "approve")] {
        let (status, v) = body(
            app.transition(
                token,
                id,
                &json!({"action": action, "expected_version": 3, "comment": "x"}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (422, "illegal_transition"),
            "{action}"
        );
    }
}

backend_test!(confirm_reject_withdraw_and_role_refusals, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let admin = app.admin().await;

    // in_review with the merchant's own Mongolian: it must be confirmed before approval.
    let id = app.submit_ok(&m, &application()).await;
    let (status, v) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "approve", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "translation_unconfirmed")
    );
    let (status, v) = body(
        app.transition(
            &m,
            &id,
            &json!({"action": "approve", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    let (status, v) = body(
        app.transition(
            &tr,
            &id,
            &json!({"action": "approve", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    let (status, v) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "confirm_translation", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    confirm_then_reject(&app, &m, &tr, &rev, &admin, &id).await;
    withdraw_from_each_open_state(&app, &m, &rev).await;
});

async fn confirm_then_reject(app: &TestApp, m: &str, tr: &str, rev: &str, admin: &str, id: &str) {
    let v = app.act(tr, id, "confirm_translation", json!({})).await;
    assert_eq!(
        (v["status"].as_str(), v["translation_confirmed"].as_bool()),
        (Some("in_review"), Some(true))
    );
    let (status, v) = body(
        app.transition(
            tr,
            id,
            &json!({"action": "confirm_translation", "expected_version": 2}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "already_confirmed")
    );
    // Confirmed for good: only holding the case is left to the translator.
    assert_eq!(
        app.detail(tr, id).await["available_actions"],
        json!(["claim"])
    );
    assert_eq!(
        app.detail(rev, id).await["available_actions"],
        json!(["approve", "reject", "request_changes", "extend", "claim"])
    );
    // Reject needs a reason.
    let (status, v) = body(
        app.transition(rev, id, &json!({"action": "reject", "expected_version": 2}))
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "reason_required")
    );
    let v = app
        .act(admin, id, "reject", json!({"comment": "店名与执照不符"}))
        .await;
    assert_eq!(v["status"], "rejected");
    let d = app.detail(m, id).await;
    assert_eq!(d["events"][2]["comment"], "店名与执照不符");
    assert_eq!(d["events"][2]["actor_role"], "admin");
}

async fn withdraw_from_each_open_state(app: &TestApp, m: &str, rev: &str) {
    // Withdraw from each open state.
    let a = app.submit_ok(m, &application_for_translation()).await;
    assert_eq!(
        app.act(m, &a, "withdraw", json!({})).await["status"],
        "withdrawn"
    );
    let b = app.submit_ok(m, &application()).await;
    assert_eq!(
        app.act(m, &b, "withdraw", json!({})).await["status"],
        "withdrawn"
    );
    let c = app.submit_ok(m, &application()).await;
    app.act(
        rev,
        &c,
        "request_changes",
        json!({"items": [{"message": "改"}]}),
    )
    .await;
    assert_eq!(
        app.act(m, &c, "withdraw", json!({})).await["status"],
        "withdrawn"
    );
    let (status, v) = body(
        app.transition(
            rev,
            &c,
            &json!({"action": "withdraw", "expected_version": 3}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    // An unknown action is the body's fault.
    let (status, v) = body(
        app.transition(rev, &c, &json!({"action": "bless", "expected_version": 3}))
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_body")
    );
    app.assert_counts_consistent();
    let (_, stats) = body(app.get("/api/v1/stats/approvals", None).await).await;
    let year = &stats["years"][0];
    assert_eq!(
        (
            year["submitted"].as_i64(),
            year["rejected"].as_i64(),
            year["pending"].as_i64()
        ),
        (Some(4), Some(1), Some(0))
    );
}

backend_test!(request_changes_then_resubmit_then_approve, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let id = app.submit_ok(&m, &application()).await;
    let (status, v) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "request_changes", "expected_version": 1, "items": []}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "items_required")
    );
    let items = json!([{"message": "蒙古文字号应与汉字相同", "rule": "R7"}, {"message": "请补充夜间效果图"}]);
    let v = app
        .act(&rev, &id, "request_changes", json!({"items": items}))
        .await;
    assert_eq!(v["status"], "changes_requested");
    let d = app.detail(&m, &id).await;
    assert_eq!(d["requested_changes"], items);
    assert_eq!(d["available_actions"], json!(["resubmit", "withdraw"]));

    // Resubmission is multipart; JSON is refused with 415.
    let (status, v) = body(
        app.transition(
            &m,
            &id,
            &json!({"action": "resubmit", "expected_version": 2}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (415, "unsupported_media_type")
    );
    resubmit_then_approve(&app, &m, &tr, &rev, &id).await;
});

async fn resubmit_then_approve(app: &TestApp, m: &str, tr: &str, rev: &str, id: &str) {
    let mut changed = application();
    changed["shop_name"] = json!("奈曼旗民族商贸城（新）");
    let f = form(&changed, vec![png_part(1200, 300), png_part(1600, 400)]).part(
        "transition",
        reqwest::multipart::Part::text(
            json!({"action": "resubmit", "expected_version": 2}).to_string(),
        ),
    );
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/applications/{id}/transitions")))
        .bearer_auth(m)
        .multipart(f)
        .send()
        .await
        .unwrap();
    let (status, v) = body(resp).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["revision"].as_i64()),
        (Some("in_review"), Some(2))
    );
    let d = app.detail(m, id).await;
    assert_eq!(d["shop_name"], "奈曼旗民族商贸城（新）");
    assert_eq!(
        d["revisions"][1]["attachments"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        d["revisions"][0]["attachments"].as_array().unwrap().len(),
        1
    );
    assert!(d["requested_changes"].is_null());

    app.act(tr, id, "confirm_translation", json!({})).await;
    let v = app.act(rev, id, "approve", json!({})).await;
    assert_eq!(v["status"], "approved");
    let events = app.count("events");
    assert_eq!(
        events, 5,
        "submit, request_changes, resubmit, confirm, approve"
    );
}

backend_test!(a_stale_version_is_a_conflict, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let id = app.submit_ok(&m, &application()).await;
    app.act(&tr, &id, "confirm_translation", json!({})).await;
    let (status, v) = body(
        app.transition(
            &m,
            &id,
            &json!({"action": "withdraw", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (409, "version_conflict")
    );
    assert_eq!(v["error"]["details"]["current_version"], 2);
});

backend_test!(two_reviewers_approving_at_once_one_wins, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let r1 = app.official("r1", "reviewer").await;
    let r2 = app.official("r2", "reviewer").await;
    let id = app.submit_ok(&m, &application()).await;
    app.act(&tr, &id, "confirm_translation", json!({})).await;
    let req = json!({"action": "approve", "expected_version": 2});
    let (a, b) = tokio::join!(
        app.transition(&r1, &id, &req),
        app.transition(&r2, &id, &req)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let d = app.detail(&m, &id).await;
    let approvals = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "approve")
        .count();
    assert_eq!(approvals, 1);
    assert_eq!(d["version"], 3);
});

backend_test!(twenty_parallel_approvals_get_numbers_one_to_twenty, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let id = app.submit_ok(&m, &application()).await;
        app.act(&tr, &id, "confirm_translation", json!({})).await;
        ids.push(id);
    }
    let req = json!({"action": "approve", "expected_version": 2});
    let results =
        futures_util::future::join_all(ids.iter().map(|id| app.transition(&rev, id, &req))).await;
    let mut numbers = Vec::new();
    for r in results {
        let (status, v) = body(r).await;
        assert_eq!(status, 200, "{v}");
        numbers.push(v["approval_no"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let year = app.clock_year();
    let expected: Vec<String> = (1..=20)
        .map(|n| format!("奈民委牌审〔{year}〕{n:04}号"))
        .collect();
    assert_eq!(numbers, expected);
    app.assert_counts_consistent();
});

backend_test!(the_year_boundary_is_beijing_time, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    // 2024-12-31 23:30 in Beijing is 15:30 UTC: it counts for 2024.
    app.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2024, 12, 31, 15, 30, 0)
            .unwrap(),
    );
    let a = app.submit_ok(&m, &application()).await;
    app.act(&tr, &a, "confirm_translation", json!({})).await;
    let v = app.act(&rev, &a, "approve", json!({})).await;
    assert_eq!(v["approval_no"], "奈民委牌审〔2024〕0001号");
    // Half past midnight on 1 January in Beijing (16:30 UTC, still 2024 in UTC): 2025.
    app.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2024, 12, 31, 16, 30, 0)
            .unwrap(),
    );
    let b = app.submit_ok(&m, &application()).await;
    app.act(&tr, &b, "confirm_translation", json!({})).await;
    let v = app.act(&rev, &b, "approve", json!({})).await;
    assert_eq!(v["approval_no"], "奈民委牌审〔2025〕0001号");

    let (_, stats) = body(app.get("/api/v1/stats/approvals", None).await).await;
    assert_eq!(
        crate::clock::counts_only(&stats["years"]),
        json!([
            {"year": 2024, "approved": 1, "rejected": 0, "submitted": 1, "pending": 0, "revoked": 0},
            {"year": 2025, "approved": 1, "rejected": 0, "submitted": 1, "pending": 0, "revoked": 0}
        ])
    );
    let (_, y) = body(app.get("/api/v1/stats/approvals?year=2024", None).await).await;
    assert_eq!(y["months"][11], json!({"month": 12, "approved": 1}));
    let (_, y) = body(app.get("/api/v1/stats/approvals?year=2025", None).await).await;
    assert_eq!(y["months"][0], json!({"month": 1, "approved": 1}));
    app.assert_counts_consistent();
});

impl crate::helpers::TestApp {
    /// The year of the test clock in Beijing.
    pub fn clock_year(&self) -> i32 {
        use chrono::Datelike;
        use signboard::http::Clock;
        self.clock
            .now()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .year()
    }
}

backend_test!(
    a_supplied_translation_drops_line_breaks_laid_out_for_the_draft,
    |app| {
        let m = app.merchant("m").await;
        let tr = app.official("tr", "translator").await;
        let mut a = application();
        a["translation_requested"] = json!(true);
        let spec = json!({"sign": a["sign"], "texts": a["texts"]});
        let (_, checked) = body(app.post_json("/api/v1/check", None, &spec).await).await;
        let mut layout = checked["layout"].clone();
        for block in layout["blocks"].as_array_mut().unwrap() {
            if block["script"] == "mn" {
                block["text"] = json!(MN.replacen(' ', "\n", 1));
            }
        }
        a["layout"] = layout;
        let id = app.submit_ok(&m, &a).await;
        assert_eq!(app.detail(&m, &id).await["status"], "translating");
        let v = app
            .act(&tr, &id, "supply_translation", json!({"mn": "ᠨᠠᠢᠮᠠᠨ ᠲᠥᠪ"}))
            .await;
        assert_eq!(v["status"], "in_review");
        let d = app.detail(&m, &id).await;
        let blocks = d["revisions"][1]["layout"]["blocks"].as_array().unwrap();
        let mn = blocks.iter().find(|b| b["script"] == "mn").unwrap();
        assert!(mn.get("text").is_none(), "{mn}");
        assert_eq!(d["revisions"][1]["spec"]["texts"]["mn"], "ᠨᠠᠢᠮᠠᠨ ᠲᠥᠪ");
    }
);

/// Officials take the same step at the same version at once; exactly one wins and every other
/// gets 409 `version_conflict` (never `duplicate`, never a 500). So that the transactions
/// really overlap, a lock held meanwhile stops each at its write to `events` (its last)
/// (PostgreSQL) or at its start (SQLite) until all are waiting.
async fn race(app: &crate::helpers::TestApp, tokens: &[String], id: &str, req: &Value) {
    use diesel::connection::SimpleConnection;
    let mut lock = app.conn();
    let postgres = matches!(&*lock, signboard::db::DbConn::Postgres(_));
    let begin = if postgres {
        "BEGIN; LOCK TABLE events IN SHARE MODE"
    } else {
        "BEGIN IMMEDIATE"
    };
    lock.batch_execute(begin).unwrap();
    let (answers, ()) = tokio::join!(
        futures_util::future::join_all(tokens.iter().map(|t| app.transition(t, id, req))),
        async {
            // Not a timing assertion: at worst the transactions overlap less. SQLite cannot
            // tell who waits for its lock: it is held for a quarter of a second.
            for poll in 0..200 {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let all_waiting = if postgres {
                    lock_waiters(app) >= tokens.len() as i64
                } else {
                    poll >= 4
                };
                if all_waiting {
                    break;
                }
            }
            lock.batch_execute("COMMIT").unwrap();
        }
    );
    let mut outcomes = Vec::new();
    for a in answers {
        let (status, v) = body(a).await;
        outcomes.push(match status.as_u16() {
            200 => "ok".to_owned(),
            s => format!("{s} {}", error_code(&v)),
        });
    }
    outcomes.sort();
    let mut expected = vec!["409 version_conflict".to_owned(); tokens.len() - 1];
    expected.push("ok".into());
    assert_eq!(outcomes, expected, "{req}");
}

/// Sessions of the test's PostgreSQL database waiting for a lock.
fn lock_waiters(app: &crate::helpers::TestApp) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn();
    let signboard::db::DbConn::Postgres(c) = &mut *conn else {
        return 0;
    };
    diesel::sql_query(
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .load::<N>(c)
    .unwrap()[0]
        .n
}

backend_test!(translation_races_lose_with_version_conflict, |app| {
    let m = app.merchant("m").await;
    let mut translators = Vec::new();
    for name in ["t1", "t2", "t3", "t4"] {
        translators.push(app.official(name, "translator").await);
    }
    const ROUNDS: usize = 20;
    for _ in 0..ROUNDS {
        // Two translators supply a translation at once …
        let id = app.submit_ok(&m, &application_for_translation()).await;
        let supply = json!({"action": "supply_translation", "expected_version": 1, "mn": MN});
        race(&app, &translators, &id, &supply).await;
        let d = app.detail(&m, &id).await;
        assert_eq!(
            (d["version"].as_i64(), d["current_revision"].as_i64()),
            (Some(2), Some(2))
        );
        assert_eq!(d["events"].as_array().unwrap().len(), 2, "{d}");
        // … and confirm the merchant's own Mongolian text at once.
        let id = app.submit_ok(&m, &application()).await;
        let confirm = json!({"action": "confirm_translation", "expected_version": 1});
        race(&app, &translators, &id, &confirm).await;
        let d = app.detail(&m, &id).await;
        assert_eq!(
            (d["version"].as_i64(), d["translation_confirmed"].as_bool()),
            (Some(2), Some(true))
        );
        assert_eq!(d["events"].as_array().unwrap().len(), 2, "{d}");
    }
    app.assert_counts_consistent();
});
