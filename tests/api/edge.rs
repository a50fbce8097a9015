//! The HTTP edge: stalled and truncated bodies, and caching of signed-in answers.

use crate::backend_test;
use crate::helpers::{application, body, error_code, spawn_with, test_config, TestApp};
use signboard::db::DbUrl;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A server whose request bodies time out after one second of silence.
async fn impatient_server() -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let mut config = test_config(&data_dir, DbUrl::Sqlite(data_dir.join("signboard.db")));
    config.body_timeout = Duration::from_secs(1);
    spawn_with(config, tmp, None).await
}

/// Sends `head` and `body` on a raw connection, leaves it open (or half-closes it when
/// `finish`), and returns the status and JSON body of the answer, or panics when none comes
/// within 30 s.
async fn raw(app: &TestApp, head: String, body: Vec<u8>, finish: bool) -> (u16, serde_json::Value) {
    let addr = app.base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&body).unwrap();
        if finish {
            s.shutdown(std::net::Shutdown::Write).unwrap();
        }
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
                Err(e) if answer.is_empty() => panic!("no answer: {e}"),
                Err(_) => break,
            }
            if complete(&answer) {
                break;
            }
        }
        let text = String::from_utf8_lossy(&answer).into_owned();
        let status: u16 = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not HTTP: {text}"));
        let json = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let value = serde_json::from_str(json).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    })
    .await
    .unwrap()
}

/// Whether a response with a `content-length` has fully arrived.
fn complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .is_some_and(|n| body.len() >= n)
}

fn multipart_head(token: &str, length: Option<usize>) -> String {
    let length = match length {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".into(),
    };
    format!(
        "POST /api/v1/applications HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\n{length}\r\n"
    )
}

/// One whole `application` part, without the closing boundary.
fn application_part() -> Vec<u8> {
    format!(
        "--XYZ\r\nContent-Disposition: form-data; name=\"application\"\r\n\r\n{}\r\n",
        application()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_answers_408_and_a_truncated_one_400() {
    let app = impatient_server().await;
    let m = app.merchant("m").await;
    let part = application_part();

    // Stalled: the declared length never arrives and the connection stays open.
    let (status, v) = raw(
        &app,
        multipart_head(&m, Some(part.len() + 5000)),
        part.clone(),
        false,
    )
    .await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (408, "body_timeout"),
        "{v}"
    );
    // The same for a JSON body.
    let head = "POST /api/v1/check HTTP/1.1\r\nHost: localhost\r\n\
                Content-Type: application/json\r\nContent-Length: 500\r\n\r\n";
    let (status, v) = raw(&app, head.into(), b"{\"sign\":".to_vec(), false).await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (408, "body_timeout"),
        "{v}"
    );
    // And for a transition's JSON body.
    let head = format!(
        "POST /api/v1/applications/x/transitions HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {m}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    );
    let (status, v) = raw(&app, head, b"{\"action\":".to_vec(), false).await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (408, "body_timeout"),
        "{v}"
    );

    // Complete as HTTP but without the closing boundary: with a length, chunked, and cut off
    // by the client closing its side.
    let (status, v) = raw(
        &app,
        multipart_head(&m, Some(part.len())),
        part.clone(),
        false,
    )
    .await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (400, "invalid_multipart"),
        "{v}"
    );
    let mut chunked = format!("{:x}\r\n", part.len()).into_bytes();
    chunked.extend_from_slice(&part);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let (status, v) = raw(&app, multipart_head(&m, None), chunked, false).await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (400, "invalid_multipart"),
        "{v}"
    );
    let (status, v) = raw(
        &app,
        multipart_head(&m, Some(part.len() + 5000)),
        part,
        true,
    )
    .await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (400, "invalid_multipart"),
        "{v}"
    );
    assert_eq!(app.count("applications"), 0);

    // The server still answers normally.
    let (status, _) = body(app.get("/api/v1/me", Some(&m)).await).await;
    assert_eq!(status, 200);
}

backend_test!(signed_in_json_is_never_cached, |app| {
    let m = app.merchant("m").await;
    let admin = app.admin().await;
    let id = app.submit_ok(&m, &application()).await;
    let attachment = app.detail(&m, &id).await["revisions"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}),
        )
        .await;
    let mut answers = vec![("login".to_owned(), login)];
    for (path, token) in [
        ("/api/v1/me".to_owned(), &m),
        ("/api/v1/applications".to_owned(), &m),
        (format!("/api/v1/applications/{id}"), &m),
        (format!("/api/v1/applications/{id}"), &admin),
        ("/api/v1/users".to_owned(), &admin),
        ("/api/v1/applications/nope".to_owned(), &m),
    ] {
        answers.push((path.clone(), app.get(&path, Some(token)).await));
    }
    for (what, resp) in answers {
        assert_eq!(
            resp.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}"
        );
    }
    // Images keep their own (private) caching.
    let resp = app.get(&attachment, Some(&m)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("cache-control").unwrap(),
        "private, max-age=3600"
    );
});
