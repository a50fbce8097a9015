//! The real server on `127.0.0.1:0` with a fresh database per test: a temporary SQLite file,
//! or a fresh PostgreSQL database when `SIGNBOARD_TEST_POSTGRES_URL` is set.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use signboard::config::Config;
use signboard::db::{Db, DbConn, DbUrl};
use signboard::http::Clock;

pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const LICENSE: &str = "91350100M000100Y43";
pub const MN: &str = "ᠨᠠᠢᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ ᠶᠢᠨ ᠲᠥᠪ";
pub const ZH: &str = "奈曼旗民族商贸城";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A clock the test can set; it reads the real time until set.
#[derive(Default)]
pub struct TestClock(Mutex<Option<DateTime<Utc>>>);

impl TestClock {
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = Some(at);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().unwrap().unwrap_or_else(Utc::now)
    }
}

pub struct TestApp {
    pub base: String,
    /// The running service's state (tests reach into it, e.g. to fill the hashing gate).
    pub state: actix_web::web::Data<signboard::http::AppState>,
    pub client: reqwest::Client,
    pub clock: Arc<TestClock>,
    pub data_dir: PathBuf,
    pub db: Db,
    pub database: DbUrl,
    _tmp: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn postgres_url() -> Option<String> {
    std::env::var("SIGNBOARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

pub fn fresh_postgres() -> (String, PgDatabase) {
    let admin_url = postgres_url().expect("SIGNBOARD_TEST_POSTGRES_URL");
    let name = format!("signboard_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = diesel::PgConnection::establish(&admin_url)
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} does not answer: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap();
    let url = match admin_url.rfind('/') {
        Some(i) if admin_url[..i].contains("://") && i > admin_url.find("://").unwrap() + 2 => {
            format!("{}/{name}", &admin_url[..i])
        }
        _ => format!("{admin_url}/{name}"),
    };
    (url, PgDatabase { admin_url, name })
}

pub fn test_config(data_dir: &Path, database: DbUrl) -> Config {
    // Several replicas share one key: PostgreSQL refuses to start without it.
    let signing_key = matches!(database, DbUrl::Postgres(_))
        .then(|| "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned());
    Config {
        bind: "127.0.0.1:0".into(),
        database,
        data_dir: data_dir.to_path_buf(),
        fonts_dir: root().join("fonts"),
        static_dir: root().join("static"),
        jwt_secret: Some("test-secret-test-secret-test-secret!".into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        timezone: chrono_tz::Asia::Shanghai,
        approval_prefix: "奈民委牌审".into(),
        rules_profile: None,
        calendar_dir: None,
        db_pool: 8,
        workers: 2,
        decode_memory_mb: 512,
        decode_wait: std::time::Duration::from_secs(5),
        sweep_interval: Some(std::time::Duration::from_secs(3600)),
        body_timeout: std::time::Duration::from_secs(30),
        glyph_cache_mb: signboard::render::DEFAULT_GLYPH_CACHE_MB,
        argon2_memory_kib: 256,
        // Tests register many merchants from one address.
        accounts: signboard::auth::service::AccountSettings {
            register_limit: 1000,
            ..Default::default()
        },
        notify: signboard::notify::NotifySettings {
            poll: std::time::Duration::from_millis(50),
            ..Default::default()
        },
        office_name: "奈曼旗民族事务委员会".into(),
        public_url: "http://127.0.0.1:8080".into(),
        signing_key,
        exact_total_limit: 10_000,
        shutdown_grace: std::time::Duration::from_secs(30),
        log_format: signboard::config::LogFormat::Text,
        metrics_token: None,
        trusted_proxies: Vec::new(),
        migrate_on_start: true,
        storage: match s3_url() {
            Some(endpoint) => s3_storage(&endpoint, S3_TEST_BUCKET),
            None => Default::default(),
        },
    }
}

/// `SIGNBOARD_TEST_S3_URL` (e.g. `http://127.0.0.1:5123`, moto): every test app then keeps
/// its uploads under a fresh prefix of one bucket there.
pub fn s3_url() -> Option<String> {
    std::env::var("SIGNBOARD_TEST_S3_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

pub const S3_TEST_BUCKET: &str = "signboard-test";

/// S3 storage at `endpoint` (created if needed) under a fresh prefix; moto takes any keys.
pub fn s3_storage(endpoint: &str, bucket: &str) -> signboard::storage::StorageConfig {
    create_bucket(endpoint, bucket);
    signboard::storage::StorageConfig {
        url: Some(signboard::storage::StorageUrl::S3 {
            bucket: bucket.to_owned(),
            prefix: format!("t{}", uuid::Uuid::new_v4().simple()),
        }),
        s3_endpoint: Some(endpoint.to_owned()),
        s3_region: Some("us-east-1".into()),
        s3_path_style: true,
        s3_access_key_id: Some("test".into()),
        s3_secret_access_key: Some("test".into()),
    }
}

/// Creates a bucket on an S3 test server (moto takes unsigned requests); one that exists is
/// fine. Plain HTTP on a socket, so no S3 client is needed here.
fn create_bucket(endpoint: &str, bucket: &str) {
    use std::io::{Read, Write};
    static CREATED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut created = CREATED.lock().unwrap_or_else(|e| e.into_inner());
    let id = format!("{endpoint}/{bucket}");
    if created.contains(&id) {
        return;
    }
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut socket = std::net::TcpStream::connect(host)
        .unwrap_or_else(|e| panic!("S3 at {endpoint} does not answer: {e}"));
    write!(
        socket,
        "PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") || answer.contains("BucketAlreadyOwnedByYou"),
        "creating bucket {bucket}: {answer}"
    );
    created.push(id);
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_tuned(backend, |_| {}).await
}

/// The server on a fresh database, its test configuration changed by `tune` first.
pub async fn spawn_tuned(backend: Backend, tune: impl FnOnce(&mut Config)) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let (database, pg) = match backend {
        Backend::Sqlite => (DbUrl::Sqlite(data_dir.join("signboard.db")), None),
        Backend::Postgres => {
            let (url, guard) = fresh_postgres();
            (DbUrl::Postgres(url), Some(guard))
        }
    };
    let mut config = test_config(&data_dir, database);
    tune(&mut config);
    spawn_with(config, tmp, pg).await
}

/// Like [`spawn`], with the test configuration changed by `tweak` first.
pub async fn spawn_tweaked(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let (database, pg) = match backend {
        Backend::Sqlite => (DbUrl::Sqlite(data_dir.join("signboard.db")), None),
        Backend::Postgres => {
            let (url, guard) = fresh_postgres();
            (DbUrl::Postgres(url), Some(guard))
        }
    };
    let mut config = test_config(&data_dir, database);
    tweak(&mut config);
    spawn_with(config, tmp, pg).await
}

/// The server for a given configuration; `tmp` (and the PostgreSQL database) live as long as
/// the returned app.
pub async fn spawn_with(config: Config, tmp: tempfile::TempDir, pg: Option<PgDatabase>) -> TestApp {
    let data_dir = config.data_dir.clone();
    let database = config.database.clone();
    let clock = Arc::new(TestClock::default());
    let services = signboard::prepare(config, clock.clone()).expect("service prepares");
    let db = services.state.db.clone();
    let state = services.state.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = signboard::serve(services, listener).unwrap();
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        state,
        client: reqwest::Client::new(),
        clock,
        data_dir,
        db,
        database,
        _tmp: tmp,
        _pg: pg,
    }
}

/// Defines a test that runs on SQLite and, when `SIGNBOARD_TEST_POSTGRES_URL` is set, on
/// PostgreSQL.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, config = $tweak:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::helpers::{spawn_tweaked, Backend, TestApp};

            async fn run($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(spawn_tweaked(Backend::Sqlite, $tweak).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: PostgreSQL run skipped");
                    return;
                }
                run(spawn_tweaked(Backend::Postgres, $tweak).await).await
            }
        }
    };
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::helpers::{spawn, Backend, TestApp};

            async fn run($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(spawn(Backend::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: PostgreSQL run skipped");
                    return;
                }
                run(spawn(Backend::Postgres).await).await
            }
        }
    };
}

pub async fn body(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// Asserts the error shape and returns the code.
pub fn error_code(v: &Value) -> String {
    let e = &v["error"];
    assert!(e["code"].is_string(), "no error code in {v}");
    let message = e["message"].as_str().unwrap_or_default();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        "message is not Chinese: {v}"
    );
    e["code"].as_str().unwrap().to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn conn(&self) -> signboard::db::Conn {
        self.db.get().unwrap()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let resp = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": username, "password": password}),
            )
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(status, 200, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Registers a merchant (`name` gets a suffix to meet the username rules) and logs in.
    pub async fn merchant(&self, name: &str) -> String {
        let username = format!("{name}_u");
        let username = username.as_str();
        let resp = self
            .post_json(
                "/api/v1/auth/register",
                None,
                &json!({"username": username, "password": "merchant-pass",
                        "display_name": "商户", "phone": "13800000000"}),
            )
            .await;
        assert_eq!(resp.status(), 201);
        self.login(username, "merchant-pass").await
    }

    /// Creates an official through the admin API (`name` gets a suffix) and logs in.
    pub async fn official(&self, name: &str, role: &str) -> String {
        let username = format!("{name}_u");
        let username = username.as_str();
        let admin = self.admin().await;
        let resp = self
            .post_json(
                "/api/v1/users",
                Some(&admin),
                &json!({"username": username, "password": "official-pass",
                        "display_name": username, "role": role}),
            )
            .await;
        assert_eq!(resp.status(), 201);
        self.login(username, "official-pass").await
    }

    pub async fn submit(&self, token: &str, form: Form, key: Option<&str>) -> Response {
        let mut req = self
            .client
            .post(self.url("/api/v1/applications"))
            .bearer_auth(token)
            .multipart(form);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send().await.unwrap()
    }

    /// Submits a valid application and returns its id.
    pub async fn submit_ok(&self, token: &str, application: &Value) -> String {
        let resp = self
            .submit(token, form(application, vec![png_part(1600, 400)]), None)
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(status, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn transition(&self, token: &str, id: &str, body_json: &Value) -> Response {
        self.post_json(
            &format!("/api/v1/applications/{id}/transitions"),
            Some(token),
            body_json,
        )
        .await
    }

    pub async fn detail(&self, token: &str, id: &str) -> Value {
        let (status, v) = body(
            self.get(&format!("/api/v1/applications/{id}"), Some(token))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    pub async fn version(&self, token: &str, id: &str) -> i64 {
        self.detail(token, id).await["version"].as_i64().unwrap()
    }

    /// Takes an action at the current version and asserts it succeeded.
    pub async fn act(&self, token: &str, id: &str, action: &str, extra: Value) -> Value {
        let version = self.version(token, id).await;
        let mut req = json!({"action": action, "expected_version": version});
        if let (Some(obj), Some(more)) = (req.as_object_mut(), extra.as_object()) {
            obj.extend(more.clone());
        }
        let (status, v) = body(self.transition(token, id, &req).await).await;
        assert_eq!(status, 200, "{action}: {v}");
        v
    }

    /// The running counts equal a recount from the applications.
    pub fn assert_counts_consistent(&self) {
        let mut conn = self.conn();
        let running = signboard::stats::by_year(&mut conn).unwrap();
        let recounted = signboard::stats::recount(&mut conn).unwrap();
        assert_eq!(running, recounted);
        let on_time = signboard::stats::on_time(&mut conn).unwrap();
        let recounted = signboard::stats::recount_on_time(&mut conn).unwrap();
        assert_eq!(on_time, recounted);
    }

    /// The key of every object in the upload store, sorted (any backend).
    pub async fn stored_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .state
            .store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.location.to_string())
            .collect();
        keys.sort();
        keys
    }

    /// Every file under the local upload store (temporary files included).
    pub fn stored_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p, out);
                    } else {
                        out.push(p);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.join("files"), &mut out);
        out
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        let conn: &mut DbConn = &mut conn;
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let rows: Vec<N> = match conn {
            DbConn::Sqlite(c) => diesel::sql_query(sql).load(c).unwrap(),
            DbConn::Postgres(c) => diesel::sql_query(sql).load(c).unwrap(),
        };
        rows[0].n
    }
}

/// The `application` JSON of a valid submission.
pub fn application() -> Value {
    json!({
        "shop_name": "奈曼旗民族商贸城",
        "license_no": LICENSE,
        "address": "大沁他拉镇团结路 8 号",
        "township": "大沁他拉镇",
        "phone": "0475-4212345",
        "sign": {"kind": "shop_plaque", "width_mm": 6000, "height_mm": 1500,
                 "arrangement": "horizontal", "material": "acrylic", "illuminated": true},
        "texts": {"mn": MN, "zh": ZH},
        "translation_requested": false
    })
}

/// An application asking the commission to translate.
pub fn application_for_translation() -> Value {
    let mut a = application();
    a["texts"]["mn"] = json!("");
    a["translation_requested"] = json!(true);
    a
}

pub fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn png_part(w: u32, h: u32) -> Part {
    Part::bytes(png_bytes(w, h))
        .file_name("design.png")
        .mime_str("image/png")
        .unwrap()
}

pub fn form(application: &Value, designs: Vec<Part>) -> Form {
    let mut f = Form::new().part(
        "application",
        Part::text(application.to_string())
            .mime_str("application/json")
            .unwrap(),
    );
    for d in designs {
        f = f.part("design", d);
    }
    f
}
