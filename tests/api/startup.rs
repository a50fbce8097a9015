//! The command line: start-up checks, migrations, the first admin, `user add`, health.

use crate::helpers::{body, test_config, TestClock};
use signboard::db::DbUrl;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

fn signboard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_signboard"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, _) in std::env::vars() {
        if k.starts_with("SIGNBOARD_") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn an_unknown_database_scheme_is_refused_with_a_clear_message() {
    let out = signboard()
        .args(["migrate"])
        .env("SIGNBOARD_DATABASE_URL", "mysql://root@localhost/db")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unsupported database URL") && err.contains("sqlite://"),
        "{err}"
    );
}

#[test]
fn migrate_and_user_add_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/cli.db", tmp.path().display());
    let out = signboard()
        .args(["migrate"])
        .env("SIGNBOARD_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let applied = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("applied {applied} migration")),
        "{stdout}"
    );

    let mut child = signboard()
        .args(["user", "add", "--username", "tr9", "--role", "translator"])
        .env("SIGNBOARD_DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-good-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The user exists with a password that verifies.
    let db = signboard::db::Db::connect(&DbUrl::parse(&url).unwrap(), 1).unwrap();
    let mut conn = db.get().unwrap();
    let row = signboard::auth::find_by_username(
        &mut conn,
        &signboard::auth::LoginName::parse("tr9").unwrap(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(row.role.as_str(), "translator");
    assert!(
        signboard::auth::password::Hasher::new(256).verify("a-good-password", &row.password_hash)
    );

    let mut child = signboard()
        .args(["user", "add", "--username", "tr8", "--role", "translator"])
        .env("SIGNBOARD_DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
}

#[tokio::test]
async fn first_start_creates_admin_once_and_keeps_a_private_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut config = test_config(&data, DbUrl::Sqlite(data.join("db.sqlite")));
    config.jwt_secret = None;
    config.admin_password = None;
    let services = signboard::prepare(config.clone(), Arc::new(TestClock::default())).unwrap();
    let secret_path = data.join("jwt_secret");
    let secret = std::fs::read(&secret_path).unwrap();
    assert!(secret.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut conn = services.state.db.get().unwrap();
    assert_eq!(signboard::auth::count_users(&mut conn).unwrap(), 1);
    let admin = signboard::auth::find_by_username(
        &mut conn,
        &signboard::auth::LoginName::parse("admin").unwrap(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(admin.role.as_str(), "admin");
    drop(conn);
    drop(services);
    // A second start keeps the secret and makes no second admin.
    let services = signboard::prepare(config, Arc::new(TestClock::default())).unwrap();
    assert_eq!(std::fs::read(&secret_path).unwrap(), secret);
    let mut conn = services.state.db.get().unwrap();
    assert_eq!(signboard::auth::count_users(&mut conn).unwrap(), 1);
}

#[test]
fn missing_fonts_stop_start_up_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut config = test_config(&data, DbUrl::Sqlite(data.join("db.sqlite")));
    config.fonts_dir = tmp.path().join("no-fonts");
    let err = signboard::prepare(config, Arc::new(TestClock::default()))
        .err()
        .unwrap();
    assert!(err.to_string().contains("fonts"), "{err}");
}

crate::backend_test!(health_and_the_start_page, |app| {
    let (status, v) = body(app.get("/healthz", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(v, serde_json::json!({"status": "ok"}));
    let resp = app.get("/", None).await;
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"));
    assert!(resp.text().await.unwrap().contains("牌匾"));
});
