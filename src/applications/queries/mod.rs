//! The reads: the list (and its CSV and counts) and the detail view.

mod base;
pub mod detail;
pub mod export;
pub mod keyset;
pub mod list;
mod search;
pub mod summary;
pub mod total;
