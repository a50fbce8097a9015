//! Parse, don't validate: what a submission carries becomes domain values (a checked licence
//! number and phone, a valid spec, an idempotency key) with every problem reported at once.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_part, LICENSE};
use serde_json::json;

backend_test!(every_problem_of_a_form_is_listed_in_one_answer, |app| {
    let m = app.merchant("m").await;
    let mut bad = application();
    bad["license_no"] = json!("91350100M000100Y44");
    bad["phone"] = json!("call me");
    bad["sign"]["width_mm"] = json!(-1);
    let (status, v) = body(
        app.submit(&m, form(&bad, vec![png_part(1600, 400)]), None)
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application")
    );
    let fields: Vec<&str> = v["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["phone", "license_no", "sign.width_mm"], "{v}");
});

backend_test!(parsed_fields_are_stored_trimmed, |app| {
    let m = app.merchant("m").await;
    let mut padded = application();
    padded["license_no"] = json!(format!("  {LICENSE} "));
    padded["phone"] = json!(" 0475-4212345  ");
    let id = app.submit_ok(&m, &padded).await;
    let d = app.detail(&m, &id).await;
    assert_eq!(
        (d["license_no"].as_str(), d["phone"].as_str()),
        (Some(LICENSE), Some("0475-4212345"))
    );
});

backend_test!(an_idempotency_key_is_parsed_from_its_header, |app| {
    let m = app.merchant("m").await;
    let long = "k".repeat(201);
    for key in ["   ", long.as_str()] {
        let resp = app
            .submit(
                &m,
                form(&application(), vec![png_part(1600, 400)]),
                Some(key),
            )
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (400, "invalid_idempotency_key")
        );
    }
    let first = app
        .submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some(" key-1 "),
        )
        .await;
    let (status, first) = body(first).await;
    assert_eq!(status, 201);
    // The trimmed key is the key.
    let again = app
        .submit(
            &m,
            form(&application(), vec![png_part(1600, 400)]),
            Some("key-1"),
        )
        .await;
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let (_, again) = body(again).await;
    assert_eq!(again["id"], first["id"]);
});
