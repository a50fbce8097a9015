//! A webhook receiver for the notification tests: a real actix server on `127.0.0.1:0` that
//! records every request and answers as the test's plan says (a status, or no answer in time).
//! Signatures are checked here with an HMAC computed independently of the service's code.

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The signing key of the tests, and the secret setting that carries it.
pub const KEY: [u8; 32] = [0x42; 32];

pub fn secret() -> String {
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(KEY)
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    /// Holds the request far longer than any sender waits.
    Hang,
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Hit {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    /// What it was answered (`None`: held, never answered).
    pub answered: Option<u16>,
}

impl Hit {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// Whether the signature is `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
    pub fn signature_verifies(&self, key: &[u8]) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        self.signature
            .split(' ')
            .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
    }
}

type Plan = Box<dyn Fn(&str, usize) -> Answer + Send + Sync>;

struct Inner {
    hits: Mutex<Vec<Hit>>,
    plan: Mutex<Plan>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Inner>,
}

fn header(req: &HttpRequest, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn receive(req: HttpRequest, body: web::Bytes, inner: web::Data<Inner>) -> HttpResponse {
    let hit = Hit {
        id: header(&req, "webhook-id"),
        timestamp: header(&req, "webhook-timestamp"),
        signature: header(&req, "webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
        answered: None,
    };
    let kind = serde_json::from_str::<serde_json::Value>(&hit.body)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let answer = {
        let mut hits = inner.hits.lock().unwrap();
        let nth = hits.iter().filter(|h| h.id == hit.id).count() + 1;
        let answer = (inner.plan.lock().unwrap())(&kind, nth);
        let mut hit = hit;
        if let Answer::Status(s) = answer {
            hit.answered = Some(s);
        }
        hits.push(hit);
        answer
    };
    match answer {
        Answer::Status(s) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(s).unwrap()).finish()
        }
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            HttpResponse::InternalServerError().finish()
        }
    }
}

impl Receiver {
    /// A receiver answering by `plan(type, nth request of this id)`.
    pub fn start(plan: impl Fn(&str, usize) -> Answer + Send + Sync + 'static) -> Receiver {
        let inner = web::Data::new(Inner {
            hits: Mutex::new(Vec::new()),
            plan: Mutex::new(Box::new(plan)),
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let data = inner.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(2)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hook"),
            inner: inner.into_inner(),
        }
    }

    pub fn set_plan(&self, plan: impl Fn(&str, usize) -> Answer + Send + Sync + 'static) {
        *self.inner.plan.lock().unwrap() = Box::new(plan);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.inner.hits.lock().unwrap().clone()
    }

    /// Answered 2xx, per notification id.
    pub fn successes(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for h in self.hits() {
            if h.answered.is_some_and(|s| (200..300).contains(&s)) {
                *out.entry(h.id).or_insert(0) += 1;
            }
        }
        out
    }
}

/// Waits until `f()` holds, polling; panics with `what` after `limit`.
pub async fn eventually(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
