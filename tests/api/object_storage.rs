//! Uploads on the configured object store (the local directory, or S3 when
//! `SIGNBOARD_TEST_S3_URL` is set): round trip, put-if-absent, an unreachable store, the
//! clean-up of a failed write, and `signboard storage check`.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_bytes, Backend, TestApp};
use reqwest::multipart::Part;
use serde_json::json;
use signboard::config::Config;
use signboard::db::DbUrl;
use signboard::storage::{FileStore, StorageConfig, StorageUrl, Variant};

fn named(bytes: &[u8], name: &str) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str("image/png")
        .unwrap()
}

/// The three keys of a PNG upload.
fn png_keys(sha: &str) -> Vec<String> {
    let d = &sha[..2];
    vec![
        format!("{d}/{sha}.display.png"),
        format!("{d}/{sha}.png"),
        format!("{d}/{sha}.thumb.png"),
    ]
}

fn display_of(png: &[u8]) -> Vec<u8> {
    signboard::storage::images::prepare(png.to_vec(), 1 << 30)
        .unwrap()
        .display
}

impl TestApp {
    async fn submit_png(&self, token: &str, png: &[u8]) -> String {
        let resp = self
            .submit(token, form(&application(), vec![named(png, "d.png")]), None)
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(status, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    async fn first_attachment(&self, token: &str, id: &str) -> (u16, Vec<u8>) {
        let d = self.detail(token, id).await;
        let url = d["revisions"][0]["attachments"][0]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let resp = self.get(&url, Some(token)).await;
        let status = resp.status().as_u16();
        (status, resp.bytes().await.unwrap().to_vec())
    }
}

backend_test!(an_upload_round_trips_through_the_store, |app| {
    let m = app.merchant("m").await;
    let png = png_bytes(900, 300);
    let id = app.submit_png(&m, &png).await;
    let sha = FileStore::sha256_hex(&png);
    assert_eq!(app.stored_keys().await, png_keys(&sha));
    let (status, bytes) = app.first_attachment(&m, &id).await;
    assert_eq!(status, 200);
    assert!(bytes == display_of(&png), "the display copy is served");
    let original = app
        .state
        .store
        .get(&sha, Variant::Original, "png")
        .await
        .unwrap();
    assert!(original == png, "the original is kept as uploaded");
    app.state.store.probe().await.unwrap();
});

backend_test!(
    two_applications_storing_one_image_share_its_objects,
    |app| {
        let m = app.merchant("m").await;
        let png = png_bytes(700, 350);
        let (a, b) = tokio::join!(app.submit_png(&m, &png), app.submit_png(&m, &png));
        let sha = FileStore::sha256_hex(&png);
        assert_eq!(app.stored_keys().await, png_keys(&sha));
        for id in [a, b] {
            let (status, bytes) = app.first_attachment(&m, &id).await;
            assert_eq!(status, 200);
            assert!(bytes == display_of(&png));
        }
        assert_eq!(app.count("attachments"), 2);
    }
);

backend_test!(a_missing_object_reads_as_not_found, |app| {
    let m = app.merchant("m").await;
    let png = png_bytes(640, 320);
    let id = app.submit_png(&m, &png).await;
    let sha = FileStore::sha256_hex(&png);
    let key = FileStore::key(&sha, Variant::Display, "png").unwrap();
    app.state.store.delete(&key).await.unwrap();
    let (status, bytes) = app.first_attachment(&m, &id).await;
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, error_code(&v).as_str()), (404, "not_found"));
});

impl TestApp {
    async fn resubmit_png(&self, token: &str, id: &str, png: &[u8]) -> u16 {
        let f = form(&application(), vec![named(png, "r.png")]).part(
            "transition",
            Part::text(json!({"action": "resubmit", "expected_version": 2}).to_string()),
        );
        let resp = self
            .client
            .post(self.url(&format!("/api/v1/applications/{id}/transitions")))
            .bearer_auth(token)
            .multipart(f)
            .send()
            .await
            .unwrap();
        let (status, v) = body(resp).await;
        assert!(status == 200 || status == 409, "{status}: {v}");
        status.as_u16()
    }
}

backend_test!(a_lost_write_removes_the_objects_it_created, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    let mut expected = Vec::new();
    for round in 0..6u32 {
        let base = png_bytes(500 + round, 250);
        let id = app.submit_png(&m, &base).await;
        let items = json!({"action": "request_changes", "expected_version": 1,
                           "items": [{"message": "请补充夜间效果图"}]});
        let (status, v) = body(app.transition(&rev, &id, &items).await).await;
        assert_eq!(status, 200, "{v}");
        // Two resubmissions race: the loser is refused before storing or, once it stored
        // its image, by the transaction; either way its image must not stay behind.
        let (a, b) = (png_bytes(600 + round, 300), png_bytes(700 + round, 350));
        let (ra, rb) = tokio::join!(app.resubmit_png(&m, &id, &a), app.resubmit_png(&m, &id, &b));
        let winner = match (ra, rb) {
            (200, 409) => &a,
            (409, 200) => &b,
            other => panic!("round {round}: {other:?}"),
        };
        expected.extend(png_keys(&FileStore::sha256_hex(&base)));
        expected.extend(png_keys(&FileStore::sha256_hex(winner)));
    }
    expected.sort();
    assert_eq!(app.stored_keys().await, expected);
});

/// S3 storage on a port nothing listens on.
fn unreachable_s3() -> StorageConfig {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    StorageConfig {
        url: Some(StorageUrl::S3 {
            bucket: "down".into(),
            prefix: "x".into(),
        }),
        s3_endpoint: Some(format!("http://127.0.0.1:{port}")),
        s3_region: Some("us-east-1".into()),
        s3_path_style: true,
        s3_access_key_id: Some("test".into()),
        s3_secret_access_key: Some("test".into()),
    }
}

backend_test!(
    an_upload_while_the_store_is_down_answers_503_and_stores_no_row,
    config = |c: &mut Config| c.storage = unreachable_s3(),
    |app| {
        let m = app.merchant("m").await;
        let resp = app
            .submit(
                &m,
                form(&application(), vec![named(&png_bytes(600, 300), "d.png")]),
                None,
            )
            .await;
        let retry_after = resp.headers().get("Retry-After").cloned();
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (503, "storage_unavailable"),
            "{v}"
        );
        assert!(v["error"]["message"].as_str().unwrap().contains("文件存储"));
        assert!(retry_after.is_some());
        assert_eq!(app.count("applications"), 0);
        assert_eq!(app.count("attachments"), 0);
        assert!(app.state.store.probe().await.is_err());
    }
);

/// `signboard storage check` on the app's database and store.
fn check_command(app: &TestApp) -> (bool, String) {
    let url = match &app.database {
        DbUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DbUrl::Postgres(url) => url.clone(),
    };
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_signboard"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") || k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.args(["storage", "check"])
        .env("SIGNBOARD_DATABASE_URL", url)
        .env("SIGNBOARD_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "warn");
    if let Some(endpoint) = crate::helpers::s3_url() {
        c.env("SIGNBOARD_STORAGE_URL", app.state.store.url().to_string())
            .env("SIGNBOARD_S3_ENDPOINT", endpoint)
            .env("SIGNBOARD_S3_REGION", "us-east-1")
            .env("SIGNBOARD_S3_PATH_STYLE", "true")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test");
    }
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

backend_test!(storage_check_reports_missing_objects_and_orphans, |app| {
    let m = app.merchant("m").await;
    let png = png_bytes(610, 305);
    app.submit_png(&m, &png).await;
    let (ok, out) = check_command(&app);
    assert!(ok, "{out}");
    assert!(
        out.contains("3 referenced object(s), 0 missing, 0 orphan(s)"),
        "{out}"
    );

    let sha = FileStore::sha256_hex(&png);
    let thumb = FileStore::key(&sha, Variant::Thumb, "png").unwrap();
    app.state.store.delete(&thumb).await.unwrap();
    let orphan = signboard::storage::images::prepare(png_bytes(300, 150), 1 << 30).unwrap();
    app.state.store.put(&orphan).await.unwrap();
    let (ok, out) = check_command(&app);
    assert!(!ok, "a missing object fails the check: {out}");
    assert!(out.contains(&format!("missing {thumb}")), "{out}");
    for key in png_keys(&orphan.sha256) {
        assert!(out.contains(&format!("orphan {key}")), "{out}");
    }
    assert!(
        out.contains("3 referenced object(s), 1 missing, 3 orphan(s)"),
        "{out}"
    );
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_store_is_the_data_dirs_files_folder() {
    let app =
        crate::helpers::spawn_tweaked(Backend::Sqlite, |c| c.storage = Default::default()).await;
    let m = app.merchant("m").await;
    let png = png_bytes(400, 200);
    app.submit_png(&m, &png).await;
    let sha = FileStore::sha256_hex(&png);
    let on_disk = app
        .data_dir
        .join("files")
        .join(&sha[..2])
        .join(format!("{sha}.png"));
    assert!(std::fs::read(on_disk).unwrap() == png);
}
