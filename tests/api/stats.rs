//! Counts per year, per month and per township; listing filters and paging.

use crate::backend_test;
use crate::helpers::{application, body, TestApp};
use chrono::TimeZone;
use serde_json::json;

backend_test!(counts_per_year_month_status_and_csv, |app| {
    let (status, v) = body(app.get("/api/v1/stats/approvals", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(v["years"], json!([]));

    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2025, 3, 10, 2, 0, 0).unwrap());
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(app.submit_ok(&m, &application()).await);
    }
    let mut other = application();
    other["township"] = json!("八仙筒镇");
    ids.push(app.submit_ok(&m, &other).await);
    for id in &ids[..3] {
        app.act(&tr, id, "confirm_translation", json!({})).await;
    }
    app.act(&rev, &ids[0], "approve", json!({})).await;
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2025, 5, 2, 2, 0, 0).unwrap());
    app.act(&rev, &ids[1], "approve", json!({})).await;
    app.act(&rev, &ids[3], "reject", json!({"comment": "重复申请"}))
        .await;
    app.act(&tr, &ids[4], "confirm_translation", json!({}))
        .await;
    app.act(&rev, &ids[4], "approve", json!({})).await;
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2026, 1, 5, 2, 0, 0).unwrap());
    app.act(&rev, &ids[2], "approve", json!({})).await;
    app.submit_ok(&m, &application()).await;

    let (_, v) = body(app.get("/api/v1/stats/approvals", None).await).await;
    assert_eq!(
        crate::clock::counts_only(&v["years"]),
        json!([
            {"year": 2025, "approved": 3, "rejected": 1, "submitted": 5, "pending": 0, "revoked": 0},
            {"year": 2026, "approved": 1, "rejected": 0, "submitted": 1, "pending": 1, "revoked": 0}
        ])
    );
    let (_, y) = body(app.get("/api/v1/stats/approvals?year=2025", None).await).await;
    assert_eq!(y["approved"], 3);
    let months: Vec<i64> = y["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["approved"].as_i64().unwrap())
        .collect();
    assert_eq!(months, [0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        y["townships"],
        json!([{"township": "大沁他拉镇", "approved": 2}, {"township": "八仙筒镇", "approved": 1}])
    );

    csv_export(&app).await;
    listing_filters(&app, &rev).await;
});

async fn csv_export(app: &TestApp) {
    let resp = app.get("/api/v1/stats/approvals?format=csv", None).await;
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        resp.text().await.unwrap(),
        "year,approved,rejected,submitted,pending,revoked\n2025,3,1,5,0,0\n2026,1,0,1,1,0\n"
    );
    let csv = app
        .get("/api/v1/stats/approvals?year=2025&format=csv", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("year,approved,rejected,submitted,pending,revoked\n2025,3,1,5,0,0\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\nyear,month,approved\n2025,1,0\n2025,2,0\n2025,3,1\n"),
        "{csv}"
    );
    // The on-time figures of the JSON, in the CSV too.
    let (_, y) = body(app.get("/api/v1/stats/approvals?year=2025", None).await).await;
    let on_time = format!(
        "\nyear,decided_within_limit,decided_late,median_working_days\n2025,{},{},{}\n",
        y["decided_within_limit"],
        y["decided_late"],
        y["median_working_days"]
            .as_f64()
            .map_or(String::new(), |m| m.to_string())
    );
    assert!(csv.contains(&on_time), "{on_time} in {csv}");
    assert_eq!(
        y["decided_within_limit"].as_i64().unwrap() + y["decided_late"].as_i64().unwrap(),
        4
    );
}

async fn listing_filters(app: &TestApp, rev: &str) {
    // Listing: status, year, search and paging.
    let (_, l) = body(
        app.get("/api/v1/applications?status=approved&per_page=2", Some(rev))
            .await,
    )
    .await;
    assert_eq!(
        (l["total"].as_i64(), l["items"].as_array().unwrap().len()),
        (Some(4), 2)
    );
    let (_, l2) = body(
        app.get(
            "/api/v1/applications?status=approved&per_page=2&page=2",
            Some(rev),
        )
        .await,
    )
    .await;
    assert_eq!(l2["items"].as_array().unwrap().len(), 2);
    assert_ne!(l["items"][0]["id"], l2["items"][0]["id"]);
    let (_, l) = body(app.get("/api/v1/applications?year=2026", Some(rev)).await).await;
    assert_eq!(l["total"], 1);
    let (_, l) = body(
        app.get("/api/v1/applications?q=91350100M0", Some(rev))
            .await,
    )
    .await;
    assert_eq!(l["total"], 6);
    let (_, l) = body(app.get("/api/v1/applications?q=%25", Some(rev)).await).await;
    assert_eq!(l["total"], 0, "a % in the search is a literal character");
    app.assert_counts_consistent();
}
