//! 50 merchants submitting at once through two replicas on one PostgreSQL database and one S3
//! bucket: throughput (submissions per second) and the latency of one submission (p50/p99).
//! Each merchant registers on one replica, logs in on the other, and submits `ROUNDS`
//! applications, each with a 1600×400 JPEG design, alternating replicas.
//!
//! ```sh
//! SIGNBOARD_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! SIGNBOARD_BENCH_S3_URL=http://127.0.0.1:5123 cargo bench --bench replicas
//! ```
//! (`bash benches/region.sh` starts moto and runs this with the other region benchmarks.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::replica::{create_bucket, fresh_database, region_env, Replica};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const MERCHANTS: usize = 50;
const ROUNDS: usize = 6;

fn main() {
    let (Ok(pg), Ok(s3)) = (
        std::env::var("SIGNBOARD_BENCH_POSTGRES_URL"),
        std::env::var("SIGNBOARD_BENCH_S3_URL"),
    ) else {
        eprintln!(
            "replicas: skipped (set SIGNBOARD_BENCH_POSTGRES_URL and SIGNBOARD_BENCH_S3_URL)"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(&pg, s3.trim_end_matches('/')));
}

async fn run(pg: &str, s3: &str) {
    let database = fresh_database(pg, "signboard_bench_replicas");
    let bucket = format!("bench-{}", uuid::Uuid::new_v4().simple());
    create_bucket(s3, &bucket).await;
    let env = region_env(&database, s3, &bucket);
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let a = Replica::start(&env, dirs[0].path()).await;
    let b = Replica::start(&env, dirs[1].path()).await;
    let bases = [a.base.clone(), b.base.clone()];
    let design = jpeg_design();
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for i in 0..MERCHANTS {
        tokens.push(merchant(&client, &bases, i).await);
    }
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let (client, bases, design) = (client.clone(), bases.clone(), design.clone());
            tokio::spawn(async move {
                let mut took = Vec::new();
                for round in 0..ROUNDS {
                    let base = &bases[(i + round) % 2];
                    let t = Instant::now();
                    submit(&client, base, &token, i * ROUNDS + round, &design).await;
                    took.push(t.elapsed());
                }
                took
            })
        })
        .collect();
    let mut took = Vec::new();
    for task in tasks {
        took.extend(task.await.unwrap());
    }
    report(started.elapsed(), took);
}

fn report(wall: Duration, mut took: Vec<Duration>) {
    took.sort();
    let pct = |p: f64| took[((took.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "replicas: {} submissions by {MERCHANTS} merchants through 2 replicas in {:.2} s: \
         {:.1} submissions/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        took.len(),
        wall.as_secs_f64(),
        took.len() as f64 / wall.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        took[took.len() - 1].as_secs_f64() * 1e3,
    );
}

/// Registers merchant `i` on one replica and logs in on the other.
async fn merchant(client: &reqwest::Client, bases: &[String; 2], i: usize) -> String {
    let name = format!("bench_m{i}");
    let user = json!({"username": name, "password": "merchant-pass",
                      "display_name": "商户", "phone": "13800000000"});
    let resp = client
        .post(format!("{}/api/v1/auth/register", bases[i % 2]))
        .json(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let creds = json!({"username": name, "password": "merchant-pass"});
    let v: Value = client
        .post(format!("{}/api/v1/auth/login", bases[(i + 1) % 2]))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"].as_str().unwrap().to_owned()
}

async fn submit(client: &reqwest::Client, base: &str, token: &str, n: usize, design: &[u8]) {
    let application = json!({
        "shop_name": format!("奈曼旗商贸城{n}号店"),
        "license_no": licence(n),
        "address": "大沁他拉镇团结路 8 号",
        "township": "大沁他拉镇",
        "phone": "0475-4212345",
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "亚克力", "illuminated": true},
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
            Part::bytes(design.to_vec())
                .file_name("design.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let resp = client
        .post(format!("{base}/api/v1/applications"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
}

/// A valid unified social credit code, different for every `n`.
fn licence(n: usize) -> String {
    let first17 = format!("9115052{n:010}");
    let check = signboard::applications::license::check_char(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

/// A 1600×400 design photo-like enough that JPEG keeps it near 300 KB.
fn jpeg_design() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1600, 400, |x, y| {
        let v = (x * 7 + y * 13) ^ (x * y);
        image::Rgb([
            (v % 256) as u8,
            ((v >> 3) % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    out
}
