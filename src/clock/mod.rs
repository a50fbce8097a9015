//! The statutory clock of an application (行政许可法 第42条): the working days an office has to
//! decide, counted on the holiday calendar from the day after submission, paused while the
//! merchant corrects the application, extended once, stopped by a decision.
//!
//! Pure: the caller turns its event history into [`Entry`]s (a date in the service's zone and
//! what happened), [`replay`] derives everything else. Nothing is kept between events, so the
//! clock cannot drift from the history it is derived from.

mod replay;
mod settings;

pub use replay::{replay, ClockState, ClockView, Entry, Mark};
pub use settings::ClockSettings;

#[cfg(test)]
mod tests;
