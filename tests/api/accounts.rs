//! Registration, login (and its limits), tokens, roles and officials.

use crate::backend_test;
use crate::helpers::{body, error_code};
use serde_json::json;

backend_test!(register_login_and_me, |app| {
    let resp = app
        .post_json(
            "/api/v1/auth/register",
            None,
            &json!({"username": "shop1", "password": "long-enough", "display_name": "巴特尔", "phone": "13912345678"}),
        )
        .await;
    let (status, v) = body(resp).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["role"], "merchant");
    assert!(v.get("password_hash").is_none());

    let resp = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "shop1", "password": "long-enough"}),
        )
        .await;
    let (status, v) = body(resp).await;
    assert_eq!(status, 200);
    assert_eq!(v["role"], "merchant");
    assert!(v["expires_at"].is_string());
    let token = v["token"].as_str().unwrap();

    let (status, me) = body(app.get("/api/v1/me", Some(token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "shop1");
    assert_eq!(me["display_name"], "巴特尔");

    let (status, v) = body(app.get("/api/v1/me", None).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (401, "unauthorized")
    );
    let (status, v) = body(app.get("/api/v1/me", Some("not.a.token")).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (401, "invalid_token")
    );
});

backend_test!(
    registration_refuses_short_passwords_and_taken_names,
    |app| {
        let resp = app
            .post_json(
                "/api/v1/auth/register",
                None,
                &json!({"username": "shop2", "password": "short", "display_name": "x"}),
            )
            .await;
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (422, "invalid_user")
        );
        assert_eq!(v["error"]["details"][0]["field"], "password");

        let ok = json!({"username": "shop2", "password": "long-enough", "display_name": "x"});
        assert_eq!(
            app.post_json("/api/v1/auth/register", None, &ok)
                .await
                .status(),
            201
        );
        let (status, v) = body(app.post_json("/api/v1/auth/register", None, &ok).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (409, "username_taken")
        );
        // Registration never makes an official, whatever the body says.
        let sneaky = json!({"username": "shop3", "password": "long-enough", "role": "admin"});
        let (status, v) = body(app.post_json("/api/v1/auth/register", None, &sneaky).await).await;
        assert_eq!(status, 201);
        assert_eq!(v["role"], "merchant");
    }
);

backend_test!(
    login_failures_do_not_tell_whether_the_user_exists_and_are_limited,
    |app| {
        app.merchant("real").await;
        let wrong = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": "real_u", "password": "wrong-password"}),
            )
            .await;
        let (s1, v1) = body(wrong).await;
        let missing = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": "ghost", "password": "wrong-password"}),
            )
            .await;
        let (s2, v2) = body(missing).await;
        assert_eq!(
            (s1, s2),
            (
                reqwest::StatusCode::UNAUTHORIZED,
                reqwest::StatusCode::UNAUTHORIZED
            )
        );
        assert_eq!(v1, v2, "the two failures must look the same");

        // Four more failures for `real` reach the limit of five; then even the right password waits.
        for _ in 0..4 {
            app.post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": "real_u", "password": "nope-nope"}),
            )
            .await;
        }
        let (status, v) = body(
            app.post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": "real_u", "password": "merchant-pass"}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (429, "too_many_attempts")
        );
        // Another user from the same address is not yet limited (the address limit is higher).
        app.merchant("other").await;
    }
);

backend_test!(admin_creates_officials_and_nobody_else_may, |app| {
    let admin = app.admin().await;
    let merchant = app.merchant("m1").await;
    let new = json!({"username": "tr1", "password": "official-pass", "display_name": "译员", "role": "translator"});
    let (status, v) = body(app.post_json("/api/v1/users", Some(&merchant), &new).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    let (status, v) = body(app.post_json("/api/v1/users", Some(&admin), &new).await).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["role"], "translator");
    let token = app.login("tr1", "official-pass").await;
    let (_, me) = body(app.get("/api/v1/me", Some(&token)).await).await;
    assert_eq!(me["role"], "translator");
    let (status, list) = body(app.get("/api/v1/users", Some(&admin)).await).await;
    assert_eq!(status, 200);
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "tr1"]);
    let bad_role = json!({"username": "x1", "password": "official-pass", "role": "emperor"});
    let (status, v) = body(
        app.post_json("/api/v1/users", Some(&admin), &bad_role)
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_body")
    );
});
