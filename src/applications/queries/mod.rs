//! The reads: the list and the detail view.

pub mod detail;
pub mod list;
