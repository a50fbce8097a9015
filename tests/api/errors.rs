//! Bad input gets the error shape with the right status, never a 500.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_part, TestApp};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

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
    query_and_route_errors(&app, &spec).await;
});

async fn query_and_route_errors(app: &TestApp, spec: &Value) {
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
}

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

/// The `field`s named in a 422's details.
fn fields(v: &serde_json::Value) -> Vec<String> {
    v["error"]["details"]
        .as_array()
        .unwrap_or_else(|| panic!("no field list in {v}"))
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(page_numbers_out_of_range_name_the_parameter, |app| {
    let m = app.merchant("m").await;
    app.submit_ok(&m, &application()).await;
    for (query, parameter) in [
        ("page=9223372036854775807", "page"),
        ("page=1000001", "page"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=2&per_page=9223372036854775807", "per_page"),
        ("q=%00", "q"),
        ("q=a%01b", "q"),
        ("status=approvedd", "status"),
    ] {
        let resp = app
            .get(&format!("/api/v1/applications?{query}"), Some(&m))
            .await;
        let (s, v) = body(resp).await;
        assert_eq!(
            (s.as_u16(), error_code(&v).as_str()),
            (400, "invalid_query"),
            "{query}: {v}"
        );
        assert_eq!(v["error"]["details"]["parameter"], parameter, "{query}");
    }
    // The largest page is an empty page, not an error.
    let (s, v) = body(
        app.get("/api/v1/applications?page=1000000&per_page=100", Some(&m))
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["total"].as_i64(), v["items"].as_array().unwrap().len()),
        (Some(1), 0)
    );
    // Mongolian format characters are text, not control characters.
    let (s, v) = body(
        app.get(
            "/api/v1/applications?q=%E1%A0%8B%E2%80%AF%E2%80%8D",
            Some(&m),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
});

backend_test!(control_characters_in_text_fields_are_refused, |app| {
    let m = app.merchant("m").await;
    let mut a = application();
    a["shop_name"] = json!("奈曼\u{0}商店");
    a["address"] = json!("团结路\u{7}8 号");
    a["township"] = json!("大沁\u{1b}他拉镇");
    a["phone"] = json!("0475\u{0}4212345");
    a["license_no"] = json!("91350100M000100Y4\u{0}");
    a["sign"]["material"] = json!("acrylic\u{0}");
    a["texts"]["zh"] = json!("奈曼\u{0}");
    let resp = app
        .submit(&m, form(&a, vec![png_part(1600, 400)]), None)
        .await;
    let (s, v) = body(resp).await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application"),
        "{v}"
    );
    let named = fields(&v);
    for field in [
        "shop_name",
        "address",
        "township",
        "phone",
        "license_no",
        "sign.material",
        "texts.zh",
    ] {
        assert!(named.iter().any(|f| f == field), "{field} not named: {v}");
    }
    // A line break is not meaningful in a shop name either.
    let mut a = application();
    a["shop_name"] = json!("奈曼\n商店");
    let (s, v) = body(
        app.submit(&m, form(&a, vec![png_part(1600, 400)]), None)
            .await,
    )
    .await;
    assert_eq!(
        (s.as_u16(), fields(&v)),
        (422, vec!["shop_name".to_owned()])
    );
    assert_eq!(app.count("applications"), 0);

    // Mongolian format characters (FVS1, NNBSP, ZWJ) and a control character in the design's
    // file name do not stop a submission; the stored name has no control character.
    let mut a = application();
    a["texts"]["mn"] = json!("ᠨᠠᠢ\u{180B}ᠮᠠᠨ ᠬᠣᠳᠠᠯᠳᠤᠭᠠ\u{202F}ᠶᠢᠨ ᠲᠥ\u{200D}ᠪ");
    let design = reqwest::multipart::Part::bytes(crate::helpers::png_bytes(1600, 400))
        .file_name("de\tsign.png")
        .mime_str("image/png")
        .unwrap();
    let (s, v) = body(app.submit(&m, form(&a, vec![design]), None).await).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let d = app.detail(&m, &id).await;
    assert_eq!(
        d["revisions"][0]["attachments"][0]["original_name"],
        "design.png"
    );

    decisions_refuse_control_characters(&app, &m, &id).await;
});

async fn decisions_refuse_control_characters(app: &TestApp, m: &str, id: &str) {
    // Decisions: a comment, a change item and a supplied translation.
    let rev = app.official("rev", "reviewer").await;
    let (s, v) = body(
        app.transition(
            &rev,
            id,
            &json!({"action": "request_changes", "expected_version": 1,
                    "comment": "请\u{0}修改",
                    "items": [{"message": "字号\u{0}太小", "rule": "M\u{0}3"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (422, "invalid_transition"),
        "{v}"
    );
    assert_eq!(
        fields(&v),
        vec!["comment", "items[0].message", "items[0].rule"]
    );
    let mut a = crate::helpers::application_for_translation();
    a["shop_name"] = json!("译文店");
    let t_id = app.submit_ok(m, &a).await;
    let tr = app.official("tr", "translator").await;
    let (s, v) = body(
        app.transition(
            &tr,
            &t_id,
            &json!({"action": "supply_translation", "expected_version": 1,
                    "mn": "ᠨᠠᠢᠮᠠᠨ\u{0}ᠲᠥᠪ"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(fields(&v), vec!["texts.mn"]);
    // A line break in a comment is meaningful and kept.
    let v = app
        .act(&rev, id, "reject", json!({"comment": "第一条\n第二条"}))
        .await;
    assert_eq!(v["status"], "rejected");
    let d = app.detail(m, id).await;
    assert_eq!(d["events"][1]["comment"], "第一条\n第二条");
}

backend_test!(decision_texts_and_change_items_are_bounded, |app| {
    let m = app.merchant("m").await;
    let rev = app.official("rev", "reviewer").await;
    let id = app.submit_ok(&m, &application()).await;
    let transition = |extra: serde_json::Value| {
        let mut req = json!({"action": "request_changes", "expected_version": 1});
        req.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        req
    };
    let item = |text: String| json!({"message": text});
    let cases = [
        (
            json!({"comment": "长".repeat(2001), "items": [item("改".into())]}),
            vec!["comment"],
        ),
        (
            json!({"items": (0..51).map(|i| item(format!("第 {i} 条"))).collect::<Vec<_>>()}),
            vec!["items"],
        ),
        (
            json!({"items": [item("改".into()), item("长".repeat(501))]}),
            vec!["items[1].message"],
        ),
        (
            json!({"items": [{"message": "改", "rule": "R".repeat(21)}]}),
            vec!["items[0].rule"],
        ),
    ];
    for (extra, expected) in cases {
        let (s, v) = body(app.transition(&rev, &id, &transition(extra)).await).await;
        assert_eq!(
            (s.as_u16(), error_code(&v).as_str()),
            (422, "invalid_transition"),
            "{v}"
        );
        assert_eq!(fields(&v), expected);
    }
    assert_eq!(app.version(&rev, &id).await, 1);
    // At the limits: accepted and kept whole.
    let items: Vec<_> = (0..50).map(|_| item("改".repeat(500))).collect();
    let (s, v) = body(
        app.transition(
            &rev,
            &id,
            &transition(json!({"comment": "长".repeat(2000), "items": items})),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let d = app.detail(&m, &id).await;
    assert_eq!(d["requested_changes"].as_array().unwrap().len(), 50);
    assert_eq!(
        d["events"][1]["comment"].as_str().unwrap().chars().count(),
        2000
    );
    // A reason for a rejection too.
    let id = app.submit_ok(&m, &application()).await;
    let (s, v) = body(
        app.transition(
            &rev,
            &id,
            &json!({"action": "reject", "expected_version": 1, "comment": "x".repeat(150_000)}),
        )
        .await,
    )
    .await;
    assert_eq!((s.as_u16(), fields(&v)), (422, vec!["comment".to_owned()]));
});

backend_test!(
    a_served_path_with_another_method_answers_405_with_allow,
    |app| {
        for (method, path, allow) in [
            ("TRACE", "/api/v1/check", "POST"),
            ("DELETE", "/api/v1/applications/x", "GET"),
            ("PUT", "/api/v1/users", "POST, GET"),
            ("PUT", "/healthz", "GET"),
            ("DELETE", "/readyz", "GET"),
            ("POST", "/metrics", "GET"),
        ] {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let resp = app
                .client
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            let header = resp
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_owned());
            let (s, v) = body(resp).await;
            assert_eq!(
                (s.as_u16(), error_code(&v).as_str()),
                (405, "method_not_allowed"),
                "{method} {path}"
            );
            assert_eq!(header.as_deref(), Some(allow), "{method} {path}");
        }
        let (s, v) = body(app.get("/api/v1/applications/x/y", None).await).await;
        assert_eq!(
            (s.as_u16(), error_code(&v).as_str()),
            (404, "route_not_found")
        );
    }
);
