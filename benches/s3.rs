//! A submission with a 1 MB JPEG through the HTTP API with the uploads in S3 (moto or any
//! S3-compatible server): `SIGNBOARD_BENCH_S3_URL=http://127.0.0.1:5123 cargo bench --bench s3`
//! reports the median (target: under 80 ms). Skipped with a message when the URL is unset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use reqwest::multipart::{Form, Part};
use serde_json::json;
use signboard::storage::{StorageConfig, StorageUrl};
use std::time::Duration;

const BUCKET: &str = "signboard-bench";

/// Creates the bucket with one unsigned request (moto takes it); an existing one is fine.
fn create_bucket(endpoint: &str) {
    use std::io::{Read, Write};
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut socket = std::net::TcpStream::connect(host)
        .unwrap_or_else(|e| panic!("S3 at {endpoint} does not answer: {e}"));
    write!(
        socket,
        "PUT /{BUCKET} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") || answer.contains("BucketAlreadyOwnedByYou"),
        "{answer}"
    );
}

fn storage(endpoint: &str) -> StorageConfig {
    StorageConfig {
        url: Some(StorageUrl::S3 {
            bucket: BUCKET.into(),
            prefix: format!("bench-{}", uuid::Uuid::new_v4().simple()),
        }),
        s3_endpoint: Some(endpoint.to_owned()),
        s3_region: Some("us-east-1".into()),
        s3_path_style: true,
        s3_access_key_id: Some("test".into()),
        s3_secret_access_key: Some("test".into()),
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

/// The JPEG with a comment segment naming `n`, so every submission stores new objects.
fn numbered(jpeg: &[u8], n: u64) -> Vec<u8> {
    let comment = format!("submission {n}");
    let mut segment = vec![0xFF, 0xFE];
    segment.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(comment.as_bytes());
    let mut out = jpeg.to_vec();
    out.splice(2..2, segment);
    out
}

fn s3(c: &mut Criterion) {
    let Some(endpoint) = std::env::var("SIGNBOARD_BENCH_S3_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("SIGNBOARD_BENCH_S3_URL not set (e.g. http://127.0.0.1:5123): S3 bench skipped");
        return;
    };
    create_bucket(&endpoint);
    let served = common::serve_tuned(|config| config.storage = storage(&endpoint), |_| {});
    let merchant = served.rt.block_on(async {
        served
            .client
            .post(format!("{}/api/v1/auth/register", served.base))
            .json(&json!({"username": "merchant", "password": "merchant-pass"}))
            .send()
            .await
            .unwrap();
        served.login("merchant", "merchant-pass").await
    });
    let jpeg = jpeg_1mb();
    eprintln!("submission JPEG: {} bytes", jpeg.len());
    let app_json = json!({
        "shop_name": "奈曼旗民族商贸城", "license_no": "91350100M000100Y43",
        "address": "大沁他拉镇团结路 8 号", "township": "大沁他拉镇", "phone": "0475-4212345",
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
        "texts": {"mn": "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ", "zh": "奈曼旗民族商贸城"}
    })
    .to_string();
    let mut group = c.benchmark_group("s3_moto");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(10));
    let mut counter = 0u64;
    group.bench_function("POST /applications with a 1 MB JPEG to S3", |bench| {
        bench.iter(|| {
            counter += 1;
            let jpeg = numbered(&jpeg, counter);
            served.rt.block_on(async {
                let form = Form::new()
                    .part("application", Part::text(app_json.clone()))
                    .part(
                        "design",
                        Part::bytes(jpeg)
                            .file_name("design.jpg")
                            .mime_str("image/jpeg")
                            .unwrap(),
                    );
                let r = served
                    .client
                    .post(format!("{}/api/v1/applications", served.base))
                    .bearer_auth(&merchant)
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

criterion_group!(benches, s3);
criterion_main!(benches);
