//! The officials' queue at 100,000 applications in SQLite, over HTTP on loopback:
//! `cargo bench --bench queue` reports medians for the first page of `sort=due&overdue=true`,
//! the tab counts, the CSV export of 10,000 rows and the counts page with its on-time figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use serde_json::Value;
use std::time::Duration;

const APPLICATIONS: usize = 100_000;

struct Bench {
    rt: tokio::runtime::Runtime,
    base: String,
    client: reqwest::Client,
    reviewer: String,
    _tmp: tempfile::TempDir,
}

/// 100,000 applications submitted every 15 minutes back from now, in every status, with the
/// clock's projection as the service writes it: running ones due 21 days after submission
/// (the older ones overdue), every tenth held by one official (10,000 rows for the CSV).
fn seed(db: &signboard::db::Db) {
    let mut conn = db.get().unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO users (id, username, username_key, password_hash, display_name, phone, role, created_at)
         VALUES ('seed-merchant', 'seed', 'seed', 'x', 'seed', NULL, 'merchant', '2024-01-01 00:00:00'),
                ('seed-official', 'holder', 'holder', 'x', '承办人', NULL, 'reviewer', '2024-01-01 00:00:00');
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {APPLICATIONS}),
         rows(i, at) AS (SELECT i, datetime('now', printf('-%d minutes', i * 15)) FROM seq)
         INSERT INTO applications (id, merchant_id, shop_name, license_no, address, township, phone,
             status, version, current_revision, translation_confirmed, approval_no, submitted_at,
             submitted_year, decided_at, decided_year, decided_month, updated_at, idempotency_key,
             clock_state, due_on, extended_by, assignee_id, decided_working_days, decided_within_limit)
         SELECT printf('seed-%06d', i), 'seed-merchant', printf('商店%d', i), '91350100M000100Y43',
             '地址', CASE i % 7 WHEN 0 THEN '八仙筒镇' ELSE '大沁他拉镇' END, '13800000000',
             CASE i % 6 WHEN 0 THEN 'translating' WHEN 1 THEN 'in_review' WHEN 2 THEN 'changes_requested'
                        WHEN 3 THEN 'approved' WHEN 4 THEN 'rejected' ELSE 'withdrawn' END,
             2, 1, 1, CASE i % 6 WHEN 3 THEN printf('号%d', i) ELSE NULL END,
             at, CAST(strftime('%Y', at) AS INTEGER),
             CASE WHEN i % 6 >= 3 THEN datetime(at, '+20 days') END,
             CASE WHEN i % 6 >= 3 THEN CAST(strftime('%Y', datetime(at, '+20 days')) AS INTEGER) END,
             CASE WHEN i % 6 >= 3 THEN CAST(strftime('%m', datetime(at, '+20 days')) AS INTEGER) END,
             at, NULL,
             CASE WHEN i % 6 < 2 THEN 0 WHEN i % 6 = 2 THEN 1 ELSE 2 END,
             CASE WHEN i % 6 = 2 THEN NULL ELSE date(at, '+21 days') END,
             0,
             CASE WHEN i % 10 = 0 THEN 'seed-official' END,
             CASE WHEN i % 6 IN (3, 4) THEN i % 30 END,
             CASE WHEN i % 6 IN (3, 4) THEN (i % 30) <= 15 END
         FROM rows;
         ANALYZE;"
    ))
    .unwrap();
}

fn setup() -> Bench {
    let served = common::serve_seeded(seed);
    let reviewer = served.rt.block_on(served.reviewer());
    let common::Served {
        rt,
        base,
        client,
        tmp,
    } = served;
    Bench {
        rt,
        base,
        client,
        reviewer,
        _tmp: tmp,
    }
}

impl Bench {
    /// GET `path` as the reviewer; the body.
    fn get(&self, path: &str) -> Vec<u8> {
        self.rt.block_on(async {
            let r = self
                .client
                .get(format!("{}/api/v1{path}", self.base))
                .bearer_auth(&self.reviewer)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await.unwrap().to_vec()
        })
    }
}

fn queue(c: &mut Criterion) {
    let b = setup();
    // What is measured holds what it should.
    let page: Value =
        serde_json::from_slice(&b.get("/applications?sort=due&overdue=true")).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    assert!(
        page["total"].as_i64().unwrap() > 30_000,
        "{}",
        page["total"]
    );
    let csv = b.get("/applications?format=csv&assignee=seed-official");
    let rows = csv.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(rows, 1 + APPLICATIONS / 10);
    eprintln!("CSV of {} rows: {} bytes", rows - 1, csv.len());

    let mut group = c.benchmark_group("queue_100k_sqlite");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(
        "GET /applications?sort=due&overdue=true (page 1)",
        |bench| bench.iter(|| b.get("/applications?sort=due&overdue=true")),
    );
    group.bench_function(
        "GET /applications?status=in_review (page 1, by due day)",
        |bench| bench.iter(|| b.get("/applications?status=in_review")),
    );
    group.bench_function(
        "GET /applications?assignee=me&open=true (page 1)",
        |bench| bench.iter(|| b.get("/applications?assignee=me&open=true")),
    );
    group.bench_function("GET /applications/summary", |bench| {
        bench.iter(|| b.get("/applications/summary"))
    });
    group.bench_function("GET /stats/approvals (with on-time figures)", |bench| {
        bench.iter(|| b.get("/stats/approvals"))
    });
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("GET /applications?format=csv (10,000 rows)", |bench| {
        bench.iter(|| b.get("/applications?format=csv&assignee=seed-official"))
    });
    group.finish();
}

criterion_group!(benches, queue);
criterion_main!(benches);
