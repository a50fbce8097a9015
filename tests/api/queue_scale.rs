//! The queue at a region's size, on both backends: the `after` cursor walks every page once in
//! each order, `total` is exact up to `SIGNBOARD_EXACT_TOTAL_LIMIT` and marked an estimate
//! above it, `q` finds Chinese names of two characters and more, licence codes and addresses,
//! and a malformed cursor is a 400 naming `after`.

use crate::backend_test;
use crate::helpers::{body, error_code, TestApp};
use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use serde_json::Value;
use std::collections::HashSet;

/// One row to insert.
struct Row {
    id: String,
    status: &'static str,
    clock_state: i32,
    due_on: Option<NaiveDate>,
    minute: u32,
    shop_name: String,
    license_no: String,
    address: String,
}

fn row(i: usize) -> Row {
    let clock_state = (i % 3) as i32;
    let status = ["in_review", "changes_requested", "approved"][i % 3];
    Row {
        id: format!("row-{i:03}"),
        status,
        clock_state,
        // Paused cases have no due day; the others share five days (ties broken by id).
        due_on: (clock_state != 1)
            .then(|| NaiveDate::from_ymd_opt(2026, 1, 1 + (i % 5) as u32).unwrap()),
        minute: (i % 7) as u32,
        shop_name: format!("店铺{i}"),
        license_no: format!("91150525MA{i:07}X"),
        address: format!("大沁他拉镇{i}号"),
    }
}

/// Inserts the rows (and their merchant) straight into the database.
fn insert(app: &TestApp, rows: &[Row]) {
    let mut sql = String::from(
        "INSERT INTO users (id, username, username_key, password_hash, display_name, phone, role, created_at) \
         VALUES ('scale-merchant', 'scale-merchant', 'scale-merchant', 'x', '商户', NULL, 'merchant', '2026-01-01 00:00:00');",
    );
    for (n, r) in rows.iter().enumerate() {
        let due = r.due_on.map_or("NULL".to_owned(), |d| format!("'{d}'"));
        sql.push_str(&format!(
            "INSERT INTO applications (id, merchant_id, shop_name, license_no, address, township, \
             phone, status, version, current_revision, translation_confirmed, submitted_at, \
             submitted_year, updated_at, clock_state, due_on, extended_by, reference) VALUES \
             ('{}', 'scale-merchant', '{}', '{}', '{}', '大沁他拉镇', '13800000000', '{}', 1, 1, \
             TRUE, '2026-01-01 00:{:02}:00', 2026, '2026-01-01 00:00:00', {}, {due}, 0, 'R{n}');",
            r.id, r.shop_name, r.license_no, r.address, r.status, r.minute, r.clock_state
        ));
    }
    app.conn().batch_execute(&sql).unwrap();
}

async fn get(app: &TestApp, token: &str, query: &str) -> Value {
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

/// Every page from `after` cursors, and the same list from `page` numbers.
async fn walk(app: &TestApp, token: &str, sort: &str) -> (Vec<String>, Vec<String>) {
    let (mut by_after, mut by_page) = (Vec::new(), Vec::new());
    let mut after: Option<String> = None;
    for _ in 0..20 {
        let q = match &after {
            Some(a) => format!("sort={sort}&per_page=10&after={a}"),
            None => format!("sort={sort}&per_page=10"),
        };
        let page = get(app, token, &q).await;
        by_after.extend(ids(&page));
        match page["next_after"].as_str() {
            Some(a) => after = Some(a.to_owned()),
            None => break,
        }
    }
    for n in 1..=5 {
        by_page.extend(ids(&get(
            app,
            token,
            &format!("sort={sort}&per_page=10&page={n}"),
        )
        .await));
    }
    (by_after, by_page)
}

backend_test!(after_walks_every_page_once_in_both_orders, |app| {
    let rows: Vec<Row> = (0..47).map(row).collect();
    insert(&app, &rows);
    let token = app.official("walker", "reviewer").await;

    let mut due: Vec<&Row> = rows.iter().collect();
    let no_day = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    due.sort_by_key(|r| (r.clock_state, r.due_on.unwrap_or(no_day), r.id.clone()));
    let due: Vec<String> = due.iter().map(|r| r.id.clone()).collect();
    let mut newest: Vec<&Row> = rows.iter().collect();
    newest.sort_by_key(|r| std::cmp::Reverse((r.minute, r.id.clone())));
    let newest: Vec<String> = newest.iter().map(|r| r.id.clone()).collect();

    for (sort, expected) in [("due", &due), ("submitted", &newest)] {
        let (by_after, by_page) = walk(&app, &token, sort).await;
        assert_eq!(&by_after, expected, "sort={sort} by after");
        assert_eq!(&by_page, expected, "sort={sort} by page");
        let unique: HashSet<&String> = by_after.iter().collect();
        assert_eq!(unique.len(), 47);
    }
    // The last page has no next cursor; the one before names the last row shown.
    let last = get(&app, &token, "sort=due&per_page=10&page=5").await;
    assert_eq!(ids(&last).len(), 7);
    assert!(last["next_after"].is_null(), "{last}");
});

backend_test!(
    total_is_exact_up_to_the_limit_and_an_estimate_above,
    config = |c| c.exact_total_limit = 5,
    |app| {
        let rows: Vec<Row> = (0..15).map(row).collect();
        insert(&app, &rows);
        let token = app.official("counter", "reviewer").await;
        // 5 of each status: exactly at the limit.
        let page = get(&app, &token, "status=approved&per_page=2").await;
        assert_eq!(page["total"], 5, "{page}");
        assert_eq!(page["total_is_estimate"], false);
        let page = get(&app, &token, "status=approved&year=2025").await;
        assert_eq!(page["total"], 0);
        assert_eq!(page["total_is_estimate"], false);
        // 15 rows: above the limit.
        let page = get(&app, &token, "per_page=2").await;
        assert_eq!(page["total_is_estimate"], true, "{page}");
        assert!(page["total"].as_i64().unwrap() > 5, "{page}");
        assert_eq!(ids(&page).len(), 2);
    }
);

fn named(id: &str, shop_name: &str, license_no: &str, address: &str) -> Row {
    Row {
        id: id.to_owned(),
        shop_name: shop_name.to_owned(),
        license_no: license_no.to_owned(),
        address: address.to_owned(),
        ..row(0)
    }
}

backend_test!(q_finds_chinese_names_licence_codes_and_addresses, |app| {
    insert(
        &app,
        &[
            named(
                "a",
                "草原明珠超市",
                "91150525MA0001234X",
                "大沁他拉镇团结路8号",
            ),
            named(
                "b",
                "蒙古包饭店",
                "91150525MA0005678Y",
                "八仙筒镇建设街12号",
            ),
            named(
                "c",
                "Steppe Cafe 草原",
                "92150525MA0009999Z",
                "青龙山镇民族街3号",
            ),
        ],
    );
    let token = app.official("finder", "reviewer").await;
    for (q, expected) in [
        ("草原", vec!["a", "c"]),
        ("原", vec!["a", "c"]),
        ("饭店", vec!["b"]),
        ("明珠超市", vec!["a"]),
        ("蒙古包饭店", vec!["b"]),
        ("Cafe", vec!["c"]),
        ("91150525MA0001234X", vec!["a"]),
        ("91150525MA000", vec!["a", "b"]),
        ("MA0005678", vec!["b"]),
        ("团结路", vec!["a"]),
        ("民族街3号", vec!["c"]),
        ("12", vec!["a", "b"]),
        // Never across two fields, and wildcards are plain characters.
        ("超市大沁", vec![]),
        ("%", vec![]),
        ("不存在的店", vec![]),
    ] {
        let page = get(&app, &token, &format!("q={}", urlencode(q))).await;
        let mut found = ids(&page);
        found.sort();
        assert_eq!(found, expected, "q={q}");
        assert_eq!(page["total"], expected.len(), "q={q}");
    }
});

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

backend_test!(
    a_malformed_or_foreign_cursor_is_refused_naming_after,
    |app| {
        insert(&app, &(0..3).map(row).collect::<Vec<_>>());
        let token = app.official("pager", "reviewer").await;
        let page = get(&app, &token, "sort=submitted&per_page=1").await;
        let submitted = page["next_after"].as_str().unwrap().to_owned();
        for after in [
            "not-a-cursor",
            "ZHwxfDIwMjYtMDEtMDE",
            "%00",
            submitted.as_str(),
        ] {
            let query = format!("/api/v1/applications?sort=due&after={after}");
            let (status, v) = body(app.get(&query, Some(&token)).await).await;
            assert_eq!(status, 400, "{after}: {v}");
            assert_eq!(error_code(&v), "invalid_query");
            assert_eq!(v["error"]["details"]["parameter"], "after", "{v}");
        }
        // The cursor works in its own order.
        let next = get(
            &app,
            &token,
            &format!("sort=submitted&per_page=1&after={submitted}"),
        )
        .await;
        assert_eq!(ids(&next).len(), 1);
        assert_ne!(ids(&next), ids(&page));
    }
);
