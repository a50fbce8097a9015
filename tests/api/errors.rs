//! Bad input gets the error shape with the right status, never a 500.

use crate::backend_test;
use crate::helpers::{application, body, error_code, png_part};
use reqwest::multipart::{Form, Part};
use serde_json::json;

backend_test!(bad_json_wrong_types_and_media_types, |app| {
    let spec_url = app.url("/api/v1/check");
    let send = |b: &'static str, ct: &'static str| {
        app.client
            .post(spec_url.clone())
            .header("content-type", ct)
            .body(b)
            .send()
    };
    let (s, v) = body(send("{not json", "application/json").await.unwrap()).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (400, "invalid_json"));
    let (s, v) = body(
        send(r#"{"sign": 5, "texts": {}}"#, "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (422, "invalid_body"));
    let (s, v) = body(send(r#"{"sign": {}}"#, "text/plain").await.unwrap()).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (415, "unsupported_media_type")
    );
    let big = format!(r#"{{"pad": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let resp = app
        .client
        .post(spec_url.clone())
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (s, v) = body(resp).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (413, "body_too_large")
    );
    // A well-formed spec with impossible numbers is a 422 listing the fields.
    let spec = json!({"sign": {"kind": "shop_plaque", "width_mm": -5, "height_mm": 1500, "arrangement": "horizontal"},
                      "texts": {"mn": "ᠮᠣᠩᠭᠣᠯ", "zh": "蒙古"}});
    let (s, v) = body(app.post_json("/api/v1/check", None, &spec).await).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application")
    );
    assert!(
        v["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["field"].as_str().unwrap().contains("width_mm")),
        "{v}"
    );
    // Query errors.
    let (s, v) = body(app.get("/api/v1/stats/approvals?year=abc", None).await).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let (s, v) = body(app.get("/api/v1/stats/approvals?format=xml", None).await).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let (s, v) = body(
        app.client
            .post(app.url("/api/v1/preview?width_px=99999"))
            .json(&spec)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let (s, v) = body(app.get("/api/v1/no/such/route", None).await).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (404, "route_not_found")
    );
});

backend_test!(bad_multipart_submissions, |app| {
    let m = app.merchant("m").await;
    // No `application` part.
    let f = Form::new().part("design", png_part(800, 200));
    let (s, v) = body(app.submit(&m, f, None).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (400, "missing_part"));
    // Broken JSON in the part, then the wrong type of a field.
    let f = Form::new()
        .part("application", Part::text("{oops"))
        .part("design", png_part(800, 200));
    let (s, v) = body(app.submit(&m, f, None).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (400, "invalid_json"));
    let mut wrong = application();
    wrong["sign"]["width_mm"] = json!("wide");
    let f = Form::new()
        .part("application", Part::text(wrong.to_string()))
        .part("design", png_part(800, 200));
    let (s, v) = body(app.submit(&m, f, None).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (422, "invalid_body"));
    // An unknown part, and a JSON body where multipart is expected.
    let f = Form::new()
        .part("application", Part::text(application().to_string()))
        .part("virus", Part::text("x"));
    let (s, v) = body(app.submit(&m, f, None).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (400, "unknown_part"));
    let (s, v) = body(
        app.post_json("/api/v1/applications", Some(&m), &application())
            .await,
    )
    .await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (415, "unsupported_media_type")
    );
    // A body cut off in the middle.
    let resp = app
        .client
        .post(app.url("/api/v1/applications"))
        .bearer_auth(&m)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"application\"\r\n\r\n{\"shop")
        .send()
        .await
        .unwrap();
    let (s, v) = body(resp).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_multipart")
    );
    // Officials do not submit.
    let rev = app.official("rev", "reviewer").await;
    let f = Form::new()
        .part("application", Part::text(application().to_string()))
        .part("design", png_part(800, 200));
    let (s, v) = body(app.submit(&rev, f, None).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (403, "forbidden"));
    assert_eq!(app.count("applications"), 0);
    // Listing with a bad filter.
    let (s, v) = body(app.get("/api/v1/applications?status=lost", Some(&m)).await).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let (s, v) = body(
        app.get("/api/v1/applications?per_page=1000", Some(&m))
            .await,
    )
    .await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let (s, v) = body(app.get("/api/v1/applications/not-an-id", Some(&m)).await).await;
    assert_eq!((s.as_u16(), error_code(&v).as_str()), (404, "not_found"));
});
