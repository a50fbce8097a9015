//! The API description lists exactly the served routes.

/// The one route list registers API routes only through `service(handler)`, which does not
/// compile for a handler without `#[utoipa::path]`; a plain `route(…)` or `resource(…)` would
/// serve a path the description does not know. Only the 405 fallbacks of `/healthz`,
/// `/readyz` and `/metrics` may use `route`.
#[test]
fn routes_are_registered_only_where_they_are_documented() {
    let src =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/mod.rs")).unwrap();
    let start = src.find("pub fn routes(").unwrap();
    let body = &src[start..start + src[start..].find("\n}\n").unwrap()];
    let routes: Vec<&str> = body.matches(".route(").collect();
    assert_eq!(routes.len(), 3, "{body}");
    for probe in ["/healthz", "/readyz", "/metrics"] {
        let fallback = format!(r#".route("{probe}", web::route().to(api_not_found))"#);
        assert!(body.contains(&fallback), "{body}");
    }
    for undocumented in ["web::resource", ".to(", "web::scope"] {
        let n = body.matches(undocumented).count();
        let allowed = usize::from(undocumented == ".to(") * 4;
        assert!(n <= allowed, "{undocumented} in the route list: {body}");
    }
}

use crate::backend_test;
use crate::helpers::{body, TestApp};
use serde_json::Value;
use std::collections::BTreeSet;

backend_test!(openapi_describes_every_route_and_only_those, |app| {
    let (status, doc) = body(app.get("/api/v1/openapi.json", None).await).await;
    assert_eq!(status, 200);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    // The description comes from the route list itself (`http::routes`); every route of the
    // service is in it …
    assert_eq!(documented.len(), 43, "{documented:?}");
    for probe in ["/healthz", "/readyz", "/metrics"] {
        assert!(documented.contains(&("get".to_owned(), probe.to_owned())));
    }
    // … and each documented route is really served: no `route_not_found` for any of them.
    for (method, path) in &documented {
        let url = app.url(
            &path
                .replace("{id}", "x")
                .replace("{attachment_id}", "y")
                .replace("{n}", "1")
                .replace("{year}", "2026")
                .replace("{kind}", "receipt")
                .replace("{token}", "AAAAAAAAAAAAAAAA"),
        );
        let resp = match method.as_str() {
            "get" => app.client.get(url).send().await.unwrap(),
            "patch" => app.client.patch(url).send().await.unwrap(),
            _ => app.client.post(url).send().await.unwrap(),
        };
        let text = resp.text().await.unwrap();
        // (The description itself lists every code, so look for the answer's code only.)
        assert!(
            !text.contains(r#""code":"route_not_found""#),
            "{method} {path}: {text}"
        );
    }
    schemas_and_edge_errors(&app, &doc).await;
});

async fn schemas_and_edge_errors(app: &TestApp, doc: &Value) {
    for schema in [
        "SignSpec",
        "Finding",
        "ErrorBody",
        "SubmitResult",
        "Detail",
        "YearCounts",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
    // `?year=` answers a YearDetail: the 200 is one of the two shapes (or CSV).
    let stats = &doc["paths"]["/api/v1/stats/approvals"]["get"]["responses"]["200"]["content"];
    assert_eq!(
        stats["application/json"]["schema"]["$ref"],
        "#/components/schemas/StatsAnswer"
    );
    let one_of: Vec<&str> = doc["components"]["schemas"]["StatsAnswer"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        one_of,
        [
            "#/components/schemas/YearsResponse",
            "#/components/schemas/YearDetail"
        ]
    );
    assert!(stats["text/csv"].is_object());
    let (_, year) = body(app.get("/api/v1/stats/approvals?year=2025", None).await).await;
    assert!(year["months"].is_array(), "{year}");
    // A 422's details is a list: the schema allows any JSON there.
    let details = &doc["components"]["schemas"]["ErrorDetail"]["properties"]["details"];
    assert!(details.get("type").is_none(), "{details}");
    // The errors of the edge are documented where they occur.
    let responses = |method: &str, path: &str| -> BTreeSet<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path}"))
            .keys()
            .cloned()
            .collect()
    };
    for (method, path, statuses) in [
        (
            "post",
            "/api/v1/auth/login",
            &["400", "415", "422", "401"][..],
        ),
        ("get", "/api/v1/me", &["401"]),
        ("get", "/api/v1/applications", &["400", "401"]),
        ("get", "/api/v1/applications/{id}", &["401", "404"]),
        (
            "post",
            "/api/v1/applications",
            &["400", "401", "408", "413", "415", "422"],
        ),
        ("post", "/api/v1/check", &["400", "413", "415", "422"]),
        ("post", "/api/v1/users", &["400", "401", "415", "422"]),
    ] {
        let documented = responses(method, path);
        for s in statuses {
            assert!(
                documented.contains(*s),
                "{method} {path}: {s} not in {documented:?}"
            );
        }
    }
}

backend_test!(openapi_lists_every_error_code, |app| {
    let (status, doc) = body(app.get("/api/v1/openapi.json", None).await).await;
    assert_eq!(status, 200);
    let detail = &doc["components"]["schemas"]["ErrorDetail"]["properties"]["code"];
    assert_eq!(detail["$ref"], "#/components/schemas/ErrorCode", "{detail}");
    let listed: BTreeSet<String> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let all: BTreeSet<String> = signboard::error::ErrorCode::ALL
        .iter()
        .map(|c| c.name())
        .collect();
    assert_eq!(listed, all);
});
