//! Registration, login (and its limits), tokens, roles and officials.

use crate::backend_test;
use crate::helpers::{body, error_code, TestApp, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use signboard::config::Config;

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

async fn register(app: &TestApp, username: &str, extra: Value) -> (StatusCode, Value) {
    let mut req = json!({"username": username, "password": "long-enough", "display_name": "商户"});
    if let (Some(obj), Some(more)) = (req.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    body(app.post_json("/api/v1/auth/register", None, &req).await).await
}

async fn login_from(
    client: &reqwest::Client,
    app: &TestApp,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// A client whose requests come from another loopback address (Linux routes all of 127/8).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

fn retry_after(resp: &reqwest::Response) -> u64 {
    resp.headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("{} without Retry-After", resp.status()))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

backend_test!(look_alike_and_reserved_usernames_are_taken, |app| {
    let admin = app.admin().await;
    let official = json!({"username": "Tr1", "password": "official-pass", "role": "translator"});
    let (status, _) = body(
        app.post_json("/api/v1/users", Some(&admin), &official)
            .await,
    )
    .await;
    assert_eq!(status, 201);
    for name in [
        "Admin",
        "ADMIN",
        "ａｄｍｉｎ",
        "ＡＤＭＩＮ",
        "root",
        "System",
        "reviewer",
        "official",
        "signboard",
        "administrator",
        "translator",
        "tr1",
        "TR1",
    ] {
        let (status, v) = register(&app, name, json!({})).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (409, "username_taken"),
            "{name}: {v}"
        );
    }
    // Leading or trailing punctuation is refused rather than trimmed into another name.
    for name in ["admin.", ".admin", "admin-", "_admin", "adm\u{0}in"] {
        let (status, v) = register(&app, name, json!({})).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (422, "invalid_user"),
            "{name:?}: {v}"
        );
        assert_eq!(v["error"]["details"][0]["field"], "username");
    }
    let (status, v) = register(&app, "Shop1", json!({})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["username"], "Shop1");
    let (status, v) = register(&app, "shop1", json!({})).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (409, "username_taken")
    );
    // Logins are case-insensitive too.
    let (status, v) = body(login_from(&app.client, &app, "SHOP1", "long-enough").await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["user"]["username"], "Shop1");
    let (status, v) = body(login_from(&app.client, &app, "Admin", ADMIN_PASSWORD).await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["user"]["username"], "admin");
    assert_eq!(app.count("users"), 3);
});

backend_test!(control_characters_are_refused_naming_the_field, |app| {
    for (field, value) in [
        ("display_name", "巴\u{0}特尔"),
        ("phone", "1380000\u{0}0000"),
        ("password", "long-\u{0}enough"),
        ("display_name", "巴特\u{1b}[31m尔"),
    ] {
        let (status, v) = register(&app, "shop9", json!({ field: value })).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (422, "invalid_user"),
            "{field}: {v}"
        );
        assert_eq!(v["error"]["details"][0]["field"], field, "{v}");
    }
    // A NUL in a login name finds nobody (PostgreSQL would refuse to compare it).
    let (status, v) = body(login_from(&app.client, &app, "adm\u{0}in", "whatever-1").await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (401, "invalid_credentials")
    );
    assert_eq!(app.count("users"), 1);
});

backend_test!(
    registration_is_limited_per_address,
    config = |c: &mut Config| c.accounts.register_limit = 3,
    |app| {
        for i in 0..3 {
            let (status, v) = register(&app, &format!("flood{i}"), json!({})).await;
            assert_eq!(status, 201, "{v}");
        }
        let resp = app
            .post_json(
                "/api/v1/auth/register",
                None,
                &json!({"username": "flood9", "password": "long-enough"}),
            )
            .await;
        let wait = retry_after(&resp);
        assert!((1..=600).contains(&wait), "{wait}");
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (429, "too_many_registrations")
        );
        // Another address is not affected.
        let resp = client_from("127.0.0.2")
            .post(app.url("/api/v1/auth/register"))
            .json(&json!({"username": "flood9", "password": "long-enough"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        assert_eq!(app.count("users"), 5);
    }
);

backend_test!(
    a_full_hashing_gate_answers_503_with_retry_after,
    config = |c: &mut Config| {
        c.accounts.hash_concurrency = 1;
        c.accounts.hash_wait = std::time::Duration::from_millis(200);
    },
    |app| {
        let held = app.state.accounts.gate().try_hold().unwrap();
        let resp = app
            .post_json(
                "/api/v1/auth/register",
                None,
                &json!({"username": "shop5", "password": "long-enough"}),
            )
            .await;
        assert_eq!(retry_after(&resp), 2);
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (503, "service_unavailable")
        );
        let resp = login_from(&app.client, &app, "admin", ADMIN_PASSWORD).await;
        assert_eq!(resp.status(), 503);
        assert_eq!(retry_after(&resp), 2);
        drop(held);
        // The refused login was never checked, so it did not count as a failure.
        let (status, _) = register(&app, "shop5", json!({})).await;
        assert_eq!(status, 201);
        app.admin().await;
    }
);

backend_test!(simultaneous_guesses_are_counted_before_checking, |app| {
    app.merchant("target").await;
    let guesses = (0..40).map(|i| {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"username": "target_u", "password": format!("guess-{i}")}))
                .send()
                .await
                .unwrap()
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let mut counts = std::collections::BTreeMap::new();
    for resp in &answers {
        if resp.status() == 429 {
            assert!(retry_after(resp) >= 1);
        }
        *counts.entry(resp.status().as_u16()).or_insert(0) += 1;
    }
    let refused = counts.get(&429).copied().unwrap_or(0);
    let checked = counts.get(&401).copied().unwrap_or(0);
    assert_eq!(refused + checked, 40, "{counts:?}");
    assert!(checked <= 5, "{counts:?}");
    // Now locked: even the right password waits.
    let resp = login_from(&app.client, &app, "target_u", "merchant-pass").await;
    assert_eq!(resp.status(), 429);
    assert!(retry_after(&resp) >= 1);
});

backend_test!(an_attacker_locks_only_its_own_address_out, |app| {
    let attacker = client_from("127.0.0.2");
    for _ in 0..5 {
        let resp = login_from(&attacker, &app, "admin", "guess-guess").await;
        assert_eq!(resp.status(), 401);
    }
    let resp = login_from(&attacker, &app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(resp.status(), 429, "the attacker's address is locked");
    let first_wait = retry_after(&resp);
    let (_, v) = body(resp).await;
    assert_eq!(error_code(&v), "too_many_attempts");
    assert_eq!(v["error"]["details"]["retry_after_secs"], first_wait);
    // The admin, from an address that has not failed, still logs in.
    let (status, v) = body(login_from(&app.client, &app, "admin", ADMIN_PASSWORD).await).await;
    assert_eq!(status, 200, "{v}");
    // Other users from the attacker's address are not locked.
    app.merchant("bystander").await;
    let resp = login_from(&attacker, &app, "bystander_u", "merchant-pass").await;
    assert_eq!(resp.status(), 200);
});

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// Timing tests of the two backends take turns, so they do not load each other.
static TIMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

backend_test!(
    unknown_users_take_as_long_as_known_ones,
    config = |c: &mut Config| c.argon2_memory_kib = signboard::auth::password::DEFAULT_MEMORY_KIB,
    |app| {
        const N: usize = 15;
        for i in 0..N {
            let (status, v) = register(&app, &format!("known{i}"), json!({})).await;
            assert_eq!(status, 201, "{v}");
        }
        let timed = |name: String| {
            let app = &app;
            async move {
                let started = std::time::Instant::now();
                let resp = login_from(&app.client, app, &name, "wrong-password").await;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(resp.status(), 401);
                ms
            }
        };
        let _turn = TIMING.lock().await;
        for i in 0..3 {
            timed(format!("warm-up{i}")).await;
        }
        // Up to six rounds: a real difference (a second Argon2 run for unknown users doubles
        // their time) shows in every round; a burst of load from elsewhere (the rest of the
        // suite runs in parallel) does not last that long.
        let mut rounds = Vec::new();
        for round in 0..6 {
            let (mut known, mut unknown) = (Vec::new(), Vec::new());
            // Interleaved, in alternating order, so that load from elsewhere falls on both alike.
            for i in 0..N {
                let (k, u) = (format!("known{i}"), format!("ghost{round}-{i}"));
                if i % 2 == 0 {
                    known.push(timed(k).await);
                    unknown.push(timed(u).await);
                } else {
                    unknown.push(timed(u).await);
                    known.push(timed(k).await);
                }
            }
            let (k, u) = (median(known), median(unknown));
            eprintln!("login medians, round {round}: known user {k:.1} ms, unknown user {u:.1} ms");
            rounds.push((k, u));
            if (k - u).abs() <= 0.10 * k.max(u) + 5.0 {
                return;
            }
        }
        panic!("unknown users' logins take a different time: {rounds:?} (ms)");
    }
);

backend_test!(admins_reset_disable_and_audit_accounts, |app| {
    let admin_token = app.admin().await;
    let (_, admin) = body(app.get("/api/v1/me", Some(&admin_token)).await).await;
    let (status, merchant) = register(&app, "shop7", json!({})).await;
    assert_eq!(status, 201);
    assert_eq!(
        (
            merchant["disabled"].as_bool(),
            merchant["must_change_password"].as_bool()
        ),
        (Some(false), Some(false))
    );
    let id = merchant["id"].as_str().unwrap().to_owned();
    let (status, v) = body(login_from(&app.client, &app, "shop7", "long-enough").await).await;
    assert_eq!(status, 200);
    assert_eq!(v["must_change_password"], false);
    let token = v["token"].as_str().unwrap().to_owned();

    // The merchant changes their own password.
    let (status, v) = body(
        app.post_json(
            "/api/v1/me/password",
            Some(&token),
            &change("not-mine-1", "new-password-1"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "wrong_password")
    );
    let (status, v) = body(
        app.post_json(
            "/api/v1/me/password",
            Some(&token),
            &change("long-enough", "short"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_password")
    );
    assert_eq!(v["error"]["details"][0]["field"], "new_password");
    let resp = app
        .post_json(
            "/api/v1/me/password",
            Some(&token),
            &change("long-enough", "new-password-1"),
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(
        login_from(&app.client, &app, "shop7", "long-enough")
            .await
            .status(),
        401
    );
    let token = app.login("shop7", "new-password-1").await;

    let token = only_an_admin_manages_accounts(&app, &admin_token, &id, &token).await;
    disabling_and_enabling(&app, &admin_token, &id, &token).await;
    no_self_disabling_and_the_audit_trail(&app, &admin_token, &admin, &id).await;
});

fn change(current: &str, new: &str) -> Value {
    json!({"current_password": current, "new_password": new})
}

/// Only an admin manages accounts; a reset forces a change at next login. Returns the
/// merchant's token after the change.
async fn only_an_admin_manages_accounts(
    app: &TestApp,
    admin_token: &str,
    id: &str,
    token: &str,
) -> String {
    // Only an admin manages accounts.
    let reset = json!({"new_password": "temporary-pass"});
    for (method, path, body_json) in [
        (
            "post",
            format!("/api/v1/users/{id}/password"),
            reset.clone(),
        ),
        (
            "patch",
            format!("/api/v1/users/{id}"),
            json!({"disabled": true}),
        ),
        ("get", format!("/api/v1/users/{id}/events"), json!(null)),
    ] {
        let req = match method {
            "post" => app.client.post(app.url(&path)).json(&body_json),
            "patch" => app.client.patch(app.url(&path)).json(&body_json),
            _ => app.client.get(app.url(&path)),
        };
        let (status, v) = body(req.bearer_auth(token).send().await.unwrap()).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (403, "forbidden"),
            "{path}"
        );
    }

    // A reset forces a change at next login; until then only /me and /me/password answer.
    let resp = app
        .post_json(
            &format!("/api/v1/users/{id}/password"),
            Some(admin_token),
            &reset,
        )
        .await;
    assert_eq!(resp.status(), 204);
    let (status, v) = body(login_from(&app.client, app, "shop7", "temporary-pass").await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["must_change_password"], true);
    assert_eq!(v["user"]["must_change_password"], true);
    let token = v["token"].as_str().unwrap().to_owned();
    let (status, v) = body(app.get("/api/v1/applications", Some(&token)).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "password_change_required")
    );
    let (status, me) = body(app.get("/api/v1/me", Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(me["must_change_password"], true);
    let resp = app
        .post_json(
            "/api/v1/me/password",
            Some(&token),
            &change("temporary-pass", "chosen-again-1"),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let (status, me) = body(app.get("/api/v1/me", Some(&token)).await).await;
    assert_eq!(
        (status.as_u16(), me["must_change_password"].as_bool()),
        (200, Some(false))
    );
    assert_eq!(
        app.get("/api/v1/applications", Some(&token)).await.status(),
        200
    );
    token
}

async fn disabling_and_enabling(app: &TestApp, admin_token: &str, id: &str, token: &str) {
    // Disabling stops the existing token at once and refuses logins; enabling restores them.
    let patch = |disabled: bool| {
        app.client
            .patch(app.url(&format!("/api/v1/users/{id}")))
            .bearer_auth(admin_token)
            .json(&json!({ "disabled": disabled }))
            .send()
    };
    let (status, v) = body(patch(true).await.unwrap()).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["disabled"], true);
    for path in ["/api/v1/me", "/api/v1/applications"] {
        let (status, v) = body(app.get(path, Some(token)).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (403, "account_disabled"),
            "{path}"
        );
    }
    let (status, v) = body(login_from(&app.client, app, "shop7", "chosen-again-1").await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "account_disabled")
    );
    assert_eq!(v["error"]["message"], "该账号已停用，请联系管理员");
    let (status, v) = body(patch(true).await.unwrap()).await; // no change, no event
    assert_eq!(
        (status.as_u16(), v["disabled"].as_bool()),
        (200, Some(true))
    );
    let (status, v) = body(patch(false).await.unwrap()).await;
    assert_eq!(
        (status.as_u16(), v["disabled"].as_bool()),
        (200, Some(false))
    );
    assert_eq!(app.get("/api/v1/me", Some(token)).await.status(), 200);
}

async fn no_self_disabling_and_the_audit_trail(
    app: &TestApp,
    admin_token: &str,
    admin: &Value,
    id: &str,
) {
    let reset = json!({"new_password": "temporary-pass"});
    // An admin cannot disable itself; unknown ids are 404.
    let admin_id = admin["id"].as_str().unwrap();
    let (status, v) = body(
        app.client
            .patch(app.url(&format!("/api/v1/users/{admin_id}")))
            .bearer_auth(admin_token)
            .json(&json!({"disabled": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "cannot_disable_self")
    );
    for bad in [
        "no-such-user",
        "%00",
        "00000000-0000-4000-8000-000000000000",
    ] {
        let (status, v) = body(
            app.get(&format!("/api/v1/users/{bad}/events"), Some(admin_token))
                .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (404, "not_found"),
            "{bad}"
        );
        let resp = app
            .post_json(
                &format!("/api/v1/users/{bad}/password"),
                Some(admin_token),
                &reset,
            )
            .await;
        assert_eq!(resp.status(), 404, "{bad}");
    }
    the_audit_trail(app, admin_token, admin_id, id).await;
}

/// Every change is in the audit trail, with its actor.
async fn the_audit_trail(app: &TestApp, admin_token: &str, admin_id: &str, id: &str) {
    let (status, events) = body(
        app.get(&format!("/api/v1/users/{id}/events"), Some(admin_token))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let trail: Vec<(String, String)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["at"].as_str().unwrap().ends_with('Z'), "{e}");
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["actor"]["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("created", "shop7"),
        ("password_changed", "shop7"),
        ("password_reset", "admin"),
        ("password_changed", "shop7"),
        ("disabled", "admin"),
        ("enabled", "admin"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, a)| (k.to_string(), a.to_string()))
        .collect();
    assert_eq!(trail, expected);
    assert_eq!(
        app.count("user_events"),
        7,
        "the admin's own creation is recorded too"
    );
    let (_, admin_events) = body(
        app.get(
            &format!("/api/v1/users/{admin_id}/events"),
            Some(admin_token),
        )
        .await,
    )
    .await;
    assert_eq!(admin_events[0]["kind"], "created");
    assert_eq!(admin_events[0]["actor"], Value::Null);
}

/// A database made before usernames had keys, holding two names that differ only in case.
async fn legacy_app(backend: crate::helpers::Backend) -> TestApp {
    use crate::helpers::{fresh_postgres, spawn_with, test_config, Backend};
    use diesel::prelude::*;
    use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
    use signboard::db::DbUrl;
    const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
    const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let hasher = signboard::auth::password::Hasher::new(256);
    let insert = "INSERT INTO users (id, username, password_hash, display_name, role, created_at) \
                  VALUES ('00000000-0000-4000-8000-00000000000{n}', '{name}', '{hash}', '{name}', \
                  'merchant', '2025-0{n}-01 08:00:00')";
    let rows: Vec<String> = [("Shop1", "older-pass", 1), ("shop1", "newer-pass", 2)]
        .iter()
        .map(|(name, password, n)| {
            insert
                .replace("{n}", &n.to_string())
                .replace("{name}", name)
                .replace("{hash}", &hasher.hash(password).unwrap())
        })
        .collect();
    let (database, pg) = match backend {
        Backend::Sqlite => {
            let path = data_dir.join("signboard.db");
            let mut c = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
            c.run_next_migration(SQLITE).unwrap();
            for row in &rows {
                diesel::sql_query(row).execute(&mut c).unwrap();
            }
            (DbUrl::Sqlite(path), None)
        }
        Backend::Postgres => {
            let (url, guard) = fresh_postgres();
            let mut c = diesel::PgConnection::establish(&url).unwrap();
            c.run_next_migration(POSTGRES).unwrap();
            for row in &rows {
                diesel::sql_query(row).execute(&mut c).unwrap();
            }
            (DbUrl::Postgres(url), Some(guard))
        }
    };
    spawn_with(test_config(&data_dir, database), tmp, pg).await
}

async fn legacy_names_keep_logging_in(app: TestApp) {
    for (name, password, expected) in [
        ("Shop1", "older-pass", "Shop1"),
        ("shop1", "newer-pass", "shop1"),
        ("SHOP1", "older-pass", "Shop1"),
    ] {
        let (status, v) = body(login_from(&app.client, &app, name, password).await).await;
        assert_eq!(status, 200, "{name}: {v}");
        assert_eq!(v["user"]["username"], expected);
    }
    let (status, v) = register(&app, "sHOP1", json!({})).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (409, "username_taken")
    );
    // Each existing account got its `created` event.
    assert_eq!(app.count("user_events"), 2);
}

mod legacy_usernames_after_the_migration {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        legacy_names_keep_logging_in(legacy_app(crate::helpers::Backend::Sqlite).await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if crate::helpers::postgres_url().is_none() {
            return;
        }
        legacy_names_keep_logging_in(legacy_app(crate::helpers::Backend::Postgres).await).await
    }
}

backend_test!(an_unknown_role_in_the_database_is_an_error, |app| {
    use diesel::RunQueryDsl;
    let token = app.merchant("m").await;
    let (_, me) = body(app.get("/api/v1/me", Some(&token)).await).await;
    let id = me["id"].as_str().unwrap().to_owned();
    {
        let mut conn = app.conn();
        let conn: &mut signboard::db::DbConn = &mut conn;
        let update = format!("UPDATE users SET role = 'wizard' WHERE id = '{id}'");
        // The CHECK constraint would refuse the value: step around it, as a hand edit might.
        match conn {
            signboard::db::DbConn::Sqlite(c) => {
                diesel::sql_query("PRAGMA ignore_check_constraints = ON")
                    .execute(c)
                    .unwrap();
                diesel::sql_query(update).execute(c).unwrap();
                diesel::sql_query("PRAGMA ignore_check_constraints = OFF")
                    .execute(c)
                    .unwrap();
            }
            signboard::db::DbConn::Postgres(c) => {
                diesel::sql_query("ALTER TABLE users DROP CONSTRAINT users_role_check")
                    .execute(c)
                    .unwrap();
                diesel::sql_query(update).execute(c).unwrap();
            }
        }
        // The row itself cannot be read: the column is a `Role`, not a string.
        assert!(signboard::auth::user::find_row(conn, &id).is_err());
        let read = signboard::auth::find_by_id(conn, &id);
        let err = read.expect_err("an unknown role must not read as a user");
        let err = signboard::error::AppError::from(err);
        assert_eq!(err.code, signboard::error::ErrorCode::InternalError);
    }
    let resp = app.get("/api/v1/me", Some(&token)).await;
    let (status, v) = body(resp).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (500, "internal_error")
    );
    assert!(!v.to_string().contains("wizard"), "{v}");
});
