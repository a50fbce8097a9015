//! The clock on real dates of the 2026 calendar.

use super::*;
use crate::calendar::Calendar;
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str, mark: Mark) -> Entry {
    Entry { on: day(s), mark }
}

fn run(history: &[Entry], today: &str) -> ClockView {
    let calendar = Calendar::embedded().unwrap();
    replay(&ClockSettings::default(), &calendar, history, day(today))
}

#[test]
fn a_submission_on_24_september_2026_is_due_on_22_october_after_national_day() {
    let v = run(&[at("2026-09-24", Mark::Run)], "2026-09-24");
    assert_eq!(v.state, ClockState::Running);
    assert_eq!(v.due_on, Some(day("2026-10-22")));
    assert_eq!((v.used_working_days, v.remaining_working_days), (0, 15));
    assert!(!v.overdue && !v.due_soon && !v.provisional);
    // A week later, across the Mid-Autumn day and a weekend: 28, 29, 30 September used.
    let v = run(&[at("2026-09-24", Mark::Run)], "2026-10-07");
    assert_eq!((v.used_working_days, v.remaining_working_days), (3, 12));
}

#[test]
fn due_soon_and_overdue_follow_the_working_days() {
    let history = [at("2026-09-24", Mark::Run)];
    // 19 October: the due day is the third working day after it.
    let v = run(&history, "2026-10-19");
    assert!(v.due_soon && !v.overdue, "{v:?}");
    let v = run(&history, "2026-10-16");
    assert!(!v.due_soon, "{v:?}");
    let v = run(&history, "2026-10-22");
    assert!(v.due_soon && !v.overdue && v.remaining_working_days == 0);
    let v = run(&history, "2026-10-23");
    assert!(v.overdue && !v.due_soon);
    assert_eq!(v.remaining_working_days, -1);
}

#[test]
fn a_pause_moves_the_due_day_by_exactly_the_paused_working_days() {
    let history = [
        at("2026-09-24", Mark::Run),
        at("2026-09-29", Mark::Pause),
        at("2026-10-12", Mark::Run),
    ];
    let paused = run(&history[..2], "2026-10-09");
    assert_eq!(paused.state, ClockState::Paused);
    assert_eq!(paused.due_on, None);
    assert_eq!(paused.used_working_days, 2);
    assert!(!paused.overdue && !paused.due_soon);
    // Paused after 29 Sep up to 12 Oct: 30 Sep, 8, 9, 10 (调休) and 12 Oct.
    let calendar = Calendar::embedded().unwrap();
    let paused_days = calendar
        .working_days_between(day("2026-09-29"), day("2026-10-12"))
        .value;
    assert_eq!(paused_days, 5);
    let resumed = run(&history, "2026-10-12");
    let moved = calendar.add_working_days(day("2026-10-22"), paused_days);
    assert_eq!(resumed.due_on, moved.map(|r| r.value));
    assert_eq!(resumed.due_on, Some(day("2026-10-29")));
    assert_eq!(resumed.used_working_days, 2);
}

#[test]
fn without_pauses_a_request_for_changes_does_not_stop_the_clock() {
    let calendar = Calendar::embedded().unwrap();
    let settings = ClockSettings {
        pause_while_changes_requested: false,
        ..ClockSettings::default()
    };
    let history = [
        at("2026-09-24", Mark::Run),
        at("2026-09-29", Mark::Pause),
        at("2026-10-12", Mark::Run),
    ];
    let v = replay(&settings, &calendar, &history, day("2026-10-12"));
    assert_eq!(v.state, ClockState::Running);
    assert_eq!(v.due_on, Some(day("2026-10-22")));
}

#[test]
fn an_extension_adds_its_days_and_a_decision_stops_the_clock() {
    let mut history = vec![
        at("2026-09-24", Mark::Run),
        at("2026-10-20", Mark::Extend(5)),
    ];
    let v = run(&history, "2026-10-20");
    assert_eq!(v.extended_by, 5);
    assert_eq!(v.due_on, Some(day("2026-10-29")));
    assert_eq!(v.remaining_working_days, 20 - 13);
    history.push(at("2026-10-27", Mark::Stop { decided: true }));
    let v = run(&history, "2026-12-01");
    assert_eq!(v.state, ClockState::Stopped);
    assert_eq!(v.used_working_days, 18);
    assert_eq!(v.decided_within_limit, Some(true));
    assert_eq!(v.due_on, Some(day("2026-10-29")));
    assert!(!v.overdue && !v.due_soon);
}

#[test]
fn a_late_decision_is_not_within_the_limit_and_a_withdrawal_is_no_decision() {
    let late = run(
        &[
            at("2026-09-24", Mark::Run),
            at("2026-10-23", Mark::Stop { decided: true }),
        ],
        "2026-11-02",
    );
    assert_eq!(late.used_working_days, 16);
    assert_eq!(late.decided_within_limit, Some(false));
    let withdrawn = run(
        &[
            at("2026-09-24", Mark::Run),
            at("2026-09-29", Mark::Pause),
            at("2026-10-09", Mark::Stop { decided: false }),
        ],
        "2026-11-02",
    );
    assert_eq!(withdrawn.state, ClockState::Stopped);
    assert_eq!(withdrawn.used_working_days, 2);
    assert_eq!(withdrawn.decided_within_limit, None);
}

#[test]
fn a_deadline_reaching_into_a_year_without_data_is_provisional() {
    let v = run(&[at("2026-12-15", Mark::Run)], "2026-12-15");
    assert!(v.provisional, "{v:?}");
    assert_eq!(v.due_on, Some(day("2027-01-05")));
    let v = run(&[at("2026-11-02", Mark::Run)], "2026-11-02");
    assert!(!v.provisional, "{v:?}");
}

#[test]
fn the_default_settings_are_valid_and_bad_ones_are_named() {
    assert!(ClockSettings::default().problems().is_empty());
    let bad = ClockSettings {
        decision_working_days: 0,
        due_soon_working_days: 999,
        ..ClockSettings::default()
    };
    let p = bad.problems();
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].contains("decision_working_days"));
    assert!(p[1].contains("due_soon_working_days"));
}
