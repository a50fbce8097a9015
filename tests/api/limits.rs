//! The login and registration limits counted in the database: they hold across servers on
//! one database (replicas, or a restart), and the client address behind trusted proxies.

use crate::backend_test;
use crate::helpers::{body, error_code, spawn_with, test_config, TestApp, ADMIN_PASSWORD};
use reqwest::Response;
use serde_json::json;
use signboard::config::Config;
use signboard::http::client_ip::Cidr;

/// A second server on the same database: another replica, or this one restarted.
async fn same_database(app: &TestApp) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let config = test_config(&tmp.path().join("data"), app.database.clone());
    spawn_with(config, tmp, None).await
}

async fn login(app: &TestApp, user: &str, password: &str, forwarded: Option<&str>) -> Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}));
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    req.send().await.unwrap()
}

fn retry_after(resp: &Response) -> u64 {
    resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The stored count of the login pair `user` from `addr` in its current window.
fn pair_count(app: &TestApp, user: &str, addr: &str) -> i64 {
    app.count(&format!(
        "limit_counters WHERE scope = 'pair' AND key = '{addr} {user}' AND n = 5"
    ))
}

async fn assert_locked(app: &TestApp, user: &str, password: &str, forwarded: Option<&str>) {
    let resp = login(app, user, password, forwarded).await;
    let wait = retry_after(&resp);
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    let (status, v) = body(resp).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (429, "too_many_attempts")
    );
}

backend_test!(five_failures_over_two_servers_lock_on_both, |app| {
    app.merchant("victim").await;
    let other = same_database(&app).await;
    for server in [&app, &other, &app, &other, &app] {
        let resp = login(server, "victim_u", "wrong-password", None).await;
        assert_eq!(resp.status(), 401);
    }
    // Even the right password waits, on either server.
    assert_locked(&other, "victim_u", "merchant-pass", None).await;
    assert_locked(&app, "victim_u", "merchant-pass", None).await;
    assert_eq!(pair_count(&app, "victim_u", "127.0.0.1"), 1);
    // A server started afterwards (a restart) knows the lock too.
    let restarted = same_database(&app).await;
    assert_locked(&restarted, "victim_u", "merchant-pass", None).await;
});

backend_test!(
    the_registration_limit_is_counted_in_the_database,
    config = |c: &mut Config| c.accounts.register_limit = 2,
    |app| {
        let other = same_database(&app).await;
        // `same_database` has the test limit of 1000: the limit is the first server's.
        for (i, server) in [&app, &other].into_iter().enumerate() {
            let (status, v) = body(
                server
                    .post_json(
                        "/api/v1/auth/register",
                        None,
                        &json!({"username": format!("shop{i}"), "password": "long-enough"}),
                    )
                    .await,
            )
            .await;
            assert_eq!(status, 201, "{v}");
        }
        let resp = app
            .post_json(
                "/api/v1/auth/register",
                None,
                &json!({"username": "shop9", "password": "long-enough"}),
            )
            .await;
        assert!((1..=600).contains(&retry_after(&resp)));
        let (status, v) = body(resp).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (429, "too_many_registrations")
        );
        let counted = "limit_counters WHERE scope = 'register' AND key = '127.0.0.1' AND n = 2";
        assert_eq!(app.count(counted), 1);
        assert_eq!(app.count("users"), 3);
    }
);

backend_test!(
    x_forwarded_for_from_an_untrusted_peer_changes_nothing,
    |app| {
        for i in 0..5 {
            let claimed = format!("203.0.113.{i}");
            let resp = login(&app, "admin", "wrong-password", Some(&claimed)).await;
            assert_eq!(resp.status(), 401);
        }
        // Every failure counted for the socket's address, whatever the header claimed.
        assert_locked(&app, "admin", ADMIN_PASSWORD, Some("198.51.100.7")).await;
        assert_eq!(pair_count(&app, "admin", "127.0.0.1"), 1);
    }
);

backend_test!(
    x_forwarded_for_from_a_trusted_proxy_names_the_client,
    config = |c: &mut Config| c.trusted_proxies = Cidr::parse_list("127.0.0.0/8").unwrap(),
    |app| {
        for _ in 0..5 {
            let resp = login(&app, "admin", "wrong-password", Some("203.0.113.7")).await;
            assert_eq!(resp.status(), 401);
        }
        assert_locked(&app, "admin", ADMIN_PASSWORD, Some("203.0.113.7")).await;
        assert_eq!(pair_count(&app, "admin", "203.0.113.7"), 1);
        // Another client behind the proxy still gets in, even one that writes the locked
        // address left of its own (only the proxy's entry, the right-most, is believed).
        let resp = login(
            &app,
            "admin",
            ADMIN_PASSWORD,
            Some("203.0.113.7, 198.51.100.2"),
        )
        .await;
        assert_eq!(resp.status(), 200);
        let resp = login(&app, "admin", ADMIN_PASSWORD, None).await;
        assert_eq!(
            resp.status(),
            200,
            "the proxy itself is a client of its own"
        );
    }
);
