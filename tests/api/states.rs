//! The workflow as a table: every role × status × action is allowed or refused with its exact
//! code; stored states are a closed set (the database refuses others, and one found there
//! anyway is an error, never a default).

use crate::backend_test;
use crate::helpers::{
    application, application_for_translation, body, error_code, form, TestApp, MN,
};
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};
use signboard::db::DbUrl;

const ROLES: [&str; 4] = ["merchant", "translator", "reviewer", "admin"];
const STATUSES: [&str; 6] = [
    "translating",
    "in_review",
    "changes_requested",
    "approved",
    "rejected",
    "withdrawn",
];
const ACTIONS: [&str; 8] = [
    "submit",
    "supply_translation",
    "confirm_translation",
    "approve",
    "reject",
    "request_changes",
    "resubmit",
    "withdraw",
];

/// What the workflow says, written out independently of the service's table: `None`
/// when the move is allowed, else the status and code of the refusal.
fn expected(role: &str, status: &str, action: &str) -> Option<(u16, &'static str)> {
    let (roles, from): (&[&str], &[&str]) = match action {
        "submit" => (&["merchant"], &[]),
        "supply_translation" => (&["translator", "admin"], &["translating"]),
        "confirm_translation" => (&["translator", "admin"], &["in_review"]),
        "approve" => (&["reviewer", "admin"], &["in_review"]),
        "reject" | "request_changes" => (&["reviewer", "admin"], &["translating", "in_review"]),
        "resubmit" => (&["merchant"], &["changes_requested"]),
        "withdraw" => (
            &["merchant"],
            &["translating", "in_review", "changes_requested"],
        ),
        _ => unreachable!(),
    };
    if !roles.contains(&role) {
        return Some((403, "forbidden"));
    }
    if !from.contains(&status) {
        return Some((422, "illegal_transition"));
    }
    // A fresh application in review has an unconfirmed Mongolian text.
    (action == "approve").then_some((422, "translation_unconfirmed"))
}

/// What each action carries when it is taken in earnest.
fn payload(action: &str) -> Value {
    match action {
        "supply_translation" => json!({"mn": MN}),
        "reject" => json!({"comment": "不符合规定"}),
        "request_changes" => json!({"items": [{"message": "请修改"}]}),
        _ => json!({}),
    }
}

struct People {
    merchant: String,
    translator: String,
    reviewer: String,
    admin: String,
}

impl People {
    fn token(&self, role: &str) -> &str {
        match role {
            "merchant" => &self.merchant,
            "translator" => &self.translator,
            "reviewer" => &self.reviewer,
            _ => &self.admin,
        }
    }
}

/// A new application brought to `status`.
async fn in_status(app: &TestApp, p: &People, status: &str) -> String {
    let spec = match status {
        "translating" => application_for_translation(),
        _ => application(),
    };
    let id = app.submit_ok(&p.merchant, &spec).await;
    match status {
        "changes_requested" | "rejected" | "withdrawn" => {
            let (token, action) = match status {
                "changes_requested" => (&p.reviewer, "request_changes"),
                "rejected" => (&p.reviewer, "reject"),
                _ => (&p.merchant, "withdraw"),
            };
            app.act(token, &id, action, payload(action)).await;
        }
        "approved" => {
            app.act(&p.translator, &id, "confirm_translation", json!({}))
                .await;
            app.act(&p.reviewer, &id, "approve", json!({})).await;
        }
        _ => {}
    }
    assert_eq!(app.detail(&p.admin, &id).await["status"], status);
    id
}

/// Takes `action` as `token` at the current version; JSON, or multipart for a resubmission.
async fn attempt(app: &TestApp, token: &str, admin: &str, id: &str, action: &str) -> (u16, Value) {
    let version = app.version(admin, id).await;
    let mut request = json!({"action": action, "expected_version": version});
    if let (Some(obj), Some(more)) = (request.as_object_mut(), payload(action).as_object()) {
        obj.extend(more.clone());
    }
    let resp = if action == "resubmit" {
        let f = form(&application(), vec![]).part(
            "transition",
            reqwest::multipart::Part::text(request.to_string()),
        );
        app.client
            .post(app.url(&format!("/api/v1/applications/{id}/transitions")))
            .bearer_auth(token)
            .multipart(f)
            .send()
            .await
            .unwrap()
    } else {
        app.transition(token, id, &request).await
    };
    let (status, v) = body(resp).await;
    (status.as_u16(), v)
}

backend_test!(
    every_role_status_and_action_is_allowed_or_refused_exactly,
    |app| {
        let p = People {
            merchant: app.merchant("owner").await,
            translator: app.official("tr", "translator").await,
            reviewer: app.official("rev", "reviewer").await,
            admin: app.admin().await,
        };
        let mut checked = 0;
        for status in STATUSES {
            let mut id = in_status(&app, &p, status).await;
            for role in ROLES {
                for action in ACTIONS {
                    let (code, v) = attempt(&app, p.token(role), &p.admin, &id, action).await;
                    let case = format!("{role} {action} in {status}: {v}");
                    match expected(role, status, action) {
                        Some((want, want_code)) => {
                            assert_eq!(
                                (code, error_code(&v).as_str()),
                                (want, want_code),
                                "{case}"
                            );
                        }
                        None => {
                            assert_eq!(code, 200, "{case}");
                            // The move happened: start again from a fresh application.
                            id = in_status(&app, &p, status).await;
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * 6 * 8);
    }
);

backend_test!(the_detail_says_what_blocks_each_action, |app| {
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let id = app.submit_ok(&m, &application()).await;
    let d = app.detail(&rev, &id).await;
    assert_eq!(
        d["available_actions"],
        json!(["approve", "reject", "request_changes", "extend", "claim"])
    );
    assert_eq!(
        d["blocked_by"]["approve"][0]["code"],
        "translation_unconfirmed"
    );
    assert_eq!(
        d["blocked_by"]["approve"][0]["message"],
        "蒙古文译文尚未经翻译人员确认，不能批准"
    );
    assert_eq!(d["blocked_by"]["reject"], json!([]));
    // The merchant's view lists its own actions, unblocked.
    assert_eq!(
        app.detail(&m, &id).await["blocked_by"],
        json!({"withdraw": []})
    );
    app.act(&tr, &id, "confirm_translation", json!({})).await;
    let d = app.detail(&rev, &id).await;
    assert_eq!(d["blocked_by"]["approve"], json!([]));
    // A confirmed translation is no longer offered for confirmation (holding the case is).
    assert_eq!(
        app.detail(&tr, &id).await["blocked_by"],
        json!({"claim": []})
    );
});

/// Runs SQL on the test's database, backend by backend.
fn sql(app: &TestApp, sqlite: &str, postgres: &str) -> Result<(), String> {
    let statement = match app.database {
        DbUrl::Sqlite(_) => sqlite,
        DbUrl::Postgres(_) => postgres,
    };
    app.conn()
        .batch_execute(statement)
        .map_err(|e| e.to_string())
}

backend_test!(the_database_refuses_an_unknown_status_or_action, |app| {
    let m = app.merchant("m").await;
    let id = app.submit_ok(&m, &application()).await;
    let bad_status = format!("UPDATE applications SET status = 'lost' WHERE id = '{id}'");
    let e = sql(&app, &bad_status, &bad_status).unwrap_err();
    assert!(e.contains("CHECK") || e.contains("check"), "{e}");
    let bad_action = format!("UPDATE events SET action = 'teleport' WHERE application_id = '{id}'");
    assert!(sql(&app, &bad_action, &bad_action).is_err());
    let bad_verdict =
        format!("UPDATE revisions SET verdict = 'maybe' WHERE application_id = '{id}'");
    assert!(sql(&app, &bad_verdict, &bad_verdict).is_err());
    // Nothing changed.
    assert_eq!(app.detail(&m, &id).await["status"], "in_review");
});

backend_test!(
    an_unknown_status_in_the_database_is_an_error_not_a_default,
    |app| {
        let m = app.merchant("m").await;
        let rev = app.official("rev", "reviewer").await;
        let id = app.submit_ok(&m, &application()).await;
        // As if written by hand around the constraints.
        sql(
            &app,
            "DROP TRIGGER applications_status_check_update; \
         DROP TRIGGER revisions_verdict_check_update;",
            "ALTER TABLE applications DROP CONSTRAINT applications_status_check; \
         ALTER TABLE revisions DROP CONSTRAINT revisions_verdict_check;",
        )
        .unwrap();
        let bad_verdict =
            format!("UPDATE revisions SET verdict = 'maybe' WHERE application_id = '{id}'");
        sql(&app, &bad_verdict, &bad_verdict).unwrap();
        // A verdict nobody knows is not read as `fail`: reading the application fails.
        let url = format!("/api/v1/applications/{id}");
        let (status, v) = body(app.get(&url, Some(&m)).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (500, "internal_error")
        );

        let restore =
            format!("UPDATE revisions SET verdict = 'pass' WHERE application_id = '{id}'");
        sql(&app, &restore, &restore).unwrap();
        let bad_status = format!("UPDATE applications SET status = 'lost' WHERE id = '{id}'");
        sql(&app, &bad_status, &bad_status).unwrap();
        for path in [url.clone(), "/api/v1/applications".to_owned()] {
            let (status, v) = body(app.get(&path, Some(&rev)).await).await;
            assert_eq!(
                (status.as_u16(), error_code(&v).as_str()),
                (500, "internal_error"),
                "{path}: {v}"
            );
        }
        let (status, v) = body(
            app.transition(
                &rev,
                &id,
                &json!({"action": "reject", "expected_version": 1, "comment": "x"}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (500, "internal_error")
        );
    }
);
