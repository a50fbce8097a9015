//! The translation memory: the Chinese and the confirmed Mongolian of every approved sign,
//! written in the approval's own transaction (applications approved before the memory existed
//! were added by the migration that made it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::bump;
use crate::db::schema::translation_memory;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = translation_memory)]
pub struct MemoryRow {
    pub application_id: String,
    pub approval_no: String,
    pub zh: String,
    pub mn: String,
    pub approved_at: NaiveDateTime,
}

/// Remembers an approved sign's pair, inside the approval's transaction. A sign without
/// Chinese or Mongolian teaches nothing and is skipped.
pub fn record(conn: &mut DbConn, row: &MemoryRow) -> Result<(), diesel::result::Error> {
    if row.zh.trim().is_empty() || row.mn.trim().is_empty() {
        return Ok(());
    }
    diesel::insert_into(translation_memory::table)
        .values(row)
        .execute(conn)?;
    bump(conn, "memory")
}

/// Every remembered pair, oldest first.
pub fn all(conn: &mut DbConn) -> Result<Vec<MemoryRow>, diesel::result::Error> {
    translation_memory::table
        .select(MemoryRow::as_select())
        .order((
            translation_memory::approved_at,
            translation_memory::application_id,
        ))
        .load(conn)
}
