//! The reads: the list (and its CSV and counts) and the detail view.

pub mod detail;
pub mod export;
pub mod list;
pub mod summary;
