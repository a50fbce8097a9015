//! The writes: a submission, and a transition of an existing application.

pub mod record;
pub mod revise;
pub mod submit;
pub mod transition;
