//! `reference_counters`: the per-year sequence behind the references people read
//! (`2026-0042`), taken in the submission's transaction (gap-free like approval numbers).

use diesel::prelude::*;
use diesel::sql_types::Integer;

use crate::db::schema::reference_counters::dsl;
use crate::db::DbConn;

/// The next number of `year`'s submissions, inside the caller's transaction.
pub fn next_reference_seq(conn: &mut DbConn, year: i32) -> Result<i32, diesel::result::Error> {
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "INSERT INTO reference_counters (year, last_seq) VALUES (?, 0) \
             ON CONFLICT (year) DO NOTHING",
        )
        .bind::<Integer, _>(year)
        .execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(
            "INSERT INTO reference_counters (year, last_seq) VALUES ($1, 0) \
             ON CONFLICT (year) DO NOTHING",
        )
        .bind::<Integer, _>(year)
        .execute(c)?,
    };
    diesel::update(dsl::reference_counters.filter(dsl::year.eq(year)))
        .set(dsl::last_seq.eq(dsl::last_seq + 1))
        .execute(conn)?;
    dsl::reference_counters
        .filter(dsl::year.eq(year))
        .select(dsl::last_seq)
        .first(conn)
}
