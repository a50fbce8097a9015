//! The term base, the translation memory, suggestions and rule T3, on both backends. The
//! Mongolian words are those of the other fixtures (奈曼 ᠨᠠᠢᠮᠠᠨ, 商贸 ᠬᠣᠳᠠᠯᠳᠤᠭᠠ, 商店
//! ᠳᠡᠯᠭᠡᠭᠦᠷ); the base starts empty and every test builds its own.

use crate::backend_test;
use crate::helpers::{application, body, error_code, TestApp, MN, ZH};
use diesel::prelude::*;
use serde_json::{json, Value};

const NAIMAN: &str = "ᠨᠠᠢᠮᠠᠨ";
const TRADE: &str = "ᠬᠣᠳᠠᠯᠳᠤᠭᠠ";
const SHOP: &str = "ᠳᠡᠯᠭᠡᠭᠦᠷ";
const CENTRE: &str = "ᠲᠥᠪ";

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    b: &Value,
) -> (u16, Value) {
    let resp = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(b)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Adds a term and approves it; returns its id.
async fn approved_term(app: &TestApp, token: &str, zh: &str, mn: &str) -> String {
    let (status, t) = body(
        app.post_json("/api/v1/terms", Some(token), &json!({"zh": zh, "mn": mn}))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    let (status, t) = send(
        app,
        reqwest::Method::PATCH,
        &format!("/api/v1/terms/{id}"),
        token,
        &json!({"status": "approved", "version": 1}),
    )
    .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["status"], "approved");
    id
}

async fn suggest(app: &TestApp, token: &str, zh: &str) -> Value {
    let (status, v) = body(
        app.post_json("/api/v1/translate/suggest", Some(token), &json!({"zh": zh}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn import(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    let resp = app
        .client
        .post(app.url("/api/v1/terms/import"))
        .bearer_auth(token)
        .header("Content-Type", "text/csv; charset=utf-8")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn post_term(app: &TestApp, token: &str, term: Value) -> (u16, Value) {
    let (status, v) = body(app.post_json("/api/v1/terms", Some(token), &term).await).await;
    (status.as_u16(), v)
}

backend_test!(
    terms_are_read_by_officials_and_checked_like_a_signs_mongolian,
    |app| {
        let tr = app.official("tr", "translator").await;
        let rev = app.official("rev", "reviewer").await;
        let m = app.merchant("m").await;
        let (status, t) = post_term(
            &app,
            &tr,
            json!({"zh": "奈曼", "mn": NAIMAN, "note": "旗名"}),
        )
        .await;
        assert_eq!(status, 201, "{t}");
        assert_eq!(
            (t["status"].as_str(), t["version"].as_i64()),
            (Some("proposed"), Some(1))
        );
        assert_eq!(t["updated_by"]["display_name"], "tr_u");

        // Reviewers read, merchants do not; only translators and admins write.
        let (status, page) = body(app.get("/api/v1/terms?q=奈", Some(&rev)).await).await;
        assert_eq!(status, 200);
        assert_eq!(
            (page["total"].as_i64(), &page["items"][0]["mn"]),
            (Some(1), &json!(NAIMAN))
        );
        let (status, v) = body(app.get("/api/v1/terms", Some(&m)).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (403, "forbidden")
        );
        let (status, v) = post_term(&app, &rev, json!({"zh": "商店", "mn": SHOP})).await;
        assert_eq!((status, error_code(&v).as_str()), (403, "forbidden"));

        // Every field at once: no Han in zh, no Mongolian letter in mn.
        let (status, v) = post_term(&app, &tr, json!({"zh": "abc", "mn": "shop"})).await;
        assert_eq!(
            (status, error_code(&v).as_str()),
            (422, "invalid_term"),
            "{v}"
        );
        let fields: Vec<&str> = v["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["zh", "mn"]);
        // Rule R2's script check: Latin letters in the Mongolian.
        let (status, v) =
            post_term(&app, &tr, json!({"zh": "商店", "mn": format!("{SHOP}abc")})).await;
        assert_eq!(status, 422);
        assert!(
            v["error"]["message"].as_str().unwrap().contains("拉丁字母"),
            "{v}"
        );
        let (status, v) = post_term(&app, &tr, json!({"zh": "奈曼", "mn": NAIMAN})).await;
        assert_eq!((status, error_code(&v).as_str()), (409, "duplicate"));
        assert_eq!(app.count("terms"), 1);
    }
);

backend_test!(
    terms_are_approved_changed_and_deleted_with_an_audit_trail,
    |app| {
        use reqwest::Method;
        let tr = app.official("tr", "translator").await;
        let (_, t) = post_term(&app, &tr, json!({"zh": "奈曼", "mn": NAIMAN})).await;
        let id = t["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/terms/{id}");

        // Approve; a change on a stale copy is refused; a new Mongolian needs approving again.
        let (status, t) = send(
            &app,
            Method::PATCH,
            &path,
            &tr,
            &json!({"status": "approved", "version": 1}),
        )
        .await;
        assert_eq!(
            (status, t["status"].as_str(), t["version"].as_i64()),
            (200, Some("approved"), Some(2))
        );
        let (status, v) = send(
            &app,
            Method::PATCH,
            &path,
            &tr,
            &json!({"note": "x", "version": 1}),
        )
        .await;
        assert_eq!((status, error_code(&v).as_str()), (409, "version_conflict"));
        let changed = json!({"mn": format!("{NAIMAN} {CENTRE}")});
        let (status, t) = send(&app, Method::PATCH, &path, &tr, &changed).await;
        assert_eq!(
            (status, t["status"].as_str()),
            (200, Some("proposed")),
            "{t}"
        );

        let (status, _) = send(&app, Method::DELETE, &path, &tr, &json!({})).await;
        assert_eq!(status, 204);
        assert_eq!(app.count("terms"), 0);
        let mut actions: Vec<String> = {
            use signboard::db::schema::term_events::dsl as e;
            let mut conn = app.conn();
            e::term_events
                .filter(e::term_id.eq(&id))
                .select(e::action)
                .load(&mut *conn)
                .unwrap()
        };
        actions.sort();
        assert_eq!(actions, ["approve", "create", "delete", "update"]);
    }
);

backend_test!(
    an_approved_sign_is_remembered_and_suggested_exactly,
    |app| {
        let m = app.merchant("m").await;
        let tr = app.official("tr", "translator").await;
        let rev = app.official("rev", "reviewer").await;
        let id = app.submit_ok(&m, &application()).await;
        app.act(&tr, &id, "confirm_translation", json!({})).await;
        let approved = app.act(&rev, &id, "approve", json!({})).await;
        assert_eq!(app.count("translation_memory"), 1);

        // The same Chinese (spaces aside) answers the approved Mongolian exactly, with its reference.
        let spaced: String = ZH.chars().flat_map(|c| [c, ' ']).collect();
        for zh in [ZH, spaced.as_str()] {
            let v = suggest(&app, &tr, zh).await;
            let s = &v["suggestions"][0];
            assert_eq!(s["mn"], MN, "{v}");
            assert_eq!(
                (s["score"].as_f64(), s["coverage"].as_f64()),
                (Some(1.0), Some(1.0))
            );
            assert_eq!(s["parts"][0]["from"], "memory");
            assert_eq!(s["parts"][0]["reference"], approved["approval_no"]);
            assert_eq!(v["unknown"], json!([]));
        }
        // A longer name reuses the remembered sign as a fragment; the rest is unknown.
        let v = suggest(&app, &tr, &format!("{ZH}超市")).await;
        assert_eq!(v["suggestions"][0]["mn"], MN);
        assert_eq!(v["unknown"], json!(["超市"]));
        // Reviewers do not ask for suggestions.
        let (status, _) = body(
            app.post_json("/api/v1/translate/suggest", Some(&rev), &json!({"zh": ZH}))
                .await,
        )
        .await;
        assert_eq!(status, 403);
    }
);

backend_test!(a_term_change_is_used_by_the_next_suggestion, |app| {
    let tr = app.official("tr", "translator").await;
    let v = suggest(&app, &tr, "奈曼商贸24小时商店").await;
    assert_eq!(v["suggestions"], json!([]));
    assert_eq!(v["unknown"], json!(["奈曼商贸", "小时商店"]));

    let naiman = approved_term(&app, &tr, "奈曼", NAIMAN).await;
    approved_term(&app, &tr, "商贸", TRADE).await;
    // Proposed terms are not used.
    let (status, _) = body(
        app.post_json(
            "/api/v1/terms",
            Some(&tr),
            &json!({"zh": "商店", "mn": SHOP}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let v = suggest(&app, &tr, "奈曼商贸24小时商店").await;
    let s = &v["suggestions"][0];
    assert_eq!(s["mn"], format!("{NAIMAN} {TRADE} 24"), "{v}");
    let from: Vec<&str> = s["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["from"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["term", "term", "literal", "unknown"]);
    assert_eq!(v["unknown"], json!(["小时商店"]));
    assert_eq!(s["coverage"].as_f64(), Some(0.5));

    // The edited term is what the next suggestion says.
    let (status, _) = send(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/terms/{naiman}"),
        &tr,
        &json!({"mn": format!("{NAIMAN} {CENTRE}"), "status": "approved"}),
    )
    .await;
    assert_eq!(status, 200);
    let v = suggest(&app, &tr, "奈曼商贸").await;
    assert_eq!(
        v["suggestions"][0]["mn"],
        format!("{NAIMAN} {CENTRE} {TRADE}")
    );

    // A change another replica made (straight into the database) is seen too.
    {
        use signboard::db::schema::{term_versions, terms};
        let mut conn = app.conn();
        diesel::update(terms::table.filter(terms::zh.eq("商店")))
            .set(terms::status.eq("approved"))
            .execute(&mut *conn)
            .unwrap();
        diesel::update(term_versions::table.filter(term_versions::name.eq("terms")))
            .set(term_versions::n.eq(term_versions::n + 1))
            .execute(&mut *conn)
            .unwrap();
    }
    let v = suggest(&app, &tr, "奈曼商店").await;
    assert_eq!(
        v["suggestions"][0]["mn"],
        format!("{NAIMAN} {CENTRE} {SHOP}")
    );
});

backend_test!(an_import_with_one_bad_row_imports_nothing, |app| {
    let tr = app.official("tr", "translator").await;
    let bad =
        format!("zh,mn,note\n奈曼,{NAIMAN},旗名\n商贸,{TRADE}abc,\n商店,{SHOP},\n奈曼,{NAIMAN},\n");
    let (status, v) = import(&app, &tr, &bad).await;
    assert_eq!(
        (status, error_code(&v).as_str()),
        (422, "invalid_import"),
        "{v}"
    );
    let lines: Vec<i64> = v["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 5]);
    assert_eq!(app.count("terms"), 0);
    assert_eq!(app.count("term_events"), 0);

    let good = format!("zh,mn,note\n奈曼,{NAIMAN},\"旗名, 地名\"\n商贸,{TRADE},\n");
    let (status, v) = import(&app, &tr, &good).await;
    assert_eq!((status, v["imported"].as_i64()), (201, Some(2)), "{v}");
    // A second import of a term already in the base refuses the file.
    let (status, v) = import(&app, &tr, &format!("zh,mn\n商店,{SHOP}\n商贸,{TRADE}\n")).await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["details"][0]["line"], 3);
    assert_eq!(app.count("terms"), 2);

    let resp = app.get("/api/v1/terms/export", Some(&tr)).await;
    assert_eq!(resp.status(), 200);
    let csv = resp.text().await.unwrap();
    assert!(
        csv.contains(&format!("奈曼,{NAIMAN},\"旗名, 地名\",,proposed")),
        "{csv}"
    );

    // A literal route is not taken for `/terms/{id}`: only its own methods are allowed.
    let resp = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/terms/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET");

    // Wrong type: 415; too large: 413.
    let resp = app
        .client
        .post(app.url("/api/v1/terms/import"))
        .bearer_auth(&tr)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    let huge = format!("zh,mn\n{}", "奈曼,x\n".repeat(200_000));
    let (status, v) = import(&app, &tr, &huge).await;
    assert_eq!((status, error_code(&v).as_str()), (413, "body_too_large"));
});

fn spec(zh: &str, mn: &str) -> Value {
    let a = application();
    json!({"sign": a["sign"], "texts": {"zh": zh, "mn": mn}, "translation_requested": false})
}

fn t3(v: &Value) -> Vec<Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "T3")
        .cloned()
        .collect()
}

backend_test!(rule_t3_fires_on_an_inconsistent_pair_only, |app| {
    let tr = app.official("tr", "translator").await;
    // With an empty base T3 is silent.
    let (_, v) = body(
        app.post_json(
            "/api/v1/check",
            None,
            &spec(ZH, &format!("{TRADE} {CENTRE}")),
        )
        .await,
    )
    .await;
    assert!(t3(&v).is_empty());

    approved_term(&app, &tr, "奈曼", NAIMAN).await;
    let (status, v) = body(app.post_json("/api/v1/check", None, &spec(ZH, MN)).await).await;
    assert_eq!(status, 200);
    assert!(t3(&v).is_empty(), "{v}");

    let (_, v) = body(
        app.post_json(
            "/api/v1/check",
            None,
            &spec(ZH, &format!("{TRADE} {CENTRE}")),
        )
        .await,
    )
    .await;
    let found = t3(&v);
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(
        (found[0]["severity"].as_str(), found[0]["code"].as_str()),
        (Some("warning"), Some("term_mismatch"))
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("奈曼") && message.contains(NAIMAN),
        "{message}"
    );
    assert_eq!(found[0]["expected"]["mn"], NAIMAN);

    // The submission's own check runs T3 too, and stores it with the revision.
    let m = app.merchant("m").await;
    let mut a = application();
    a["texts"]["mn"] = json!(format!("{TRADE} {CENTRE}"));
    let id = app.submit_ok(&m, &a).await;
    let d = app.detail(&m, &id).await;
    assert_eq!(t3(&d["revisions"][0]).len(), 1, "{d}");
    // The catalogue lists the rule with its source.
    let (_, cat) = body(app.get("/api/v1/rules", None).await).await;
    assert!(cat.to_string().contains("\"T3\""));
});

backend_test!(the_migration_remembers_signs_approved_before_it, |app| {
    use diesel::connection::SimpleConnection;
    let m = app.merchant("m").await;
    let tr = app.official("tr", "translator").await;
    let rev = app.official("rev", "reviewer").await;
    let approved = app.submit_ok(&m, &application()).await;
    app.act(&tr, &approved, "confirm_translation", json!({}))
        .await;
    app.act(&rev, &approved, "approve", json!({})).await;
    let _pending = app.submit_ok(&m, &application()).await;
    // Back to the database before the migration, then the migration again: its backfill
    // finds the approved application (and only it).
    let dir = match app.database {
        signboard::db::DbUrl::Sqlite(_) => "sqlite",
        signboard::db::DbUrl::Postgres(_) => "postgres",
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir)
        .join("2026-11-29-000009_terms");
    let mut conn = app.conn();
    for step in ["down.sql", "up.sql"] {
        let sql = std::fs::read_to_string(root.join(step)).unwrap();
        conn.batch_execute(&sql).unwrap();
    }
    use signboard::db::schema::translation_memory::dsl as tm;
    let rows: Vec<(String, String, String)> = tm::translation_memory
        .select((tm::application_id, tm::zh, tm::mn))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(rows, [(approved, ZH.to_owned(), MN.to_owned())]);
});
