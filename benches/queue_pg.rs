//! The officials' queue at 1,000,000 applications on PostgreSQL, over HTTP on loopback:
//!
//! ```text
//! SIGNBOARD_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/queue_bench \
//!     cargo bench --bench queue_pg
//! ```
//!
//! The database must be empty (it is seeded in SQL, `queue_pg/seed.sql`, a few minutes) or
//! one this bench seeded before (kept and reused when it holds the 1,000,000 applications).
//! Prints the median of 7 requests of each case, and writes `EXPLAIN (ANALYZE, BUFFERS)` of
//! each list case (its count and its page) to `target/queue_pg_explain.txt`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::Value;
use signboard::applications::repo::{self, Cursor, ListFilter};
use signboard::applications::WorkflowSettings;
use signboard::db::{Db, DbUrl};
use std::time::{Duration, Instant};

const APPLICATIONS: i64 = 1_000_000;
const SEED: &str = include_str!("queue_pg/seed.sql");
const RUNS: usize = 7;

/// One request measured: a name, the query, and the filter the server builds from it (for
/// the plan; `None` for what is not the list).
struct Case {
    name: &'static str,
    path: &'static str,
    query: Vec<(&'static str, String)>,
}

fn case(name: &'static str, path: &'static str, query: &[(&'static str, &str)]) -> Case {
    Case {
        name,
        path,
        query: query.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
    }
}

fn seed_if_empty(db: &Db) {
    let mut conn = db.get().unwrap();
    let n: i64 = signboard::db::schema::applications::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    if n == APPLICATIONS {
        eprintln!("reusing the seeded database ({n} applications)");
        return;
    }
    assert_eq!(
        n, 0,
        "SIGNBOARD_BENCH_POSTGRES_URL must name an empty database"
    );
    let start = Instant::now();
    conn.batch_execute(SEED).unwrap();
    // One statement each: VACUUM refuses to run inside a multi-statement string.
    for table in ["applications", "users", "stat_counts"] {
        conn.batch_execute(&format!("VACUUM ANALYZE {table}"))
            .unwrap();
    }
    eprintln!(
        "seeded {APPLICATIONS} applications in {:?}",
        start.elapsed()
    );
}

/// The cursor after row `offset` (0-based) of the due order, read from the database.
fn cursor_at(db: &Db, offset: i64) -> String {
    use diesel::sql_types::{Date, Integer, Text};
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = Integer)]
        clock_state: i32,
        #[diesel(sql_type = Date)]
        due_key: NaiveDate,
        #[diesel(sql_type = Text)]
        id: String,
    }
    let mut conn = db.get().unwrap();
    let key: Key = diesel::sql_query(format!(
        "SELECT clock_state, COALESCE(due_on, '9999-12-31') AS due_key, id FROM applications \
         ORDER BY clock_state, COALESCE(due_on, '9999-12-31'), id OFFSET {offset} LIMIT 1"
    ))
    .get_result(&mut conn)
    .unwrap();
    Cursor::Due {
        clock_state: key.clock_state,
        due_key: key.due_key,
        id: key.id,
    }
    .encode()
}

fn cases(after: &str) -> Vec<Case> {
    let a = "/applications";
    vec![
        case("first page, unfiltered", a, &[]),
        case(
            "first page, status=in_review",
            a,
            &[("status", "in_review")],
        ),
        case("first page, status=approved", a, &[("status", "approved")]),
        case(
            "first page, township=八仙筒镇",
            a,
            &[("township", "八仙筒镇")],
        ),
        case(
            "sort=due&overdue=true",
            a,
            &[("sort", "due"), ("overdue", "true")],
        ),
        case("due_soon=true", a, &[("due_soon", "true")]),
        case(
            "assignee (open cases of one official)",
            a,
            &[("assignee", "bench-official"), ("open", "true")],
        ),
        case("year=2024", a, &[("year", "2024")]),
        case(
            "submitted_from..to (one week)",
            a,
            &[
                ("submitted_from", "2025-03-01"),
                ("submitted_to", "2025-03-07"),
            ],
        ),
        case("sort=submitted (newest first)", a, &[("sort", "submitted")]),
        case(
            "q = a whole shop name (草原饭店17号店)",
            a,
            &[("q", "草原饭店17号店")],
        ),
        case(
            "q = 4 characters, 4,525 hits (草原饭店)",
            a,
            &[("q", "草原饭店")],
        ),
        case("q = 2 characters, 58,823 hits (草原)", a, &[("q", "草原")]),
        case("q = 2 characters, no hit (号x)", a, &[("q", "号x")]),
        case(
            "q = a whole licence code",
            a,
            &[("q", "9115052500134623H7")],
        ),
        case(
            "q = 8 characters of a licence code",
            a,
            &[("q", "00134623")],
        ),
        case("q = an address (民族街17号)", a, &[("q", "民族街17号")]),
        case("page 20,000 via page=", a, &[("page", "20000")]),
        case("page 20,000 via after=", a, &[("after", after)]),
        case(
            "tab counts (/applications/summary)",
            "/applications/summary",
            &[],
        ),
        case(
            "yearly counts (/stats/approvals?format=csv)",
            "/stats/approvals",
            &[("format", "csv")],
        ),
        case(
            "yearly counts with on-time figures (/stats/approvals)",
            "/stats/approvals",
            &[],
        ),
    ]
}

struct Bench {
    served: common::Served,
    token: String,
}

impl Bench {
    fn get(&self, c: &Case) -> (Duration, Vec<u8>) {
        self.served.rt.block_on(async {
            let start = Instant::now();
            let r = self
                .served
                .client
                .get(format!("{}/api/v1{}", self.served.base, c.path))
                .query(&c.query)
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}: {}", c.name, r.status());
            let body = r.bytes().await.unwrap().to_vec();
            (start.elapsed(), body)
        })
    }

    fn median(&self, c: &Case) -> (Duration, Vec<u8>) {
        let (_, body) = self.get(c);
        let mut times: Vec<Duration> = (0..RUNS).map(|_| self.get(c).0).collect();
        times.sort();
        (times[RUNS / 2], body)
    }
}

/// The filter the server builds for `c` (the list's cases only).
fn filter_of(c: &Case) -> Option<ListFilter> {
    if c.path != "/applications" {
        return None;
    }
    let mut f = ListFilter {
        page: 1,
        per_page: 20,
        ..ListFilter::default()
    };
    for (k, v) in &c.query {
        match *k {
            "status" => f.status = signboard::applications::Status::parse(v),
            "township" => f.township = Some(v.clone()),
            "sort" if v == "due" => f.sort = repo::Sort::Due,
            "sort" => f.sort = repo::Sort::Submitted,
            "overdue" => f.overdue = true,
            "due_soon" => f.due_soon = true,
            "open" => f.open = true,
            "assignee" => f.assignee = Some(repo::AssigneeFilter::User(v.clone())),
            "year" => f.year = v.parse().ok(),
            "q" => f.q = Some(v.clone()),
            "page" => f.page = v.parse().unwrap(),
            "after" => f.after = Cursor::parse(v),
            "submitted_from" => f.submitted_from = v.parse().ok(),
            "submitted_to" => f.submitted_to = v.parse().ok(),
            _ => {}
        }
    }
    Some(f)
}

fn explain_all(db: &Db, settings: &WorkflowSettings, cases: &[Case]) {
    let mut conn = db.get().unwrap();
    let actor = signboard::auth::user::find_by_id(&mut conn, "bench-official")
        .unwrap()
        .unwrap();
    let today = settings.local_date(chrono::Utc::now());
    let mut out = String::new();
    for c in cases {
        let Some(filter) = filter_of(c) else { continue };
        let plans = repo::explain(&mut conn, settings, &actor, &filter, today).unwrap();
        out.push_str(&format!("=== {} ({:?})\n", c.name, c.query));
        for line in plans {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    let path = common::root().join("target/queue_pg_explain.txt");
    std::fs::write(&path, out).unwrap();
    eprintln!("plans written to {}", path.display());
}

fn main() {
    let Ok(url) = std::env::var("SIGNBOARD_BENCH_POSTGRES_URL") else {
        eprintln!("queue_pg: set SIGNBOARD_BENCH_POSTGRES_URL to run it (skipped)");
        return;
    };
    let mut kept: Option<(Db, WorkflowSettings)> = None;
    let served = common::serve_tuned(
        |config| {
            config.database = DbUrl::Postgres(url.clone());
            config.db_pool = 4;
        },
        |state| {
            seed_if_empty(&state.db);
            kept = Some((state.db.clone(), state.workflow.clone()));
        },
    );
    let (db, settings) = kept.unwrap();
    let token = served.rt.block_on(served.reviewer());
    let bench = Bench { served, token };

    let after = cursor_at(&db, 19_999 * 20 - 1);
    let cases = cases(&after);
    // What is measured holds what it should: the two ways to page 20,000 agree.
    let by_page: Value = serde_json::from_slice(&bench.get(&cases[17]).1).unwrap();
    let by_after: Value = serde_json::from_slice(&bench.get(&cases[18]).1).unwrap();
    assert_eq!(by_page["items"][0]["id"], by_after["items"][0]["id"]);
    assert_eq!(by_page["items"].as_array().unwrap().len(), 20);

    println!("\n1,000,000 applications on PostgreSQL, over HTTP, median of {RUNS}:\n");
    println!(
        "{:<58} {:>10} {:>9} {:>10}",
        "request", "median", "items", "total"
    );
    for c in &cases {
        let (t, body) = bench.median(c);
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let items = v["items"]
            .as_array()
            .map_or(String::new(), |i| i.len().to_string());
        let total = match (&v["total"], &v["total_is_estimate"]) {
            (Value::Number(n), Value::Bool(true)) => format!("~{n}"),
            (Value::Number(n), _) => n.to_string(),
            _ => String::new(),
        };
        println!(
            "{:<58} {:>7.2} ms {:>9} {:>10}",
            c.name,
            t.as_secs_f64() * 1000.0,
            items,
            total
        );
    }
    explain_all(&db, &settings, &cases);
}
