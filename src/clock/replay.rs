//! The replay: an application's history, in order, into the state of its clock on a given day.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::ClockSettings;
use crate::calendar::Calendar;

/// What an event of the history means to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The application is (or stays) with the office: the clock runs. The first one, the
    /// submission, starts it.
    Run,
    /// The application waits for the merchant's changes.
    Pause,
    /// A final state; `decided` when it is a decision (approval or rejection), not a
    /// withdrawal.
    Stop { decided: bool },
    /// The limit is extended by this many working days.
    Extend(u32),
}

/// One event of the history: the day it happened (in the service's zone) and its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub on: NaiveDate,
    pub mark: Mark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Stopped,
}

/// The clock of an application on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClockView {
    pub state: ClockState,
    /// The limit of the profile.
    pub limit_working_days: u32,
    /// Working days added by the extension (0 when there was none).
    pub extended_by: u32,
    /// Working days the office has used: while running, up to and including today.
    pub used_working_days: u32,
    /// Working days left of limit and extension; negative when overdue.
    pub remaining_working_days: i64,
    /// The last day of the limit: while paused none (it moves when the merchant resubmits);
    /// once stopped, the day it was when the clock stopped.
    pub due_on: Option<NaiveDate>,
    /// Running, and today is after `due_on`.
    pub overdue: bool,
    /// Running, not overdue, and `due_on` within the profile's warning of working days.
    pub due_soon: bool,
    /// A day reckoned lies in a year without calendar data (weekdays only).
    pub provisional: bool,
    /// Stopped by a decision: whether it came within limit and extension.
    pub decided_within_limit: Option<bool>,
}

/// Where the replay is: not started, running since a day, paused, stopped on a day.
#[derive(Debug, Clone, Copy)]
enum Phase {
    NotStarted,
    Running {
        since: NaiveDate,
    },
    Paused,
    Stopped {
        decided: bool,
        due_on: Option<NaiveDate>,
    },
}

struct Replay<'a> {
    settings: &'a ClockSettings,
    calendar: &'a Calendar,
    phase: Phase,
    /// Working days used by the running spells that have ended.
    used: u32,
    extended_by: u32,
    provisional: bool,
}

impl Replay<'_> {
    fn allowed(&self) -> u32 {
        self.settings.decision_working_days + self.extended_by
    }

    /// The due day of a spell running since `since`.
    fn due_from(&mut self, since: NaiveDate) -> Option<NaiveDate> {
        let left = self.allowed().saturating_sub(self.used);
        let due = self.calendar.add_working_days(since, left)?;
        self.provisional |= due.provisional;
        Some(due.value)
    }

    /// Ends the running spell (if any) on `on`, counting its working days.
    fn end_spell(&mut self, on: NaiveDate) -> Option<NaiveDate> {
        let Phase::Running { since } = self.phase else {
            return None;
        };
        let due = self.due_from(since);
        let spent = self.calendar.working_days_between(since, on);
        self.provisional |= spent.provisional;
        self.used += spent.value;
        due
    }

    fn step(&mut self, entry: Entry) {
        let pauses = self.settings.pause_while_changes_requested;
        match (entry.mark, self.phase) {
            (_, Phase::Stopped { .. }) => {}
            (Mark::Extend(days), _) => self.extended_by += days,
            (Mark::Run, Phase::NotStarted | Phase::Paused) => {
                self.phase = Phase::Running { since: entry.on };
            }
            (Mark::Pause, Phase::NotStarted) if pauses => self.phase = Phase::Paused,
            (Mark::Pause, Phase::NotStarted) => self.phase = Phase::Running { since: entry.on },
            (Mark::Pause, Phase::Running { .. }) if pauses => {
                self.end_spell(entry.on);
                self.phase = Phase::Paused;
            }
            (Mark::Run | Mark::Pause, Phase::Running { .. }) | (Mark::Pause, Phase::Paused) => {}
            (Mark::Stop { decided }, _) => {
                let due_on = self.end_spell(entry.on);
                self.phase = Phase::Stopped { decided, due_on };
            }
        }
    }

    fn view(mut self, today: NaiveDate) -> ClockView {
        let allowed = self.allowed();
        let (state, due_on, used, decided) = match self.phase {
            Phase::Running { since } => {
                let due = self.due_from(since);
                let spent = self.calendar.working_days_between(since, today);
                self.provisional |= spent.provisional;
                (ClockState::Running, due, self.used + spent.value, None)
            }
            Phase::NotStarted | Phase::Paused => (ClockState::Paused, None, self.used, None),
            Phase::Stopped { decided, due_on } => {
                let within = decided.then_some(self.used <= allowed);
                (ClockState::Stopped, due_on, self.used, within)
            }
        };
        let running = state == ClockState::Running;
        let overdue = running && due_on.is_some_and(|d| today > d);
        let warn_until = self
            .calendar
            .add_working_days(today, self.settings.due_soon_working_days)
            .map(|r| r.value);
        let due_soon =
            running && !overdue && matches!((due_on, warn_until), (Some(d), Some(w)) if d <= w);
        ClockView {
            state,
            limit_working_days: self.settings.decision_working_days,
            extended_by: self.extended_by,
            used_working_days: used,
            remaining_working_days: i64::from(allowed) - i64::from(used),
            due_on,
            overdue,
            due_soon,
            provisional: self.provisional,
            decided_within_limit: decided,
        }
    }
}

/// The clock after `history` (in order), seen on `today`. The submission day is not counted
/// (民法典 第201条), nor is the day the clock resumes; the day it pauses or stops is.
pub fn replay(
    settings: &ClockSettings,
    calendar: &Calendar,
    history: &[Entry],
    today: NaiveDate,
) -> ClockView {
    let mut r = Replay {
        settings,
        calendar,
        phase: Phase::NotStarted,
        used: 0,
        extended_by: 0,
        provisional: false,
    };
    for entry in history {
        r.step(*entry);
    }
    r.view(today)
}
