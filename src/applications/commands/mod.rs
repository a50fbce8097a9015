//! The writes: a submission, and a transition of an existing application.

pub mod notices;
pub mod record;
pub mod reminders;
pub mod revise;
pub mod submit;
pub mod transition;
