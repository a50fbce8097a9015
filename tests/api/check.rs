//! The public rule check told about the design images chosen in the page: I3 (aspect ratio) and
//! I4 (resolution) are found before anything is uploaded, the same as after submitting.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_part};
use serde_json::{json, Value};

fn design_codes(v: &Value) -> Vec<String> {
    let mut codes: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["field"]
                .as_str()
                .is_some_and(|s| s.starts_with("designs"))
        })
        .map(|f| {
            format!(
                "{}@{}",
                f["rule"].as_str().unwrap(),
                f["field"].as_str().unwrap()
            )
        })
        .collect();
    codes.sort();
    codes
}

backend_test!(
    check_with_design_sizes_finds_i3_and_i4_like_a_submission,
    |app| {
        let a = application();
        let spec = json!({"sign": a["sign"], "texts": a["texts"], "translation_requested": false});

        // Without designs: no design findings (as before).
        let (status, plain) = body(app.post_json("/api/v1/check", None, &spec).await).await;
        assert_eq!(status, 200, "{plain}");
        assert!(design_codes(&plain).is_empty(), "{plain}");

        // A good design (4:1 like the 6000×1500 sign) and a small square one.
        let mut with = spec.clone();
        with["designs"] =
            json!([{"width_px": 1600, "height_px": 400}, {"width_px": 400, "height_px": 400}]);
        let (status, checked) = body(app.post_json("/api/v1/check", None, &with).await).await;
        assert_eq!(status, 200, "{checked}");
        assert_eq!(
            design_codes(&checked),
            vec!["I3@designs[1]".to_owned(), "I4@designs[1]".to_owned()],
            "{checked}"
        );
        assert_eq!(checked["verdict"], "warn", "{checked}");

        // Submitting the same images finds the same design findings.
        let m = app.merchant("m").await;
        let (status, submitted) = body(
            app.submit(
                &m,
                form(&a, vec![png_part(1600, 400), png_part(400, 400)]),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{submitted}");
        assert_eq!(design_codes(&submitted), design_codes(&checked));
    }
);

backend_test!(check_refuses_bad_design_sizes_with_the_error_shape, |app| {
    let a = application();
    let mut spec = json!({"sign": a["sign"], "texts": a["texts"]});
    spec["designs"] = json!((0..9)
        .map(|_| json!({"width_px": 1600, "height_px": 400}))
        .collect::<Vec<_>>());
    let (status, v) = body(app.post_json("/api/v1/check", None, &spec).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application"),
        "{v}"
    );
    assert_eq!(v["error"]["details"][0]["field"], "designs", "{v}");

    spec["designs"] = json!([{"width_px": -1, "height_px": 400}]);
    let (status, v) = body(app.post_json("/api/v1/check", None, &spec).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_body"),
        "{v}"
    );
});
