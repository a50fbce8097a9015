//! Documents after the decision (issue 11). `cargo bench --bench documents` reports medians
//! for: the certificate PDF (A4 with shaped Chinese and Mongolian, the approved preview and a
//! QR code; the preview already drawn, as the service caches it), a verification lookup by
//! token, and the register's first page — the last two over 100,000 approvals in SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeZone;
use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;

use signboard::applications::WorkflowSettings;
use signboard::db::{Db, DbUrl};
use signboard::documents::{self, CertificateParts, Decided, DocKind, DocRecord, PdfFonts};
use signboard::register::{self, RegisterFilter};
use signboard::render::{preview_png, Fonts};
use signboard::signing::{token_hash, Seal};
use signboard::spec::SignSpec;

const APPROVALS: usize = 100_000;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spec() -> SignSpec {
    serde_json::from_str(
        r##"{"sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
        "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
      "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": "奈曼旗民族商贸城"}}"##,
    )
    .unwrap()
}

fn record(fonts: &Fonts) -> DocRecord {
    let spec = spec();
    let png = preview_png(&spec, fonts, 900).unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2026, 5, 4, 3, 2, 1).unwrap();
    DocRecord {
        reference: "2026-0042".into(),
        shop_name: "奈曼旗民族商贸城".into(),
        licence_no: "91350100M000100Y43".into(),
        address: "大沁他拉镇团结路 8 号".into(),
        township: "大沁他拉镇".into(),
        spec,
        submitted_at: at,
        due_on: None,
        designs: vec!["design.png".into()],
        office: "奈曼旗民族事务委员会".into(),
        timezone: chrono_tz::Asia::Shanghai,
        changes: None,
        decided: Some(Decided {
            at,
            approval_no: Some("奈民委牌审〔2026〕0042号".into()),
            comment: None,
        }),
        certificate: Some(CertificateParts {
            verify_url: "http://127.0.0.1:8080/v/AbCdEfGhIjKlMnOp".into(),
            short_code: "AbCdEfGhIjKlMnOp".into(),
            preview_png: Arc::new(png),
        }),
    }
}

/// 100,000 approvals (and their applications), written in a few statements.
fn seed(db: &Db) {
    let mut conn = db.get().unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash, display_name, phone, role, created_at)
         VALUES ('seed-merchant', 'seed', 'x', 'seed', NULL, 'merchant', '2024-01-01 00:00:00');
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {APPROVALS})
         INSERT INTO applications (id, merchant_id, shop_name, license_no, address, township, phone,
             status, version, current_revision, translation_confirmed, approval_no, submitted_at,
             submitted_year, decided_at, decided_year, decided_month, updated_at, idempotency_key,
             reference)
         SELECT printf('seed-%06d', i), 'seed-merchant', printf('商店%d', i), '91350100M000100Y43',
             '地址', '大沁他拉镇', '13800000000', 'approved', 2, 1, 1, printf('号%d', i),
             datetime('2023-01-01', printf('+%d minutes', i * 15)), 2023,
             datetime('2023-01-02', printf('+%d minutes', i * 15)), 2023, 1,
             datetime('2023-01-02', printf('+%d minutes', i * 15)), NULL, printf('2023-%06d', i)
         FROM seq;
         INSERT INTO approvals (application_id, approval_no, reference, token, token_hash, revision,
             decided_at, decided_year, shop_name, address, township, licence_masked, text_zh,
             text_mn, canonical, signature)
         SELECT id, approval_no, reference, printf('tok%013d', rowid), printf('%064d', rowid), 1,
             decided_at, decided_year, shop_name, address, township, '91350100********43',
             '奈曼旗民族商贸城', 'ᠨᠠᠢᠮᠠᠨ', '{{}}', 'sig'
         FROM applications;"
    ))
    .unwrap();
}

fn bench(c: &mut Criterion) {
    let fonts = Arc::new(Fonts::load(&root().join("fonts")).unwrap());
    let pdf_fonts = PdfFonts::load(&root().join("fonts"), fonts.clone()).unwrap();
    let rec = record(&fonts);
    c.bench_function("certificate_pdf", |b| {
        b.iter(|| black_box(documents::render(DocKind::Certificate, &rec, &pdf_fonts).unwrap()))
    });

    let tmp = tempfile::tempdir().unwrap();
    let db = Db::connect(&DbUrl::Sqlite(tmp.path().join("bench.db")), 4).unwrap();
    db.migrate().unwrap();
    seed(&db);
    // One real token among the seeded ones.
    let token = "RealTokenXYZ_-12";
    {
        let mut conn = db.get().unwrap();
        conn.batch_execute(&format!(
            "UPDATE approvals SET token = '{token}', token_hash = '{}', canonical = '{{\"a\":1}}'
             WHERE application_id = 'seed-050000'",
            token_hash(token)
        ))
        .unwrap();
    }
    let settings = WorkflowSettings {
        timezone: chrono_tz::Asia::Shanghai,
        approval_prefix: "奈民委牌审".into(),
        office_name: "奈曼旗民族事务委员会".into(),
        public_url: "http://127.0.0.1:8080".into(),
        seal: Arc::new(Seal::load_or_generate(tmp.path()).unwrap()),
        exact_total_limit: 10_000,
        notices: Arc::new(signboard::notify::Notices::off()),
        clock: Default::default(),
        calendar: Arc::new(signboard::calendar::Calendar::from_years([])),
    };
    let mut conn = db.get().unwrap();
    c.bench_function("verification_lookup_100k", |b| {
        b.iter(|| black_box(signboard::verify::lookup(&mut conn, &settings, token).unwrap()))
    });
    c.bench_function("register_first_page_100k", |b| {
        let filter = RegisterFilter {
            page: 1,
            per_page: 20,
            ..Default::default()
        };
        b.iter(|| {
            let page = register::page(&mut conn, &filter, "http://127.0.0.1:8080").unwrap();
            assert_eq!(page.total, APPROVALS as i64);
            black_box(page)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
