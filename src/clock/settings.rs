//! The clock's settings, part of the rules profile (`[clock]` in `profiles/nmg.toml`).

use serde::{Deserialize, Serialize};

/// The working days of the clock. A profile without a `[clock]` table has the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClockSettings {
    /// Working days from the day after submission to the decision.
    pub decision_working_days: u32,
    /// The most working days one extension may add.
    pub extension_max_working_days: u32,
    /// Whether the clock waits while the merchant corrects the application.
    pub pause_while_changes_requested: bool,
    /// An open application due within this many working days is `due_soon`.
    pub due_soon_working_days: u32,
}

impl Default for ClockSettings {
    fn default() -> Self {
        ClockSettings {
            decision_working_days: 15,
            extension_max_working_days: 10,
            pause_while_changes_requested: true,
            due_soon_working_days: 3,
        }
    }
}

/// Longest limit, extension or warning any setting may name: a year of working days.
const MAX_DAYS: u32 = 250;

impl ClockSettings {
    /// Everything wrong with the settings, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !(1..=MAX_DAYS).contains(&self.decision_working_days) {
            p.push(format!(
                "clock.decision_working_days must be 1..={MAX_DAYS}, got {}",
                self.decision_working_days
            ));
        }
        for (name, value) in [
            (
                "extension_max_working_days",
                self.extension_max_working_days,
            ),
            ("due_soon_working_days", self.due_soon_working_days),
        ] {
            if value > MAX_DAYS {
                p.push(format!("clock.{name} must be 0..={MAX_DAYS}, got {value}"));
            }
        }
        p
    }
}
