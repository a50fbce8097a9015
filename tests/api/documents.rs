//! Issue 11 on both backends: reference numbers, the documents as PDF (their text read back
//! with lopdf, the certificate's QR code rendered with pdftoppm and decoded with rqrr), the
//! signed verification record (checked with an independent Ed25519 implementation),
//! revocation, replacement, the public register and who may download what.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::backend_test;
use crate::helpers::{application, body, error_code, TestApp, LICENSE, MN, ZH};

const PHONE: &str = "0475-4212345";

/// A submitted application taken to approval; answers its id.
async fn approved(app: &TestApp, m: &str, tr: &str, rev: &str, form: &Value) -> String {
    let id = app.submit_ok(m, form).await;
    app.act(tr, &id, "confirm_translation", json!({})).await;
    app.act(rev, &id, "approve", json!({"comment": "同意设置"}))
        .await;
    id
}

async fn officials(app: &TestApp) -> (String, String) {
    (
        app.official("tr1", "translator").await,
        app.official("rev1", "reviewer").await,
    )
}

async fn pdf(app: &TestApp, token: &str, id: &str, kind: &str) -> (u16, Vec<u8>) {
    let resp = app
        .get(
            &format!("/api/v1/applications/{id}/documents/{kind}.pdf"),
            Some(token),
        )
        .await;
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap().to_vec();
    // SIGNBOARD_DOCS_DUMP=DIR keeps the documents for a person to look at.
    if let (Ok(dir), 200) = (std::env::var("SIGNBOARD_DOCS_DUMP"), status) {
        std::fs::write(format!("{dir}/{kind}.pdf"), &bytes).unwrap();
    }
    (status, bytes)
}

/// The text of the PDF's first page, as a PDF reader extracts it.
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    doc.extract_text(&[1]).unwrap()
}

/// Renders the PDF's first page with pdftoppm and decodes every QR code on it.
fn qr_codes(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.pdf");
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("page");
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(&input)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) is needed for this test");
    assert!(status.success());
    let img = image::open(dir.path().join("page.png")).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// The token at the end of a verification URL.
fn token_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

async fn verification(app: &TestApp, token: &str) -> Value {
    let (status, v) = body(app.get(&format!("/api/v1/verify/{token}"), None).await).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// Checks the record's signature with ed25519-compact against the published key.
async fn assert_signed(app: &TestApp, v: &Value) {
    let (status, key) = body(app.get("/api/v1/verify/key", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(key["alg"], "Ed25519");
    let pk = URL_SAFE_NO_PAD
        .decode(key["public_key"].as_str().unwrap())
        .unwrap();
    let pk = ed25519_compact::PublicKey::from_slice(&pk).unwrap();
    let sig = URL_SAFE_NO_PAD
        .decode(v["signature"].as_str().unwrap())
        .unwrap();
    let sig = ed25519_compact::Signature::from_slice(&sig).unwrap();
    let canonical = v["canonical"].as_str().unwrap();
    pk.verify(canonical.as_bytes(), &sig).unwrap();
    // A changed record does not verify.
    let forged = canonical.replace(ZH, "别的商店");
    assert!(pk.verify(forged.as_bytes(), &sig).is_err());
    // `record` is `canonical` parsed, and canonical has sorted keys.
    let parsed: Value = serde_json::from_str(canonical).unwrap();
    assert_eq!(parsed, v["record"]);
    let keys: Vec<&String> = parsed.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

backend_test!(certificate_with_a_qr_code_that_verifies, |app| {
    let m = app.merchant("docs_a").await;
    let (tr, rev) = officials(&app).await;
    let id = approved(&app, &m, &tr, &rev, &application()).await;
    let d = app.detail(&m, &id).await;
    let reference = d["reference"].as_str().unwrap().to_owned();
    assert!(
        reference.len() == 9 && reference.as_bytes()[4] == b'-',
        "{reference}"
    );
    let approval_no = d["approval_no"].as_str().unwrap().to_owned();

    let (status, docs) = body(
        app.get(&format!("/api/v1/applications/{id}/documents"), Some(&m))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{docs}");
    let kinds: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["receipt", "approval_decision", "certificate"]);
    assert_eq!(docs[2]["title"], "牌匾审批证");

    let (status, cert) = pdf(&app, &m, &id, "certificate").await;
    assert_eq!(status, 200);
    let text = pdf_text(&cert);
    for expected in [
        "牌匾审批证",
        approval_no.as_str(),
        ZH,
        LICENSE,
        "奈曼旗民族事务委员会",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    // The Mongolian text is drawn as shaped glyphs that still carry their characters.
    assert!(
        text.chars()
            .filter(|c| ('\u{1820}'..='\u{1877}').contains(c))
            .count()
            >= 10,
        "no Mongolian text in {text}"
    );
    // Same record, same bytes.
    assert_eq!(pdf(&app, &m, &id, "certificate").await.1, cert);

    let codes = qr_codes(&cert);
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(
        codes[0].starts_with("http://127.0.0.1:8080/v/"),
        "{}",
        codes[0]
    );
    let token = token_of(&codes[0]);
    assert!(
        text.contains(&token),
        "the short code is printed under the QR code"
    );
    assert_ne!(token, id);

    assert_valid_and_public(&app, &token, &approval_no).await;
    // The first issue of each document is recorded once.
    assert_eq!(app.count("documents"), 1);
    let (status, receipt) = pdf(&app, &m, &id, "receipt").await;
    assert_eq!(status, 200);
    let text = pdf_text(&receipt);
    assert!(
        text.contains("受理回执") && text.contains(&reference),
        "{text}"
    );
    // The receipt states the statutory due day the clock gave at submission.
    let due: chrono::NaiveDate = app.detail(&m, &id).await["clock"]["due_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let due_zh = due.format("%Y年%-m月%-d日").to_string();
    assert!(
        text.contains("办结期限") && text.contains(&due_zh),
        "{due_zh} in {text}"
    );
    assert_eq!(app.count("documents"), 2);
});

/// A fresh approval verifies as valid, signed, with nothing private; its picture and page are
/// public.
async fn assert_valid_and_public(app: &TestApp, token: &str, approval_no: &str) {
    let v = verification(app, token).await;
    assert_eq!(v["status"], "valid");
    assert_eq!(v["status_label"], "有效");
    assert_eq!(v["record"]["approval_no"], approval_no);
    assert_eq!(v["record"]["licence_no"], "91350100********43");
    assert_eq!(v["record"]["texts"]["mn"], MN);
    let raw = v.to_string();
    assert!(!raw.contains(PHONE) && !raw.contains(LICENSE) && !raw.contains("docs_a"));
    assert_signed(app, &v).await;

    // The approved sign as drawn, for the public page.
    let resp = app
        .get(&format!("/api/v1/verify/{token}/preview.png"), None)
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.unwrap().starts_with(b"\x89PNG"));
    // The public page itself.
    let page = app
        .client
        .get(app.url(&format!("/v/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("/js/verify.js"));
}

backend_test!(another_merchant_sees_no_documents, |app| {
    let a = app.merchant("owner_a").await;
    let b = app.merchant("other_b").await;
    let (tr, rev) = officials(&app).await;
    let id = approved(&app, &a, &tr, &rev, &application()).await;
    let (status, v) = body(
        app.get(&format!("/api/v1/applications/{id}/documents"), Some(&b))
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (404, "not_found")
    );
    for kind in ["certificate", "receipt", "approval_decision"] {
        assert_eq!(pdf(&app, &b, &id, kind).await.0, 404, "{kind}");
    }
    // No login: 401; an unknown kind or one not issued: 404.
    assert_eq!(pdf(&app, "", &id, "certificate").await.0, 401);
    assert_eq!(pdf(&app, &a, &id, "rejection_decision").await.0, 404);
    assert_eq!(pdf(&app, &a, &id, "poster").await.0, 404);
    // The reviewer may.
    assert_eq!(pdf(&app, &rev, &id, "certificate").await.0, 200);
});

backend_test!(notices_and_decisions_state_everything, |app| {
    let m = app.merchant("docs_n").await;
    let (_, rev) = officials(&app).await;
    let id = app.submit_ok(&m, &application()).await;
    let items = json!([
        {"message": "蒙古文字号应不小于汉文", "rule": "R7"},
        {"message": "请补充夜间照明说明"}
    ]);
    app.act(
        &rev,
        &id,
        "request_changes",
        json!({"items": items, "comment": "一次改完"}),
    )
    .await;
    let (status, notice) = pdf(&app, &m, &id, "correction_notice").await;
    assert_eq!(status, 200);
    let text = pdf_text(&notice);
    for expected in [
        "一次性补正告知书",
        "蒙古文字号应不小于汉文",
        "R7",
        "请补充夜间照明说明",
        "一次改完",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }

    let other = app.submit_ok(&m, &application()).await;
    app.act(
        &rev,
        &other,
        "reject",
        json!({"comment": "店名与营业执照不一致"}),
    )
    .await;
    let (status, decision) = pdf(&app, &m, &other, "rejection_decision").await;
    assert_eq!(status, 200);
    let text = pdf_text(&decision);
    for expected in [
        "不予行政许可决定书",
        "店名与营业执照不一致",
        "六十日",
        "六个月",
        "行政复议",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    assert_eq!(pdf(&app, &m, &other, "certificate").await.0, 404);
    // A rejection is not published.
    let (_, reg) = body(app.get("/api/v1/register", None).await).await;
    assert_eq!(reg["total"], 0);
});

/// Approves an application and revokes it, checking the refusals on the way and what its
/// certificate then verifies as.
async fn revoked_one(app: &TestApp, m: &str, tr: &str, rev: &str) {
    let a = approved(app, m, tr, rev, &application()).await;
    let (_, cert) = pdf(app, m, &a, "certificate").await;
    let token_a = token_of(&qr_codes(&cert)[0]);
    let version = app.version(rev, &a).await;
    let (status, v) = body(
        app.transition(
            rev,
            &a,
            &json!({"action": "revoke", "expected_version": version}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "reason_required")
    );
    let (status, v) = body(
        app.transition(
            m,
            &a,
            &json!({"action": "revoke", "expected_version": version, "reason": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "{v}");
    let v = app
        .act(rev, &a, "revoke", json!({"reason": "牌匾内容与批准不符"}))
        .await;
    assert_eq!(v["status"], "revoked");
    assert_eq!(v["approval_no"], app.detail(m, &a).await["approval_no"]);
    let v = verification(app, &token_a).await;
    assert_eq!(v["status"], "revoked");
    assert_eq!(v["status_label"], "已撤销");
    assert_eq!(v["revoked_reason"], "牌匾内容与批准不符");
    assert!(v["revoked_at"].is_string());
    assert_signed(app, &v).await;
    // A revoked approval's certificate is no longer handed out; its decision stays on file.
    assert_eq!(pdf(app, m, &a, "certificate").await.0, 404);
    assert_eq!(pdf(app, m, &a, "approval_decision").await.0, 200);
    let (_, list) = body(
        app.get(&format!("/api/v1/applications/{a}/documents"), Some(m))
            .await,
    )
    .await;
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["receipt", "approval_decision"]);
}

backend_test!(
    a_revoked_approval_verifies_as_revoked_and_is_counted,
    |app| {
        let m = app.merchant("docs_r").await;
        let (tr, rev) = officials(&app).await;
        revoked_one(&app, &m, &tr, &rev).await;
        // The merchant is told (a notification written with the revocation).
        assert_eq!(
            app.count("notifications n JOIN users u ON u.id = n.recipient_id WHERE n.event = 'revoked' AND u.role = 'merchant'"),
            1
        );
        // The yearly counts show the revocation separately; the running counts match a recount.
        let (_, stats) = body(app.get("/api/v1/stats/approvals", None).await).await;
        let year = &stats["years"][0];
        assert_eq!(
            (year["approved"].as_i64(), year["revoked"].as_i64()),
            (Some(1), Some(1))
        );
        app.assert_counts_consistent();
    }
);

backend_test!(a_replaced_approval_links_to_its_replacement, |app| {
    let m = app.merchant("docs_r").await;
    let (tr, rev) = officials(&app).await;
    revoked_one(&app, &m, &tr, &rev).await;
    let b1 = approved(&app, &m, &tr, &rev, &application()).await;
    let mut changed = application();
    changed["replaces"] = json!(b1);
    changed["texts"]["zh"] = json!("奈曼旗民族商贸中心");
    changed["shop_name"] = json!("奈曼旗民族商贸中心");
    let b2 = approved(&app, &m, &tr, &rev, &changed).await;
    assert_eq!(app.detail(&m, &b2).await["replaces"], b1.as_str());
    let (_, cert1) = pdf(&app, &m, &b1, "certificate").await;
    let (_, cert2) = pdf(&app, &m, &b2, "certificate").await;
    let (url1, url2) = (qr_codes(&cert1).remove(0), qr_codes(&cert2).remove(0));
    let v = verification(&app, &token_of(&url1)).await;
    assert_eq!(v["status"], "superseded");
    assert_eq!(v["status_label"], "已变更");
    assert_eq!(v["replaced_by"]["url"], url2.as_str());
    assert_eq!(
        v["replaced_by"]["approval_no"],
        app.detail(&m, &b2).await["approval_no"]
    );
    assert_eq!(
        verification(&app, &token_of(&url2)).await["status"],
        "valid"
    );

    // Only one's own approved application can be replaced.
    let other = app.merchant("docs_other").await;
    let mut foreign = application();
    foreign["replaces"] = json!(b2);
    let resp = app
        .submit(
            &other,
            crate::helpers::form(&foreign, vec![crate::helpers::png_part(1600, 400)]),
            None,
        )
        .await;
    let (status, v) = body(resp).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application")
    );
    assert_register(&app).await;
});

/// The register: every approval with its standing, the licence masked, no phone, no name.
async fn assert_register(app: &TestApp) {
    let (status, reg) = body(app.get("/api/v1/register", None).await).await;
    assert_eq!(status, 200, "{reg}");
    assert_eq!(reg["total"], 3);
    let standings: Vec<&str> = reg["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(standings, ["valid", "superseded", "revoked"]);
    assert_eq!(reg["items"][0]["licence_no"], "91350100********43");
    assert_eq!(reg["items"][0]["texts"]["zh"], "奈曼旗民族商贸中心");
    let raw = reg.to_string();
    assert!(!raw.contains(PHONE) && !raw.contains(LICENSE) && !raw.contains("docs_r"));
    let resp = app
        .get("/api/v1/register?format=csv&q=商贸中心", None)
        .await;
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("91350100********43") && !csv.contains(PHONE));
}

backend_test!(unknown_tokens_are_not_found, |app| {
    for token in ["AAAAAAAAAAAAAAAA", "short", "AAAAAAAAAAAAAAAA.."] {
        let (status, v) = body(app.get(&format!("/api/v1/verify/{token}"), None).await).await;
        assert_eq!(
            (status.as_u16(), error_code(&v).as_str()),
            (404, "not_found"),
            "{token}"
        );
    }
    let (status, v) = body(app.get("/api/v1/register?per_page=500", None).await).await;
    assert_eq!(
        (status.as_u16(), error_code(&v).as_str()),
        (400, "invalid_query")
    );
});

backend_test!(a_vertical_sign_gets_its_mongolian_in_columns, |app| {
    let m = app.merchant("docs_v").await;
    let (tr, rev) = officials(&app).await;
    let mut form = application();
    form["sign"] = json!({"kind": "vertical_plaque", "width_mm": 1200, "height_mm": 4000,
        "arrangement": "vertical", "material": "铜", "illuminated": false});
    let id = approved(&app, &m, &tr, &rev, &form).await;
    let (status, cert) = pdf(&app, &m, &id, "certificate").await;
    assert_eq!(status, 200);
    let text = pdf_text(&cert);
    assert!(text.contains("竖排"), "{text}");
    assert!(
        text.chars()
            .filter(|c| ('\u{1820}'..='\u{1877}').contains(c))
            .count()
            >= 10,
        "no Mongolian text in {text}"
    );
    assert_eq!(qr_codes(&cert).len(), 1);
});

backend_test!(approvals_from_before_records_are_signed_at_start, |app| {
    use diesel::prelude::*;
    use signboard::applications::commands::record;
    use signboard::db::schema::approvals;
    let m = app.merchant("m_old").await;
    let (tr, rev) = officials(&app).await;
    let id = approved(&app, &m, &tr, &rev, &application()).await;
    // As an approval decided before migration 000007 left it: no record, no certificate.
    let mut conn = app.conn();
    diesel::delete(approvals::table)
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    assert_eq!(pdf(&app, &m, &id, "certificate").await.0, 404);

    let mut conn = app.conn();
    assert_eq!(record::backfill(&app.state.workflow, &mut conn).unwrap(), 1);
    assert_eq!(record::backfill(&app.state.workflow, &mut conn).unwrap(), 0);
    let token: String = approvals::table
        .select(approvals::token)
        .first(&mut *conn)
        .unwrap();
    drop(conn);
    let v = verification(&app, &token).await;
    assert_eq!(v["status"], "valid", "{v}");
    assert_signed(&app, &v).await;
    let (status, cert) = pdf(&app, &m, &id, "certificate").await;
    assert_eq!(status, 200);
    assert!(pdf_text(&cert).contains(&token));
});
