//! The translators' term base and translation memory, and the suggestions built from them.
//!
//! - `model`: a term's status, its row and the view the API answers;
//! - `input`: what clients send, parsed into [`ValidTerm`] (the Mongolian checked like a sign's);
//! - `rows`: the reads; `commands`: every write with its audit row and version bump;
//! - `csv`: the import and export format;
//! - `memory`: the approved signs' pairs, recorded in the approval's transaction;
//! - `suggest`: the pure suggester (longest match over terms and memory, never invented text);
//! - `cache`: the in-memory indexes, reloaded when another replica changed the data;
//! - `service`: [`Terms`], what the HTTP layer calls.
//!
//! Who may do what: translators and admins write terms and ask for suggestions; every
//! official (reviewers too) reads the base and exports it.

pub mod cache;
pub mod commands;
pub mod csv;
pub mod input;
pub mod memory;
pub mod model;
pub mod rows;
pub mod service;
pub mod suggest;

pub use cache::TermCache;
pub use input::{NewTerm, TermPatch, ValidTerm};
pub use model::{Term, TermPage, TermStatus};
pub use service::Terms;
pub use suggest::{Part, PartSource, Suggester, Suggestion, Suggestions};

use crate::auth::Role;

/// Roles that read the term base.
pub const READERS: &[Role] = &[Role::Translator, Role::Reviewer, Role::Admin];
/// Roles that change the term base and ask for suggestions.
pub const WRITERS: &[Role] = &[Role::Translator, Role::Admin];
