//! The real binary stopped by SIGTERM during a slow upload: readiness goes at once, the upload
//! in flight completes (201, its row committed), the process exits 0; its JSON log lines
//! carry the request id the answer returned.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{application, png_bytes, ADMIN_PASSWORD};
use diesel::prelude::*;
use signboard::db::schema::applications;
use signboard::db::{Db, DbUrl};

/// A `signboard serve` process; killed when dropped if still running.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data_dir: &Path) -> Server {
    let port = free_port();
    let log = data_dir.join("server.log");
    std::fs::create_dir_all(data_dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_signboard"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    let child = cmd
        .arg("serve")
        .env("SIGNBOARD_BIND", format!("127.0.0.1:{port}"))
        .env(
            "SIGNBOARD_DATABASE_URL",
            format!("sqlite://{}", data_dir.join("db.sqlite").display()),
        )
        .env("SIGNBOARD_DATA_DIR", data_dir)
        .env("SIGNBOARD_FONTS_DIR", root().join("fonts"))
        .env("SIGNBOARD_STATIC_DIR", root().join("static"))
        .env("SIGNBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env(
            "SIGNBOARD_JWT_SECRET",
            "shutdown-test-secret-shutdown-test-secret",
        )
        .env("SIGNBOARD_WORKERS", "1")
        .env("SIGNBOARD_SHUTDOWN_GRACE", "20")
        .env("SIGNBOARD_LOG_FORMAT", "json")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server { child, port, log };
    let started = Instant::now();
    while request(port, "GET", "/healthz", &[], b"").is_none_or(|r| r.status != 200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

struct Answer {
    status: u16,
    headers: String,
    body: String,
}

fn read_answer(mut stream: TcpStream) -> Option<Answer> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Answer {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_owned(),
    })
}

fn head(method: &str, path: &str, headers: &[(&str, String)], len: usize) -> String {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h + &format!("Content-Length: {len}\r\n\r\n")
}

/// One request on a new connection; `None` when the connection is refused or breaks.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Option<Answer> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(head(method, path, headers, body.len()).as_bytes())
        .ok()?;
    s.write_all(body).ok()?;
    read_answer(s)
}

fn json_body(a: &Answer) -> Value {
    let body = a.body.trim();
    // A chunked answer: the JSON is between the chunk sizes.
    let start = body.find('{').unwrap_or(0);
    let end = body.rfind('}').map_or(body.len(), |i| i + 1);
    serde_json::from_str(&body[start..end]).unwrap_or(Value::Null)
}

fn merchant_token(port: u16) -> String {
    let json_header = [("Content-Type", "application/json".to_owned())];
    let creds = json!({"username": "slow_m", "password": "merchant-pass",
                       "display_name": "商户", "phone": "13800000000"});
    let reg = request(
        port,
        "POST",
        "/api/v1/auth/register",
        &json_header,
        creds.to_string().as_bytes(),
    );
    assert_eq!(reg.map(|a| a.status), Some(201));
    let login = json!({"username": "slow_m", "password": "merchant-pass"});
    let a = request(
        port,
        "POST",
        "/api/v1/auth/login",
        &json_header,
        login.to_string().as_bytes(),
    )
    .unwrap();
    json_body(&a)["token"].as_str().unwrap().to_owned()
}

fn multipart(boundary: &str) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"application\"\r\n\
         Content-Type: application/json\r\n\r\n{}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"design\"; filename=\"d.png\"\r\n\
         Content-Type: image/png\r\n\r\n",
        application()
    )
    .into_bytes();
    body.extend(png_bytes(1600, 400));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    body
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn sigterm_during_a_slow_upload_finishes_it_and_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut server = start(&data);
    let token = merchant_token(server.port);
    let boundary = "slowuploadboundary7MA4YWxkTrZu0gW";
    let body = multipart(boundary);
    let headers = [
        ("Authorization", format!("Bearer {token}")),
        (
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        ),
        ("X-Request-Id", "slow-upload-1".to_owned()),
    ];
    let mut upload = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    upload
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    upload
        .write_all(head("POST", "/api/v1/applications", &headers, body.len()).as_bytes())
        .unwrap();
    // The body in 10 pieces over about 2 s; SIGTERM after the third.
    let pieces: Vec<&[u8]> = body.chunks(body.len().div_ceil(10)).collect();
    for (i, piece) in pieces.iter().enumerate() {
        upload.write_all(piece).unwrap();
        upload.flush().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        if i == 2 {
            let kill = Command::new("kill")
                .args(["-TERM", &server.child.id().to_string()])
                .status()
                .unwrap();
            assert!(kill.success());
            std::thread::sleep(Duration::from_millis(300));
            // No longer ready: a new connection is refused (or, if it got in, told 503).
            let probe = request(server.port, "GET", "/readyz", &[], b"");
            assert!(
                probe.as_ref().is_none_or(|a| a.status == 503),
                "{:?}",
                probe.map(|a| a.status)
            );
            assert!(
                server.child.try_wait().unwrap().is_none(),
                "exited before the upload ended"
            );
        }
    }
    let answer = read_answer(upload).expect("the upload is answered");
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert!(
        answer.headers.contains("x-request-id: slow-upload-1"),
        "{}",
        answer.headers
    );
    let status = wait_exit(&mut server.child, Duration::from_secs(25)).expect("process exits");
    assert_eq!(status.code(), Some(0));
    // The row is committed.
    let db = Db::connect(&DbUrl::Sqlite(data.join("db.sqlite")), 1).unwrap();
    let id = json_body(&answer)["id"].as_str().unwrap().to_owned();
    let mut conn = db.get().unwrap();
    let stored: i64 = applications::table
        .filter(applications::id.eq(&id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(stored, 1, "application {id} stored");
    json_logs_carry_the_request_id(&server.log, "slow-upload-1");
}

/// Every line of the log is one JSON object; the upload's access-log line carries its id,
/// route pattern and status.
fn json_logs_carry_the_request_id(log: &Path, id: &str) {
    let text = std::fs::read_to_string(log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 3, "{text}");
    let access = lines
        .iter()
        .find(|l| l["request_id"] == id && l["message"] == "request")
        .unwrap_or_else(|| panic!("no access line for {id}:\n{text}"));
    assert_eq!(access["route"], "/api/v1/applications");
    assert_eq!(access["status"], 201);
    assert!(lines.iter().any(|l| l["message"] == "stopped"), "{text}");
}
