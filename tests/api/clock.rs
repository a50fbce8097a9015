//! The statutory clock over HTTP with the test clock: due days on the holiday calendar, pauses,
//! the extension, overdue and due-soon flags, the queue's order and filters, who holds a case,
//! the CSV export, the tab counts and the on-time figures. The stored projection always equals
//! a fresh replay of the events.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_part, TestApp};
use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::multipart::Part;
use serde_json::{json, Value};
use signboard::applications::deadline;

/// The stats rows without the on-time figures (other tests check those).
pub fn counts_only(years: &Value) -> Value {
    let mut years = years.clone();
    for y in years.as_array_mut().into_iter().flatten() {
        if let Some(o) = y.as_object_mut() {
            for key in [
                "decided_within_limit",
                "decided_late",
                "median_working_days",
            ] {
                o.remove(key);
            }
        }
    }
    years
}

/// 10:00 in Beijing on `day`.
fn at(app: &TestApp, day: &str) {
    let d: NaiveDate = day.parse().unwrap();
    let t = Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap());
    app.clock.set(t);
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The stored projection of the clock equals a fresh replay of the events.
fn assert_projection(app: &TestApp, id: &str) {
    let mut conn = app.conn();
    let stored = deadline::stored(&mut conn, id).unwrap();
    let replayed = deadline::replayed(&mut conn, &app.state.workflow, id).unwrap();
    assert_eq!(stored, replayed, "{id}");
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let (_, me) = body(app.get("/api/v1/me", Some(token)).await).await;
    me["id"].as_str().unwrap().to_owned()
}

async fn resubmit(app: &TestApp, merchant: &str, id: &str) {
    let version = app.version(merchant, id).await;
    let transition = json!({"action": "resubmit", "expected_version": version});
    let f = form(&application(), vec![png_part(1600, 400)])
        .part("transition", Part::text(transition.to_string()));
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/applications/{id}/transitions")))
        .bearer_auth(merchant)
        .multipart(f)
        .send()
        .await
        .unwrap();
    let (status, v) = body(resp).await;
    assert_eq!(status, 200, "{v}");
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, v) = body(
        app.get(&format!("/api/v1/applications?{query}"), Some(token))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{query}: {v}");
    v
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(a_submission_is_due_fifteen_working_days_later, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    at(&app, "2026-09-24");
    let id = app.submit_ok(&m, &application()).await;
    let clock = &app.detail(&rev, &id).await["clock"];
    assert_eq!(
        *clock,
        json!({"state": "running", "limit_working_days": 15, "extended_by": 0,
               "used_working_days": 0, "remaining_working_days": 15,
               "due_on": "2026-10-22", "overdue": false, "due_soon": false,
               "provisional": false, "decided_within_limit": null})
    );
    // The merchant sees the same legal date.
    assert_eq!(app.detail(&m, &id).await["clock"]["due_on"], "2026-10-22");
    let page = list(&app, &rev, "").await;
    assert_eq!(page["items"][0]["due_on"], "2026-10-22");
    assert_eq!(page["items"][0]["remaining_working_days"], 15);
    assert_eq!(page["items"][0]["clock_state"], "running");
    // Two weeks on, across National Day: 28, 29, 30 September and 8, 9 October used.
    at(&app, "2026-10-09");
    let clock = &app.detail(&rev, &id).await["clock"];
    assert_eq!(
        (
            clock["used_working_days"].as_i64(),
            clock["remaining_working_days"].as_i64()
        ),
        (Some(5), Some(10))
    );
    assert_projection(&app, &id);
    // A deadline reaching into a year without calendar data is provisional.
    at(&app, "2026-12-15");
    let late = app.submit_ok(&m, &application()).await;
    let clock = &app.detail(&rev, &late).await["clock"];
    assert_eq!(clock["provisional"], true, "{clock}");
    assert!(clock["due_on"].as_str().unwrap().starts_with("2027-"));
});

backend_test!(
    a_request_for_changes_pauses_and_a_resubmission_resumes,
    |app| {
        let m = app.merchant("m").await;
        let rev = app.official("rev", "reviewer").await;
        at(&app, "2026-09-24");
        let id = app.submit_ok(&m, &application()).await;
        at(&app, "2026-09-29");
        app.act(
            &rev,
            &id,
            "request_changes",
            json!({"items": [{"message": "请调整字号"}]}),
        )
        .await;
        let d = app.detail(&m, &id).await;
        assert_eq!(d["clock"]["state"], "paused");
        assert_eq!(d["clock"]["due_on"], Value::Null);
        assert_eq!(d["clock"]["used_working_days"], 2);
        assert_projection(&app, &id);
        at(&app, "2026-10-12");
        resubmit(&app, &m, &id).await;
        let d = app.detail(&rev, &id).await;
        assert_eq!(d["clock"]["state"], "running");
        // Moved by exactly the paused working days (30 Sep, 8, 9, 10 (调休) and 12 Oct).
        let calendar = &app.state.calendar;
        let paused = calendar.working_days_between(date("2026-09-29"), date("2026-10-12"));
        assert_eq!(paused.value, 5);
        let moved = calendar
            .add_working_days(date("2026-10-22"), paused.value)
            .unwrap();
        assert_eq!(d["clock"]["due_on"], moved.value.to_string());
        assert_eq!(d["clock"]["due_on"], "2026-10-29");
        assert_projection(&app, &id);
    }
);

backend_test!(the_limit_is_extended_once_with_a_reason, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    let tr = app.official("tr", "translator").await;
    at(&app, "2026-09-24");
    let id = app.submit_ok(&m, &application()).await;
    at(&app, "2026-10-20");
    let refused = |req: Value| {
        let (app, rev, id) = (&app, &rev, &id);
        async move {
            let v = app.version(rev, id).await;
            let mut req = req;
            req["expected_version"] = json!(v);
            let (status, body) = body(app.transition(rev, id, &req).await).await;
            (status.as_u16(), error_code(&body))
        }
    };
    for (req, code) in [
        (
            json!({"action": "extend", "days": 11, "reason": "现场核查"}),
            "invalid_extension_days",
        ),
        (
            json!({"action": "extend", "days": 0, "reason": "现场核查"}),
            "invalid_extension_days",
        ),
        (
            json!({"action": "extend", "reason": "现场核查"}),
            "invalid_extension_days",
        ),
        (
            json!({"action": "extend", "days": 5, "reason": "  "}),
            "reason_required",
        ),
    ] {
        assert_eq!(refused(req).await, (422, code.to_owned()));
    }
    let v = app.version(&tr, &id).await;
    let (status, _) = body(
        app.transition(
            &tr,
            &id,
            &json!({"action": "extend", "expected_version": v,
                                          "days": 5, "reason": "现场核查"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "translators do not extend");
    app.act(
        &rev,
        &id,
        "extend",
        json!({"days": 5, "reason": "需要现场核查"}),
    )
    .await;
    let d = app.detail(&rev, &id).await;
    assert_eq!(d["clock"]["extended_by"], 5);
    assert_eq!(d["clock"]["due_on"], "2026-10-29");
    assert_eq!(d["status"], "in_review", "an extension changes no state");
    let last = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["action"].clone(),
            last["comment"].clone(),
            last["details"].clone()
        ),
        (json!("extend"), json!("需要现场核查"), json!({"days": 5}))
    );
    assert!(!d["available_actions"]
        .as_array()
        .unwrap()
        .contains(&json!("extend")));
    assert_eq!(
        refused(json!({"action": "extend", "days": 2, "reason": "再延"})).await,
        (422, "already_extended".to_owned())
    );
    assert_projection(&app, &id);
});

/// Five applications on 19 October 2026: overdue, due soon, running, paused, withdrawn.
async fn queue(app: &TestApp, m: &str, rev: &str) -> Vec<String> {
    let named = |shop: &str| {
        let mut a = application();
        a["shop_name"] = json!(shop);
        a
    };
    at(app, "2026-10-12");
    let running = app.submit_ok(m, &named("正常办理")).await;
    at(app, "2026-09-24");
    let soon = app.submit_ok(m, &named("即将到期")).await;
    at(app, "2026-09-01");
    let overdue = app.submit_ok(m, &named("已经逾期,加急")).await;
    let paused = app.submit_ok(m, &named("等待修改")).await;
    app.act(
        rev,
        &paused,
        "request_changes",
        json!({"items": [{"message": "改"}]}),
    )
    .await;
    let withdrawn = app.submit_ok(m, &named("已撤回")).await;
    app.act(m, &withdrawn, "withdraw", json!({})).await;
    at(app, "2026-10-19");
    vec![overdue, soon, running, paused, withdrawn]
}

backend_test!(the_queue_runs_by_due_day_with_overdue_on_top, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    let expected = queue(&app, &m, &rev).await;
    let page = list(&app, &rev, "").await;
    assert_eq!(ids(&page), expected, "the officials' default is sort=due");
    assert_eq!(ids(&list(&app, &rev, "sort=due").await), expected);
    let flags: Vec<(bool, bool)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["overdue"].as_bool().unwrap(),
                i["due_soon"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (true, false),
            (false, true),
            (false, false),
            (false, false),
            (false, false)
        ]
    );
    assert!(page["items"][0]["remaining_working_days"].as_i64().unwrap() < 0);
    assert_eq!(page["items"][3]["clock_state"], "paused");
    assert_eq!(
        ids(&list(&app, &rev, "overdue=true").await),
        [expected[0].clone()]
    );
    assert_eq!(
        ids(&list(&app, &rev, "due_soon=true").await),
        [expected[1].clone()]
    );
    assert_eq!(list(&app, &rev, "open=true").await["total"], 4);
    // The merchant's default stays newest first.
    let mine = ids(&list(&app, &m, "").await);
    assert_eq!(mine.len(), 5);
    assert_ne!(mine, expected);
    // Days and townships.
    assert_eq!(
        list(&app, &rev, "submitted_from=2026-09-24").await["total"],
        2
    );
    assert_eq!(
        list(&app, &rev, "submitted_to=2026-09-01").await["total"],
        3
    );
    assert_eq!(
        list(
            &app,
            &rev,
            "submitted_from=2026-09-02&submitted_to=2026-09-30"
        )
        .await["total"],
        1
    );
    assert_eq!(list(&app, &rev, "township=大沁他拉镇").await["total"], 5);
    assert_eq!(list(&app, &rev, "township=八仙筒镇").await["total"], 0);
    // The tab counts, in one request.
    let (status, s) = body(app.get("/api/v1/applications/summary", Some(&rev)).await).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (
            s["total"].as_i64(),
            s["overdue"].as_i64(),
            s["due_soon"].as_i64(),
            s["mine"].as_i64()
        ),
        (Some(5), Some(1), Some(1), Some(0))
    );
    assert_eq!(s["by_status"]["in_review"], 3);
    assert_eq!(s["by_status"]["changes_requested"], 1);
    assert_eq!(s["by_status"]["approved"], 0);
    for id in &expected {
        assert_projection(&app, id);
    }
});

backend_test!(officials_claim_and_admin_assigns_cases, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    let tr = app.official("tr", "translator").await;
    let admin = app.admin().await;
    let ids_ = queue(&app, &m, &rev).await;
    let (overdue, soon) = (&ids_[0], &ids_[1]);
    app.act(&rev, soon, "claim", json!({})).await;
    let tr_id = user_id(&app, &tr).await;
    app.act(&admin, overdue, "assign", json!({"assignee": tr_id}))
        .await;
    let d = app.detail(&rev, soon).await;
    assert_eq!(d["assignee"]["id"], user_id(&app, &rev).await);
    assert_eq!(d["assignee"]["display_name"], "rev_u");
    assert_eq!(
        ids(&list(&app, &rev, "assignee=me").await),
        std::slice::from_ref(soon)
    );
    assert_eq!(
        ids(&list(&app, &tr, "assignee=me").await),
        std::slice::from_ref(overdue)
    );
    assert_eq!(
        ids(&list(&app, &admin, &format!("assignee={tr_id}")).await),
        std::slice::from_ref(overdue)
    );
    assert_eq!(list(&app, &rev, "assignee=none").await["total"], 3);
    let item = &list(&app, &rev, "overdue=true").await["items"][0];
    assert_eq!(item["assignee"]["display_name"], "tr_u");
    let (_, s) = body(app.get("/api/v1/applications/summary", Some(&tr)).await).await;
    assert_eq!(s["mine"], 1);
    // Only an active official may hold a case; only admin assigns.
    let m_id = user_id(&app, &m).await;
    for bad in [m_id.as_str(), "no-such-user"] {
        let v = app.version(&admin, soon).await;
        let (status, e) = body(
            app.transition(
                &admin,
                soon,
                &json!({"action": "assign", "expected_version": v,
                                                  "assignee": bad}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&e).as_str()),
            (422, "invalid_assignee")
        );
    }
    let v = app.version(&rev, soon).await;
    let (status, _) = body(
        app.transition(
            &rev,
            soon,
            &json!({"action": "assign", "expected_version": v,
                                            "assignee": tr_id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    // A claim is a move like any other: a stale version is refused.
    let (status, e) = body(
        app.transition(
            &tr,
            soon,
            &json!({"action": "claim", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&e).as_str()),
        (409, "version_conflict")
    );
    assert_projection(&app, overdue);
    assert_projection(&app, soon);
});

backend_test!(the_queue_exports_as_csv_with_a_bom, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    queue(&app, &m, &rev).await;
    let resp = app
        .get("/api/v1/applications?format=csv&overdue=true", Some(&rev))
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("店铺名称,统一社会信用代码,苏木乡镇,状态"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("\"已经逾期,加急\",91350100M000100Y43,大沁他拉镇,审核中,2026-09-01,"),
        "{text}"
    );
    assert!(lines[1].contains(",是,"), "{text}");
    // Every application of the filter, past one page.
    let all = app
        .get("/api/v1/applications?format=csv&per_page=1", Some(&rev))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(all.lines().count(), 1 + 5, "{all}");
    let (status, e) = body(app.get("/api/v1/applications?format=csv", Some(&m)).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&e).as_str()),
        (403, "forbidden")
    );
});

backend_test!(bad_queue_parameters_are_named, |app| {
    let rev = app.official("rev", "reviewer").await;
    for (query, parameter) in [
        ("overdue=yes", "overdue"),
        ("due_soon=1", "due_soon"),
        ("sort=oldest", "sort"),
        ("format=xml", "format"),
        ("submitted_from=2026-13-01", "submitted_from"),
        ("submitted_to=yesterday", "submitted_to"),
        ("assignee=%01", "assignee"),
        ("submitted_to=", "submitted_to"),
        ("overdue=", "overdue"),
        ("format=", "format"),
    ] {
        let (status, e) = body(
            app.get(&format!("/api/v1/applications?{query}"), Some(&rev))
                .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&e).as_str()),
            (400, "invalid_query"),
            "{query}"
        );
        assert_eq!(e["error"]["details"]["parameter"], parameter, "{query}");
    }
});

backend_test!(decisions_count_as_on_time_or_late, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    at(&app, "2026-09-24");
    let quick = app.submit_ok(&m, &application()).await;
    let slow = app.submit_ok(&m, &application()).await;
    let late = app.submit_ok(&m, &application()).await;
    for id in [&quick, &slow, &late] {
        app.act(&tr, id, "confirm_translation", json!({})).await;
    }
    at(&app, "2026-09-29");
    app.act(&rev, &quick, "approve", json!({})).await;
    at(&app, "2026-10-22");
    app.act(&rev, &slow, "reject", json!({"comment": "不符合规定"}))
        .await;
    at(&app, "2026-10-23");
    app.act(&rev, &late, "approve", json!({})).await;
    let d = app.detail(&rev, &late).await;
    assert_eq!(d["clock"]["state"], "stopped");
    assert_eq!(d["clock"]["used_working_days"], 16);
    assert_eq!(d["clock"]["decided_within_limit"], false);
    assert_eq!(
        app.detail(&rev, &slow).await["clock"]["decided_within_limit"],
        true
    );
    let (_, v) = body(app.get("/api/v1/stats/approvals", None).await).await;
    let year = &v["years"][0];
    assert_eq!(year["year"], 2026);
    assert_eq!(
        (
            year["decided_within_limit"].as_i64(),
            year["decided_late"].as_i64()
        ),
        (Some(2), Some(1))
    );
    // 2, 15 and 16 working days.
    assert_eq!(year["median_working_days"], 15.0);
    let (_, y) = body(app.get("/api/v1/stats/approvals?year=2026", None).await).await;
    assert_eq!(y["decided_late"], 1);
    for id in [&quick, &slow, &late] {
        assert_projection(&app, id);
    }
    app.assert_counts_consistent();
});

backend_test!(rows_stored_before_the_clock_are_replayed_at_start, |app| {
    use diesel::prelude::*;
    use signboard::db::schema::applications;
    let m = app.merchant("m").await;
    at(&app, "2026-09-24");
    let id = app.submit_ok(&m, &application()).await;
    // As migration 000006 leaves a row stored before it: no due day yet.
    let mut conn = app.conn();
    diesel::update(applications::table.filter(applications::id.eq(&id)))
        .set(applications::due_on.eq(None::<NaiveDate>))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(deadline::stored(&mut conn, &id).unwrap().due_on, None);
    let replayed = deadline::reproject_missing(&mut conn, &app.state.workflow).unwrap();
    assert_eq!(replayed, 1);
    assert_eq!(
        deadline::stored(&mut conn, &id).unwrap().due_on,
        Some(date("2026-10-22"))
    );
    drop(conn);
    assert_projection(&app, &id);
    // Nothing is left to replay.
    let mut conn = app.conn();
    assert_eq!(
        deadline::reproject_missing(&mut conn, &app.state.workflow).unwrap(),
        0
    );
});
