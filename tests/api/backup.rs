//! `signboard backup` against a running service on SQLite: the copy holds the rows, the
//! secrets and the design files, byte for byte; on PostgreSQL it refuses with advice.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::helpers::{application, png_bytes, spawn_tweaked, Backend};
use crate::process::signboard;
use signboard::db::{Db, DbConn, DbUrl};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_holds_rows_secrets_and_files() {
    // Copies the local store's folder: the local backend whatever the suite's backend.
    let app = spawn_tweaked(Backend::Sqlite, |c| c.storage = Default::default()).await;
    let m = app.merchant("backup").await;
    let id = app.submit_ok(&m, &application()).await;
    let DbUrl::Sqlite(path) = &app.database else {
        unreachable!()
    };
    std::fs::write(app.data_dir.join("signing_key"), b"seed-for-the-test").unwrap();
    let to = tempfile::tempdir().unwrap().path().join("copy");
    let out = signboard()
        .args(["backup", "--to"])
        .arg(&to)
        .env(
            "SIGNBOARD_DATABASE_URL",
            format!("sqlite://{}", path.display()),
        )
        .env("SIGNBOARD_DATA_DIR", &app.data_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let copy = Db::connect(&DbUrl::Sqlite(to.join("signboard.db")), 1).unwrap();
    let mut conn = copy.get().unwrap();
    let DbConn::Sqlite(c) = &mut *conn else {
        unreachable!()
    };
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let rows: Vec<Row> = diesel::sql_query("SELECT id FROM applications")
        .load(c)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    let sha = hex::encode(Sha256::digest(png_bytes(1600, 400)));
    let design = to.join("files").join(&sha[..2]).join(format!("{sha}.png"));
    assert_eq!(std::fs::read(design).unwrap(), png_bytes(1600, 400));
    assert_eq!(
        std::fs::read(to.join("signing_key")).unwrap(),
        b"seed-for-the-test"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("signing_key"), "{stdout}");
}

#[test]
fn backup_on_postgres_points_to_pg_dump() {
    let out = signboard()
        .args(["backup", "--to", "/nonexistent/never-written"])
        .env(
            "SIGNBOARD_DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump"), "{err}");
    assert!(!std::path::Path::new("/nonexistent/never-written").exists());
}
