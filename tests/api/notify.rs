//! Notifications: the outbox written with the event (and never without it), the signed
//! webhook with retries until a 2xx, dead letters and the admin's resend, and the inbox.

use serde_json::{json, Value};
use std::time::Duration;

use crate::backend_test;
use crate::helpers::{application, application_for_translation, body, error_code, spawn_tweaked};
use crate::helpers::{Backend, TestApp};
use crate::notify_receiver::{eventually, secret, Answer, Hit, Receiver, KEY};
use signboard::config::Config;
use signboard::db::DbConn;

/// A test on SQLite and, when `SIGNBOARD_TEST_POSTGRES_URL` is set, on PostgreSQL; the body
/// gets the backend and starts its own server (after its receiver).
macro_rules! both_backends {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($backend: Backend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if crate::helpers::postgres_url().is_none() {
                    eprintln!("SIGNBOARD_TEST_POSTGRES_URL not set: PostgreSQL run skipped");
                    return;
                }
                run(Backend::Postgres).await
            }
        }
    };
}

/// Posts to `url`, signs with the test key, retries fast.
fn hooked(url: &str, timeout_ms: u64, max_attempts: u32) -> impl FnOnce(&mut Config) {
    let url = url.to_owned();
    move |c: &mut Config| {
        c.notify.webhook = Some(signboard::notify::Webhook::parse(&url, Some(&secret())).unwrap());
        c.notify.retry_base = Duration::from_millis(20);
        c.notify.timeout = Duration::from_millis(timeout_ms);
        c.notify.max_attempts = max_attempts;
    }
}

/// Rows of `notifications` by delivery status.
fn count_status(app: &TestApp, status: &str) -> i64 {
    app.count(&format!("notifications WHERE status = '{status}'"))
}

async fn inbox(app: &TestApp, token: &str) -> Value {
    let (status, v) = body(app.get("/api/v1/notifications", Some(token)).await).await;
    assert_eq!(status, 200, "{v}");
    v
}

both_backends!(
    webhook_retries_until_a_2xx_with_a_stable_signed_id,
    |backend| {
        // 500, 500, then 200 for every notification.
        let receiver = Receiver::start(|_, nth| Answer::Status(if nth < 3 { 500 } else { 200 }));
        let app = spawn_tweaked(backend, hooked(&receiver.url, 2000, 8)).await;
        let _reviewer = app.official("rev", "reviewer").await;
        let m = app.merchant("m").await;
        let id = app.submit_ok(&m, &application()).await;
        // A receipt for the merchant and a message for the reviewer.
        assert_eq!(app.count("notifications"), 2);
        eventually(Duration::from_secs(20), "two deliveries", || {
            count_status(&app, "delivered") == 2
        })
        .await;

        let successes = receiver.successes();
        assert_eq!(successes.len(), 2, "{successes:?}");
        assert!(successes.values().all(|n| *n == 1), "{successes:?}");
        let hits = receiver.hits();
        assert_eq!(hits.len(), 6, "three attempts each: {hits:?}");
        assert_signed_and_stable(&hits, &id);

        // The admin sees the attempts in the metrics: nothing pending, two delivered.
        let admin = app.admin().await;
        let (status, v) = body(app.get("/api/v1/admin/notifications", Some(&admin)).await).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["items"], json!([]));
        assert_eq!(v["metrics"]["delivered"], 2);
        assert_eq!(v["metrics"]["pending"], 0);
        assert_eq!(v["metrics"]["latency"]["samples"], 2);
        assert!(v["metrics"]["latency"]["median_ms"].as_i64().unwrap() >= 0);
    }
);

/// Every hit is signed with the test key (checked by an HMAC of our own), recent, and names
/// its own id; each notification's attempts carry the same id and body and were answered
/// 500, 500, 200; the merchant and the reviewer were told, the merchant with its phone.
fn assert_signed_and_stable(hits: &[Hit], app_id: &str) {
    let now = chrono::Utc::now().timestamp();
    for hit in hits {
        assert!(hit.signature_verifies(&KEY), "bad signature: {hit:?}");
        assert!(!hit.signature_verifies(&[0x43; 32]));
        let ts: i64 = hit.timestamp.parse().unwrap();
        assert!((now - ts).abs() < 120, "timestamp {ts} vs {now}");
        let v = hit.json();
        assert_eq!(v["type"], "application.submitted");
        assert_eq!(v["data"]["id"], hit.id.as_str(), "the body names its id");
        assert_eq!(v["data"]["application"]["id"], app_id);
        let text = v["data"]["text"].as_str().unwrap();
        assert!(text.contains("奈曼旗民族商贸城"), "{text}");
    }
    let ids: std::collections::BTreeSet<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    for id in ids {
        let attempts: Vec<_> = hits.iter().filter(|h| h.id == id).collect();
        assert!(attempts.iter().all(|h| h.body == attempts[0].body));
        let answers: Vec<_> = attempts.iter().map(|h| h.answered).collect();
        assert_eq!(answers, vec![Some(500), Some(500), Some(200)]);
    }
    let recipient = |h: &Hit| h.json()["data"]["recipient"].clone();
    let roles: std::collections::BTreeSet<String> = hits
        .iter()
        .map(|h| recipient(h)["role"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roles, ["merchant", "reviewer"].map(String::from).into());
    let merchant = hits.iter().map(recipient).find(|r| r["role"] == "merchant");
    assert_eq!(merchant.unwrap()["phone"], "13800000000");
}

both_backends!(
    a_receiver_that_never_answers_leads_to_dead_and_resend_delivers,
    |backend| {
        let receiver = Receiver::start(|_, _| Answer::Hang);
        let app = spawn_tweaked(backend, hooked(&receiver.url, 200, 3)).await;
        let m = app.merchant("m").await;
        // Asking for a translation with no translator registered: only the merchant's receipt.
        let id = app.submit_ok(&m, &application_for_translation()).await;
        assert_eq!(app.count("notifications"), 1);
        eventually(Duration::from_secs(20), "a dead notification", || {
            count_status(&app, "dead") == 1
        })
        .await;
        assert_eq!(receiver.hits().len(), 3, "three attempts, then no more");

        let admin = app.admin().await;
        let v = admin_list(&app, &admin, "?status=dead").await;
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{v}");
        assert_eq!(items[0]["status"], "dead");
        assert_eq!(items[0]["attempts"], 3);
        assert_eq!(items[0]["application_id"], id.as_str());
        let error = items[0]["last_error"].as_str().unwrap();
        assert!(error.starts_with("超时"), "{v}");
        assert_eq!(v["metrics"]["dead"], 1);
        let nid = items[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            admin_list(&app, &admin, "?status=failing").await["items"],
            json!([])
        );
        admin_only_and_bad_requests(&app, &m, &admin, &nid).await;

        // The receiver is back: the resent notification is delivered, under the same id.
        receiver.set_plan(|_, _| Answer::Status(204));
        let resend = format!("/api/v1/admin/notifications/{nid}/resend");
        let (status, v) = body(app.post_json(&resend, Some(&admin), &json!({})).await).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v, json!({"id": nid, "status": "pending"}));
        eventually(Duration::from_secs(20), "the resent delivery", || {
            count_status(&app, "delivered") == 1
        })
        .await;
        assert_eq!(receiver.successes().get(&nid), Some(&1));
        assert!(receiver.hits().iter().all(|h| h.id == nid));
    }
);

async fn admin_list(app: &TestApp, admin: &str, query: &str) -> Value {
    let url = format!("/api/v1/admin/notifications{query}");
    let (status, v) = body(app.get(&url, Some(admin)).await).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// Only the admin may look or resend; a bad filter and an unknown id are the client's mistakes.
async fn admin_only_and_bad_requests(app: &TestApp, merchant: &str, admin: &str, nid: &str) {
    let (status, v) = body(app.get("/api/v1/admin/notifications", Some(merchant)).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    let resend = format!("/api/v1/admin/notifications/{nid}/resend");
    let (status, v) = body(app.post_json(&resend, Some(merchant), &json!({})).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (403, "forbidden")
    );
    let lost = "/api/v1/admin/notifications?status=lost";
    let (status, v) = body(app.get(lost, Some(admin)).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
    let unknown = "/api/v1/admin/notifications/nope/resend";
    let (status, v) = body(app.post_json(unknown, Some(admin), &json!({})).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (404, "not_found")
    );
}

both_backends!(a_transition_that_fails_writes_no_notification, |backend| {
    let app = spawn_tweaked(backend, |_| {}).await;
    let translator = app.official("tr", "translator").await;
    let _reviewer = app.official("rev", "reviewer").await;
    let m = app.merchant("m").await;
    let id = app.submit_ok(&m, &application_for_translation()).await;
    let before = app.count("notifications");
    assert_eq!(before, 2, "receipt and the translator's message");

    // A decision on an outdated version.
    let version = app.version(&translator, &id).await;
    let stale = json!({"action": "supply_translation", "expected_version": version - 1,
                       "mn": crate::helpers::MN});
    let (status, v) = body(app.transition(&translator, &id, &stale).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (409, "version_conflict")
    );
    assert_eq!(app.count("notifications"), before);

    // A failure inside the transaction after the merchant's row was written (the reviewer's
    // row is refused): the whole move is rolled back, notifications included.
    refuse_reviewer_rows(&app);
    let ok = json!({"action": "supply_translation", "expected_version": version,
                    "mn": crate::helpers::MN});
    let events = app.count("events");
    let (status, _) = body(app.transition(&translator, &id, &ok).await).await;
    assert_eq!(status, 500);
    assert_eq!(app.count("notifications"), before);
    assert_eq!(app.count("events"), events);
    assert_eq!(app.detail(&m, &id).await["status"], "translating");
});

/// Makes the database refuse notification rows for reviewers.
fn refuse_reviewer_rows(app: &TestApp) {
    use diesel::connection::SimpleConnection;
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "CREATE TRIGGER refuse_reviewer BEFORE INSERT ON notifications \
             WHEN NEW.recipient_role = 'reviewer' \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
        }
        DbConn::Postgres(_) => {
            "CREATE FUNCTION refuse_reviewer() RETURNS trigger AS $$ BEGIN \
               IF NEW.recipient_role = 'reviewer' THEN RAISE EXCEPTION 'refused by the test'; \
               END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_reviewer BEFORE INSERT ON notifications \
               FOR EACH ROW EXECUTE FUNCTION refuse_reviewer();"
        }
    };
    conn.batch_execute(sql).unwrap();
}

backend_test!(
    the_inbox_counts_unread_up_on_request_changes_and_down_on_read,
    |app| {
        let reviewer = app.official("rev", "reviewer").await;
        let m = app.merchant("m").await;
        let other = app.merchant("other").await;
        let id = app.submit_ok(&m, &application()).await;
        let v = inbox(&app, &m).await;
        assert_eq!(
            (v["unread"].as_i64(), v["total"].as_i64()),
            (Some(1), Some(1))
        );
        assert_eq!(v["items"][0]["event"], "submitted");
        assert_eq!(inbox(&app, &reviewer).await["unread"], 1);

        app.act(
            &reviewer,
            &id,
            "request_changes",
            json!({"items": [{"message": "蒙古文字号偏小"}]}),
        )
        .await;
        let v = inbox(&app, &m).await;
        assert_eq!(
            (v["unread"].as_i64(), v["total"].as_i64()),
            (Some(2), Some(2))
        );
        let newest = &v["items"][0];
        assert_eq!(newest["event"], "changes_requested");
        assert_eq!(newest["application_id"], id.as_str());
        assert_eq!(newest["read_at"], Value::Null);
        let text = newest["text"].as_str().unwrap();
        assert!(
            text.contains("需要修改") && text.chars().count() <= 70,
            "{text}"
        );
        let nid = newest["id"].as_str().unwrap().to_owned();

        // Someone else cannot read (or learn of) the merchant's message.
        let read = format!("/api/v1/notifications/{nid}/read");
        let (status, v) = body(app.post_json(&read, Some(&other), &json!({})).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (404, "not_found")
        );
        assert_eq!(inbox(&app, &m).await["unread"], 2);

        let (status, v) = body(app.post_json(&read, Some(&m), &json!({})).await).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v, json!({"unread": 1}));
        let v = inbox(&app, &m).await;
        assert!(v["items"][0]["read_at"].is_string());
        // Reading again keeps the count.
        let (_, v) = body(app.post_json(&read, Some(&m), &json!({})).await).await;
        assert_eq!(v, json!({"unread": 1}));

        let (status, v) = body(
            app.post_json("/api/v1/notifications/read-all", Some(&m), &json!({}))
                .await,
        )
        .await;
        assert_eq!((status.as_u16(), v), (200, json!({"unread": 0})));
        assert_eq!(
            inbox(&app, &reviewer).await["unread"],
            1,
            "the reviewer's stays"
        );
        let (status, _) = body(app.get("/api/v1/notifications", None).await).await;
        assert_eq!(status, 401);
    }
);

backend_test!(
    an_extension_tells_the_merchant_and_a_claim_tells_no_one,
    |app| {
        let reviewer = app.official("rev", "reviewer").await;
        let m = app.merchant("m").await;
        let id = app.submit_ok(&m, &application()).await;
        assert_eq!(inbox(&app, &m).await["total"], 1);

        app.act(&reviewer, &id, "claim", json!({})).await;
        assert_eq!(inbox(&app, &m).await["total"], 1, "a claim is no news");

        app.act(
            &reviewer,
            &id,
            "extend",
            json!({"days": 5, "reason": "需要现场核查"}),
        )
        .await;
        let v = inbox(&app, &m).await;
        assert_eq!(v["total"], 2, "{v}");
        let newest = &v["items"][0];
        assert_eq!(newest["event"], "extended");
        assert_eq!(newest["application_id"], id.as_str());
        let text = newest["text"].as_str().unwrap();
        assert!(
            text.contains("办理期限已依法延长") && text.chars().count() <= 70,
            "{text}"
        );
    }
);

/// 10:00 in Beijing on `day` (ISO date).
fn set_day(app: &TestApp, day: &str) {
    let d: chrono::NaiveDate = day.parse().unwrap();
    app.clock.set(chrono::TimeZone::from_utc_datetime(
        &chrono::Utc,
        &d.and_hms_opt(2, 0, 0).unwrap(),
    ));
}

fn reminder_rows(app: &TestApp, event: &str, recipient: &str) -> i64 {
    app.count(&format!(
        "notifications n JOIN users u ON u.id = n.recipient_id \
         WHERE n.event = '{event}' AND u.username = '{recipient}_u'"
    ))
}

both_backends!(
    the_clock_reminds_the_handlers_then_the_holder_once_per_due_day,
    |backend| {
        let app = spawn_tweaked(backend, |c: &mut Config| {
            c.notify.remind_every = Duration::from_millis(50);
        })
        .await;
        let rev1 = app.official("rev1", "reviewer").await;
        app.official("rev2", "reviewer").await;
        let m = app.merchant("m").await;
        set_day(&app, "2026-12-01");
        let id = app.submit_ok(&m, &application()).await;
        let due = app.detail(&rev1, &id).await["clock"]["due_on"].clone();
        assert_eq!(due, "2026-12-22", "15 working days after 1 December");

        // Three working days before the due day: every reviewer is told, once.
        set_day(&app, "2026-12-17");
        eventually(Duration::from_secs(10), "the due-soon reminders", || {
            reminder_rows(&app, "due_soon", "rev1") == 1
                && reminder_rows(&app, "due_soon", "rev2") == 1
        })
        .await;

        // rev1 takes the case; past the due day only rev1 is told, and only once however often
        // the scan runs.
        app.act(&rev1, &id, "claim", json!({})).await;
        set_day(&app, "2026-12-23");
        eventually(Duration::from_secs(10), "the overdue reminder", || {
            reminder_rows(&app, "overdue", "rev1") == 1
        })
        .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(reminder_rows(&app, "overdue", "rev1"), 1);
        assert_eq!(reminder_rows(&app, "overdue", "rev2"), 0);
        assert_eq!(reminder_rows(&app, "due_soon", "rev1"), 1);
        assert_eq!(app.count("reminders"), 2);
        let v = inbox(&app, &rev1).await;
        assert_eq!(v["items"][0]["event"], "overdue", "{v}");
        assert_eq!(v["items"][0]["application_id"], id.as_str());
    }
);
