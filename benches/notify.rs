//! What notifications cost, on SQLite: `cargo bench --bench notify` reports the median of a
//! transition (request_changes) with its notification rows against the same transition
//! without them, and the worker delivering 1,000 queued notifications to a local receiver.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{web, App, HttpResponse, HttpServer};
use base64::Engine as _;
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use signboard::applications::repo::{apply_transition, TransitionInput};
use signboard::applications::{TransitionRequest, WorkflowSettings};
use signboard::config::Config;
use signboard::db::Db;
use signboard::http::{AppState, SystemClock};
use signboard::notify::{Notices, NotifySettings, Webhook, Worker};

/// Notifications the worker delivers per measured round.
const QUEUED: usize = 1000;

struct Setup {
    rt: tokio::runtime::Runtime,
    state: web::Data<AppState>,
    app_id: String,
    reviewer_id: String,
    _tmp: tempfile::TempDir,
}

fn config(data: PathBuf) -> Config {
    Config {
        workers: 1,
        argon2_memory_kib: 256,
        // The server's own worker stays idle: the benchmark runs the worker itself.
        notify: NotifySettings {
            poll: Duration::from_secs(3600),
            ..Default::default()
        },
        ..common::config(&data)
    }
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1600, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = client.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

/// Through the API: a reviewer, a merchant and its application (in review); answers the
/// application's and the reviewer's ids.
async fn seed(base: &str) -> (String, String) {
    let c = reqwest::Client::new();
    let login = |user: &str, password: &str| {
        post(
            &c,
            format!("{base}/auth/login"),
            None,
            json!({"username": user, "password": password}),
        )
    };
    let admin = login("admin", "admin-password").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reviewer = post(
        &c,
        format!("{base}/users"),
        Some(&admin),
        json!({"username": "rev_b", "password": "official-pass", "display_name": "审核",
               "role": "reviewer"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    post(
        &c,
        format!("{base}/auth/register"),
        None,
        json!({"username": "shop_b", "password": "merchant-pass", "display_name": "商户",
               "phone": "13800000000"}),
    )
    .await;
    let m = login("shop_b", "merchant-pass").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let application = json!({
        "shop_name": "奈曼旗民族商贸城", "license_no": "91350100M000100Y43",
        "address": "大沁他拉镇团结路 8 号", "township": "大沁他拉镇", "phone": "0475-4212345",
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
        "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": "奈曼旗民族商贸城"},
        "translation_requested": false
    });
    let form = Form::new()
        .part(
            "application",
            Part::text(application.to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "design",
            Part::bytes(png())
                .file_name("d.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let created: Value = c
        .post(format!("{base}/applications"))
        .bearer_auth(&m)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (created["id"].as_str().unwrap().to_owned(), reviewer)
}

/// A server with one application in review, submitted over HTTP.
fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let services =
        signboard::prepare(config(tmp.path().join("data")), Arc::new(SystemClock)).unwrap();
    let state = services.state.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let (app_id, reviewer_id) = rt.block_on(async {
        tokio::spawn(signboard::serve(services, listener).unwrap());
        seed(&base).await
    });
    Setup {
        rt,
        state,
        app_id,
        reviewer_id,
        _tmp: tmp,
    }
}

/// One request_changes, timed; the application is put back in review (untimed) first.
fn one_transition(s: &Setup, settings: &WorkflowSettings) -> Duration {
    let mut pooled = s.state.db.get().unwrap();
    let conn: &mut signboard::db::DbConn = &mut pooled;
    conn.batch_execute(&format!(
        "UPDATE applications SET status = 'in_review' WHERE id = '{}'",
        s.app_id
    ))
    .unwrap();
    let version: i32 = {
        use diesel::prelude::*;
        use signboard::db::schema::applications::dsl;
        dsl::applications
            .filter(dsl::id.eq(&s.app_id))
            .select(dsl::version)
            .first(conn)
            .unwrap()
    };
    let reviewer = signboard::auth::find_by_id(conn, &s.reviewer_id)
        .unwrap()
        .unwrap();
    let request: TransitionRequest = serde_json::from_value(json!({
        "action": "request_changes", "expected_version": version,
        "items": [{"message": "蒙古文字号偏小"}]
    }))
    .unwrap();
    let input = TransitionInput {
        request: &request,
        new_revision: None,
        form: None,
    };
    let start = Instant::now();
    apply_transition(
        conn,
        settings,
        &reviewer,
        &s.app_id,
        input,
        chrono::Utc::now(),
    )
    .unwrap();
    start.elapsed()
}

fn transitions(c: &mut Criterion) {
    let s = setup();
    let with = s.state.workflow.clone();
    let without = WorkflowSettings {
        notices: Arc::new(Notices::off()),
        ..with.clone()
    };
    let mut group = c.benchmark_group("transition");
    group.sample_size(50);
    group.bench_function("request_changes_without_notifications", |b| {
        b.iter_custom(|n| (0..n).map(|_| one_transition(&s, &without)).sum())
    });
    group.bench_function("request_changes_with_notifications", |b| {
        b.iter_custom(|n| (0..n).map(|_| one_transition(&s, &with)).sum())
    });
    group.finish();
}

/// 1,000 due notifications, straight into the table.
fn queue(db: &Db, app_id: &str, round: u64) {
    db.get()
        .unwrap()
        .batch_execute(&format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {QUEUED})
         INSERT INTO notifications (id, event, application_id, recipient_id, recipient_role, text,
             payload, created_at, status, attempts, next_attempt_at)
         SELECT printf('r{round}-%d', i), 'submitted', '{app_id}', merchant_id, 'merchant', '测试',
             printf('{{\"n\":%d}}', i), datetime('now', '-1 second'), 'pending', 0,
             datetime('now', '-1 second')
         FROM seq, applications WHERE applications.id = '{app_id}'"
        ))
        .unwrap();
}

fn delivery(c: &mut Criterion) {
    let s = setup();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let key = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode([0x42u8; 32])
    );
    let worker = Worker::new(
        s.state.db.clone(),
        NotifySettings {
            webhook: Some(Webhook::parse(&url, Some(&key)).unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    s.rt.block_on(async {
        let server = HttpServer::new(|| App::new().default_service(web::to(HttpResponse::Ok)))
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
        tokio::spawn(server);
    });
    let mut round = 0;
    let mut group = c.benchmark_group("worker");
    group.sample_size(10);
    group.bench_function("deliver_1000_queued", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            for _ in 0..n {
                round += 1;
                queue(&s.state.db, &s.app_id, round);
                let start = Instant::now();
                s.rt.block_on(async {
                    let mut sent = 0;
                    while sent < QUEUED {
                        sent += worker.run_once().await.unwrap();
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, transitions, delivery);
criterion_main!(benches);
