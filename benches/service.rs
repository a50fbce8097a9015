//! The service under load of data: 100,000 applications in SQLite, measured over HTTP on
//! loopback. `cargo bench --bench service` reports medians for the approval counts, the
//! officials' first page filtered by status, and a submission with a 1 MB JPEG.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::time::Duration;

const APPLICATIONS: usize = 100_000;

struct Bench {
    rt: tokio::runtime::Runtime,
    base: String,
    client: reqwest::Client,
    reviewer: String,
    merchant: String,
    _tmp: tempfile::TempDir,
}

/// 100,000 applications over three years, in every status, written in one statement.
fn seed(db: &signboard::db::Db) {
    let mut conn = db.get().unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash, display_name, phone, role, created_at)
         VALUES ('seed-merchant', 'seed', 'x', 'seed', NULL, 'merchant', '2024-01-01 00:00:00');
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {APPLICATIONS})
         INSERT INTO applications (id, merchant_id, shop_name, license_no, address, township, phone,
             status, version, current_revision, translation_confirmed, approval_no, submitted_at,
             submitted_year, decided_at, decided_year, decided_month, updated_at, idempotency_key)
         SELECT printf('seed-%06d', i), 'seed-merchant', printf('商店%d', i), '91350100M000100Y43',
             '地址', CASE i % 7 WHEN 0 THEN '八仙筒镇' ELSE '大沁他拉镇' END, '13800000000',
             CASE i % 6 WHEN 0 THEN 'translating' WHEN 1 THEN 'in_review' WHEN 2 THEN 'changes_requested'
                        WHEN 3 THEN 'approved' WHEN 4 THEN 'rejected' ELSE 'withdrawn' END,
             2, 1, 1, CASE i % 6 WHEN 3 THEN printf('号%d', i) ELSE NULL END,
             datetime('2023-01-01', printf('+%d minutes', i * 15)),
             CAST(strftime('%Y', datetime('2023-01-01', printf('+%d minutes', i * 15))) AS INTEGER),
             CASE WHEN i % 6 >= 3 THEN datetime('2023-01-02', printf('+%d minutes', i * 15)) END,
             CASE WHEN i % 6 >= 3 THEN CAST(strftime('%Y', datetime('2023-01-02', printf('+%d minutes', i * 15))) AS INTEGER) END,
             CASE WHEN i % 6 >= 3 THEN CAST(strftime('%m', datetime('2023-01-02', printf('+%d minutes', i * 15))) AS INTEGER) END,
             datetime('2023-01-02', printf('+%d minutes', i * 15)), NULL
         FROM seq;
         INSERT INTO stat_counts (year, month, township, metric, n)
             SELECT submitted_year, 0, '', 'submitted', COUNT(*) FROM applications GROUP BY submitted_year;
         INSERT INTO stat_counts (year, month, township, metric, n)
             SELECT submitted_year, 0, '', 'pending', COUNT(*) FROM applications
             WHERE status IN ('translating', 'in_review', 'changes_requested') GROUP BY submitted_year;
         INSERT INTO stat_counts (year, month, township, metric, n)
             SELECT decided_year, 0, '', status, COUNT(*) FROM applications
             WHERE status IN ('approved', 'rejected') GROUP BY decided_year, status;
         INSERT INTO stat_counts (year, month, township, metric, n)
             SELECT decided_year, decided_month, '', 'approved', COUNT(*) FROM applications
             WHERE status = 'approved' GROUP BY decided_year, decided_month;
         INSERT INTO stat_counts (year, month, township, metric, n)
             SELECT decided_year, 0, township, 'approved', COUNT(*) FROM applications
             WHERE status = 'approved' GROUP BY decided_year, township;
         ANALYZE;"
    ))
    .unwrap();
    // The seeded running counts must be the ones the service would have kept.
    assert_eq!(
        signboard::stats::by_year(&mut conn).unwrap(),
        signboard::stats::recount(&mut conn).unwrap()
    );
}

/// The service's configuration for the bench: SQLite in `data`, no background sweeper.
fn setup() -> Bench {
    let served = common::serve_seeded(seed);
    let (reviewer, merchant) = served.rt.block_on(async {
        let reviewer = served.reviewer().await;
        served
            .client
            .post(format!("{}/api/v1/auth/register", served.base))
            .json(&json!({"username": "merchant", "password": "merchant-pass"}))
            .send()
            .await
            .unwrap();
        (reviewer, served.login("merchant", "merchant-pass").await)
    });
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
        merchant,
        _tmp: tmp,
    }
}

/// A photo-like JPEG of about 1 MB.
fn jpeg_1mb() -> Vec<u8> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let img = image::RgbImage::from_fn(1400, 900, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state & 0x3F) as u8;
        image::Rgb([
            (x / 6) as u8 ^ noise,
            (y / 4) as u8 ^ noise,
            ((x + y) / 9) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

fn application() -> Value {
    json!({
        "shop_name": "奈曼旗民族商贸城", "license_no": "91350100M000100Y43",
        "address": "大沁他拉镇团结路 8 号", "township": "大沁他拉镇", "phone": "0475-4212345",
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
        "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": "奈曼旗民族商贸城"}
    })
}

fn service(c: &mut Criterion) {
    let b = setup();
    let mut group = c.benchmark_group("service_100k_sqlite");
    group.measurement_time(Duration::from_secs(8));

    group.bench_function("GET /stats/approvals", |bench| {
        bench.iter(|| {
            b.rt.block_on(async {
                let r = b
                    .client
                    .get(format!("{}/api/v1/stats/approvals", b.base))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap()
            })
        })
    });

    group.bench_function(
        "GET /applications?status=in_review (official, page 1)",
        |bench| {
            bench.iter(|| {
                b.rt.block_on(async {
                    let r = b
                        .client
                        .get(format!("{}/api/v1/applications?status=in_review", b.base))
                        .bearer_auth(&b.reviewer)
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                    r.bytes().await.unwrap()
                })
            })
        },
    );

    let jpeg = jpeg_1mb();
    eprintln!("submission JPEG: {} bytes", jpeg.len());
    let app_json = application().to_string();
    group.sample_size(30);
    // Every submission's file differs (a comment segment with a counter), so each one pays
    // for hashing and writing new files, not only the first.
    let mut counter = 0u64;
    group.bench_function("POST /applications with a 1 MB JPEG", |bench| {
        bench.iter(|| {
            counter += 1;
            let mut jpeg = jpeg.clone();
            let comment = format!("submission {counter}");
            let mut segment = vec![0xFF, 0xFE];
            segment.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
            segment.extend_from_slice(comment.as_bytes());
            jpeg.splice(2..2, segment);
            b.rt.block_on(async {
                let form = Form::new()
                    .part("application", Part::text(app_json.clone()))
                    .part(
                        "design",
                        Part::bytes(jpeg)
                            .file_name("design.jpg")
                            .mime_str("image/jpeg")
                            .unwrap(),
                    );
                let r = b
                    .client
                    .post(format!("{}/api/v1/applications", b.base))
                    .bearer_auth(&b.merchant)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                r.bytes().await.unwrap()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, service);
criterion_main!(benches);
