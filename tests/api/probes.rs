//! Liveness, readiness, the request id and the Prometheus metrics, in process.

use serde_json::json;
use std::collections::BTreeMap;

use crate::backend_test;
use crate::helpers::{application, body, error_code, png_bytes, TestApp};

/// One sample of the exposition: its name, its labels and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Parses the Prometheus text format (0.0.4): `# HELP`/`# TYPE` lines, and samples
/// `name{label="value",…} number`. Panics on any line that is neither.
pub fn parse_exposition(text: &str) -> Vec<Sample> {
    let mut types = BTreeMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut words = rest.splitn(3, ' ');
            let (kind, name) = (words.next().unwrap(), words.next().unwrap());
            assert!(["HELP", "TYPE"].contains(&kind), "{line}");
            assert!(valid_name(name), "{line}");
            if kind == "TYPE" {
                let t = words.next().unwrap();
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&t),
                    "{line}"
                );
                types.insert(name.to_owned(), t.to_owned());
            }
            continue;
        }
        let sample = parse_sample(line);
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| sample.name.strip_suffix(s))
            .filter(|base| types.get(*base).is_some_and(|t| t == "histogram"))
            .unwrap_or(&sample.name)
            .to_owned();
        assert!(types.contains_key(&family), "no TYPE for {line}");
        samples.push(sample);
    }
    samples
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn parse_sample(line: &str) -> Sample {
    let (head, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
    let value: f64 = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().unwrap_or_else(|_| panic!("value of {line}")),
    };
    let (name, labels) = match head.split_once('{') {
        None => (head, BTreeMap::new()),
        Some((name, rest)) => (name, parse_labels(rest.strip_suffix('}').unwrap(), line)),
    };
    assert!(valid_name(name), "{line}");
    Sample {
        name: name.to_owned(),
        labels,
        value,
    }
}

/// `a="x",b="y\"z"` → {a: x, b: y"z}.
fn parse_labels(mut rest: &str, line: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
        assert!(valid_name(key), "{line}");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c)) => value.push(c),
                    None => panic!("{line}"),
                },
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => panic!("unterminated label in {line}"),
            }
        };
        out.insert(key.to_owned(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    out
}

/// The value of the sample `name` whose labels include `labels` (0 when absent).
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

async fn scrape(app: &TestApp) -> Vec<Sample> {
    let resp = app.get("/metrics", None).await;
    assert_eq!(resp.status(), 200);
    let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    parse_exposition(&resp.text().await.unwrap())
}

const REQUESTS: &str = "signboard_http_requests_total";

backend_test!(
    health_and_readiness_answer_and_readiness_turns_503,
    // Takes the store's folder away: the local backend whatever the suite's backend.
    config = |c: &mut signboard::config::Config| c.storage = Default::default(),
    |app| {
        let (status, v) = body(app.get("/healthz", None).await).await;
        assert_eq!((status.as_u16(), v), (200, json!({"status": "ok"})));
        let (status, v) = body(app.get("/readyz", None).await).await;
        assert_eq!(
            (status.as_u16(), v),
            (
                200,
                json!({"status": "ready", "database": "ok", "storage": "ok"})
            )
        );
        // The file store gone: not ready, in the error shape, naming what is missing.
        let files = app.data_dir.join("files");
        let moved = app.data_dir.join("files-away");
        std::fs::rename(&files, &moved).unwrap();
        let (status, v) = body(app.get("/readyz", None).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (503, "not_ready")
        );
        assert_eq!(
            v["error"]["details"],
            json!({"database": "ok", "storage": "unavailable"})
        );
        std::fs::rename(&moved, &files).unwrap();
        assert_eq!(app.get("/readyz", None).await.status(), 200);
        // A shutdown has begun: 503 at once, while the process stays alive.
        app.state.lifecycle.begin_drain();
        let (status, v) = body(app.get("/readyz", None).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (503, "not_ready")
        );
        assert_eq!(v["error"]["details"]["shutting_down"], json!(true));
        assert_eq!(app.get("/healthz", None).await.status(), 200);
    }
);

backend_test!(every_answer_carries_a_request_id, |app| {
    let mut seen = std::collections::BTreeSet::new();
    for path in [
        "/healthz",
        "/healthz",
        "/api/v1/rules",
        "/api/v1/nothing-here",
        "/",
    ] {
        let resp = app.get(path, None).await;
        let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{path}: {id}");
        assert!(seen.insert(id), "ids are unique");
    }
    let sent = |id: &'static str| {
        app.client
            .get(app.url("/healthz"))
            .header("X-Request-Id", id)
            .send()
    };
    let kept = sent("lb-7f3a.42:edge_1").await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-7f3a.42:edge_1");
    for bad in ["has space", "quote\"d", &*"x".repeat(65).leak()] {
        let replaced = sent(bad).await.unwrap();
        let id = replaced.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{bad:?} → {id}");
    }
});

backend_test!(metrics_count_requests_by_route_pattern, |app| {
    let before = scrape(&app).await;
    const N: usize = 7;
    for _ in 0..N {
        assert_eq!(app.get("/api/v1/rules", None).await.status(), 200);
    }
    let m = app.merchant("m").await;
    for id in ["a1", "b2", "c3"] {
        assert_eq!(
            app.get(&format!("/api/v1/applications/{id}"), Some(&m))
                .await
                .status(),
            404
        );
    }
    let after = scrape(&app).await;
    let rules = [
        ("method", "GET"),
        ("route", "/api/v1/rules"),
        ("status", "200"),
    ];
    let rose = value(&after, REQUESTS, &rules) - value(&before, REQUESTS, &rules);
    assert_eq!(rose, N as f64);
    // One series for the pattern, never the raw paths.
    let detail = [("route", "/api/v1/applications/{id}"), ("status", "404")];
    assert_eq!(value(&after, REQUESTS, &detail), 3.0);
    assert!(after.iter().all(|s| !s
        .labels
        .values()
        .any(|v| v.contains("a1") || v.contains("c3"))));
    // The latency histogram counts the same requests, its buckets cumulative up to +Inf.
    let count = value(
        &after,
        "signboard_http_request_duration_seconds_count",
        &rules,
    );
    assert_eq!(count, N as f64);
    let inf = [rules.as_slice(), &[("le", "+Inf")]].concat();
    assert_eq!(
        value(
            &after,
            "signboard_http_request_duration_seconds_bucket",
            &inf
        ),
        N as f64
    );
    // The pool and the notification backlog are there.
    assert!(value(&after, "signboard_db_pool_max_connections", &[]) >= 1.0);
    assert_eq!(
        value(&after, "signboard_notifications", &[("state", "dead")]),
        0.0
    );
    assert!(after.iter().any(|s| s.name == "signboard_notifications"
        && s.labels.get("state").map(String::as_str) == Some("pending")));
});

backend_test!(metrics_count_uploads_transitions_and_previews, |app| {
    let m = app.merchant("m").await;
    let png = png_bytes(1600, 400);
    let form = crate::helpers::form(
        &application(),
        vec![reqwest::multipart::Part::bytes(png.clone())
            .file_name("d.png")
            .mime_str("image/png")
            .unwrap()],
    );
    let (status, created) = body(app.submit(&m, form, None).await).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let a = application();
    let spec = json!({"sign": a["sign"], "texts": a["texts"], "translation_requested": false});
    let before = scrape(&app).await;
    for _ in 0..3 {
        let resp = app
            .post_json("/api/v1/preview?width_px=640", None, &spec)
            .await;
        assert_eq!(resp.status(), 200);
    }
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    app.act(&tr, &id, "confirm_translation", json!({})).await;
    app.act(&rev, &id, "approve", json!({"comment": "同意设置"}))
        .await;
    // A refused move commits nothing and counts nothing.
    let (status, _) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "approve", "expected_version": 1}),
        )
        .await,
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    let s = scrape(&app).await;
    assert_eq!(value(&s, "signboard_uploads_total", &[]), 1.0);
    assert_eq!(
        value(&s, "signboard_upload_bytes_total", &[]),
        png.len() as f64
    );
    let submit = value(
        &s,
        "signboard_workflow_transitions_total",
        &[("action", "submit")],
    );
    assert_eq!(submit, 1.0);
    for action in ["confirm_translation", "approve"] {
        let n = value(
            &s,
            "signboard_workflow_transitions_total",
            &[("action", action)],
        );
        assert_eq!(n, 1.0, "{action}");
    }
    // Three identical previews: drawn once, then twice from the cache; drawing used the
    // glyph cache.
    let rose = |name: &str| value(&s, name, &[]) - value(&before, name, &[]);
    assert_eq!(rose("signboard_previews_rendered_total"), 1.0);
    assert_eq!(rose("signboard_preview_cache_hits_total"), 2.0);
    let glyphs = value(&s, "signboard_glyph_cache_hits_total", &[])
        + value(&s, "signboard_glyph_cache_misses_total", &[]);
    assert!(glyphs > 0.0);
});

backend_test!(
    metrics_behind_a_token_when_one_is_set,
    config = |c: &mut signboard::config::Config| c.metrics_token = Some("scrape-token-1".into()),
    |app| {
        let (status, v) = body(app.get("/metrics", None).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (401, "unauthorized")
        );
        let (status, _) = body(app.get("/metrics", Some("wrong-token")).await).await;
        assert_eq!(status, 401);
        let resp = app.get("/metrics", Some("scrape-token-1")).await;
        assert_eq!(resp.status(), 200);
        let samples = parse_exposition(&resp.text().await.unwrap());
        assert!(
            value(
                &samples,
                REQUESTS,
                &[("route", "/metrics"), ("status", "401")]
            ) >= 2.0
        );
    }
);

#[test]
fn the_parser_reads_escapes_and_refuses_garbage() {
    let text = "# HELP x_total a\n# TYPE x_total counter\nx_total{a=\"q\\\"u\",b=\"2\"} 3\n";
    let s = parse_exposition(text);
    assert_eq!(s[0].labels["a"], "q\"u");
    assert_eq!(s[0].value, 3.0);
    let garbage = std::panic::catch_unwind(|| parse_exposition("x_total{a=1} 2\n"));
    assert!(garbage.is_err());
}
