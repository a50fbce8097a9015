//! The real binary as separate processes (several replicas, restarts, signals): a
//! `signboard serve` per [`Server`], killed when dropped, and the calls the tests make on it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{application, form, png_part, ADMIN_PASSWORD};

/// The token secret and signing key every process of one test shares (replicas must).
pub const JWT_SECRET: &str = "process-test-secret-process-test-secret";
pub const SIGNING_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/// A `signboard serve` process; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with no `SIGNBOARD_*` setting of the test's environment.
pub fn signboard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_signboard"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") {
            c.env_remove(k);
        }
    }
    c
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `signboard serve` on a free port with the shared secrets, one worker, `env` on top; its log
/// in `data_dir/server-PORT.log`. Answers once `/healthz` does.
pub async fn start(data_dir: &Path, env: &[(&str, String)]) -> Server {
    let port = free_port();
    let log = std::fs::File::create(data_dir.join(format!("server-{port}.log"))).unwrap();
    let child = signboard()
        .arg("serve")
        .env("SIGNBOARD_BIND", format!("127.0.0.1:{port}"))
        .env("SIGNBOARD_DATA_DIR", data_dir)
        .env("SIGNBOARD_FONTS_DIR", root().join("fonts"))
        .env("SIGNBOARD_STATIC_DIR", root().join("static"))
        .env("SIGNBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("SIGNBOARD_JWT_SECRET", JWT_SECRET)
        .env("SIGNBOARD_SIGNING_KEY", SIGNING_KEY)
        .env("SIGNBOARD_WORKERS", "1")
        .env("SIGNBOARD_DB_POOL", "4")
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v)))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
    };
    let start = std::time::Instant::now();
    loop {
        let up = server
            .client
            .get(format!("{}/healthz", server.base))
            .send()
            .await;
        if up.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "server did not start: {}",
            std::fs::read_to_string(data_dir.join(format!("server-{port}.log"))).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Server {
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }

    /// GET of a path under the service (`/api/v1/...` or a page), with the status and bytes.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        (resp.status(), resp.bytes().await.unwrap().to_vec())
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let (status, bytes) = self.get(path, token).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let creds = json!({"username": username, "password": password});
        let (status, v) = self.post("/auth/login", None, &creds).await;
        assert_eq!(status, 200, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    pub async fn official(&self, admin: &str, name: &str, role: &str) -> String {
        let user = json!({"username": name, "password": "official-pass",
                          "display_name": name, "role": role});
        let (status, v) = self.post("/users", Some(admin), &user).await;
        assert_eq!(status, 201, "{v}");
        self.login(name, "official-pass").await
    }

    pub async fn merchant(&self, name: &str) -> String {
        let user = json!({"username": name, "password": "merchant-pass",
                          "display_name": "商户", "phone": "13800000000"});
        let (status, v) = self.post("/auth/register", None, &user).await;
        assert_eq!(status, 201, "{v}");
        self.login(name, "merchant-pass").await
    }

    /// Submits the standard application with a 1600×400 PNG design; its id.
    pub async fn submit(&self, token: &str) -> String {
        let resp = self
            .client
            .post(format!("{}/api/v1/applications", self.base))
            .bearer_auth(token)
            .multipart(form(&application(), vec![png_part(1600, 400)]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        let v: Value = resp.json().await.unwrap();
        v["id"].as_str().unwrap().to_owned()
    }

    pub async fn act(&self, token: &str, id: &str, action: &str, version: i64) {
        let req = json!({"action": action, "expected_version": version});
        let (status, v) = self
            .post(
                &format!("/applications/{id}/transitions"),
                Some(token),
                &req,
            )
            .await;
        assert_eq!(status, 200, "{action}: {v}");
    }
}
