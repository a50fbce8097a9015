//! The API description lists exactly the served routes.

use crate::backend_test;
use crate::helpers::body;
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
    let served: BTreeSet<(String, String)> = signboard::http::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
    // Each listed route is really served: no `route_not_found` for any of them.
    for (method, path) in &served {
        let url = app.url(
            &path
                .replace("{id}", "x")
                .replace("{attachment_id}", "y")
                .replace("{n}", "1"),
        );
        let resp = match method.as_str() {
            "get" => app.client.get(url).send().await.unwrap(),
            "patch" => app.client.patch(url).send().await.unwrap(),
            _ => app.client.post(url).send().await.unwrap(),
        };
        let text = resp.text().await.unwrap();
        assert!(!text.contains("route_not_found"), "{method} {path}: {text}");
    }
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
});
