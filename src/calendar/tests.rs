//! The calendar on real dates.

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn calendar() -> Calendar {
    Calendar::embedded().unwrap()
}

#[test]
fn the_spring_festival_make_up_saturday_is_a_working_day() {
    let c = calendar();
    assert_eq!(day("2026-02-14").weekday(), Weekday::Sat);
    assert!(c.is_working_day(day("2026-02-14")));
    // An ordinary Saturday is not.
    assert!(!c.is_working_day(day("2026-03-07")));
    // A holiday on a weekday is not.
    assert!(!c.is_working_day(day("2026-02-16")));
}

#[test]
fn national_day_week_is_not_worked() {
    let c = calendar();
    for d in day("2026-10-01").iter_days().take(7) {
        assert!(!c.is_working_day(d), "{d}");
    }
    assert!(c.is_working_day(day("2026-10-08")));
    // The make-up Saturday after it.
    assert!(c.is_working_day(day("2026-10-10")));
}

#[test]
fn fifteen_working_days_from_24_september_2026_end_on_22_october() {
    // From Thu 24 Sep (not counted): 25 Sep is 中秋 and 26–27 the weekend; 28, 29, 30 Sep
    // are 1–3; 1–7 Oct are National Day; Thu 8 and Fri 9 Oct are 4–5; Sat 10 Oct (调休) is
    // 6; 12–16 Oct are 7–11; 19–22 Oct are 12–15.
    let c = calendar();
    let due = c.add_working_days(day("2026-09-24"), 15).unwrap();
    assert_eq!(
        due,
        Reckoned {
            value: day("2026-10-22"),
            provisional: false
        }
    );
    let used = c.working_days_between(day("2026-09-24"), day("2026-10-22"));
    assert_eq!(used.value, 15);
    assert!(!used.provisional);
    // Without the calendar the same count would end a week earlier.
    let plain = Calendar::from_years([]);
    assert_eq!(
        plain.add_working_days(day("2026-09-24"), 15).unwrap().value,
        day("2026-10-15")
    );
}

#[test]
fn a_deadline_reaching_into_a_year_without_data_is_provisional() {
    // 2027 is embedded but empty (its notice was not yet published).
    let c = calendar();
    assert!(c.year(2027).provisional);
    let due = c.add_working_days(day("2026-12-20"), 15).unwrap();
    assert!(due.provisional);
    // From Sun 20 Dec: 21–25 and 28–31 Dec are 1–9; with no 2027 data, Fri 1 Jan 2027 (元旦)
    // counts as 10, and 4–8 Jan are 11–15.
    assert_eq!(due.value, day("2027-01-08"));
    assert!(
        c.working_days_between(day("2026-12-20"), day("2027-01-04"))
            .provisional
    );
    // Staying inside 2026 is not provisional.
    assert!(
        !c.add_working_days(day("2026-12-01"), 5)
            .unwrap()
            .provisional
    );

    // A calendar built without 2026: the National Day count becomes provisional and plain.
    let without = calendar().without_year(2026);
    let due = without.add_working_days(day("2026-09-24"), 15).unwrap();
    assert_eq!(due.value, day("2026-10-15"));
    assert!(due.provisional);
    // And 2028, with no file at all.
    let v = c.year(2028);
    assert!(v.provisional && v.source.is_none() && v.holidays.is_empty());
}

#[test]
fn a_year_view_lists_holidays_and_worked_weekend_days() {
    let c = calendar();
    let v = c.year(2026);
    assert!(!v.provisional);
    assert_eq!(v.source, Some(EMBEDDED_SOURCE));
    assert!(v.holidays.contains(&day("2026-10-01")));
    assert!(v.workdays.contains(&day("2026-02-14")));
    assert!(!v.holidays.contains(&day("2026-02-14")));
}

#[test]
fn a_directory_adds_and_replaces_years_and_refuses_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("2027.json"),
        r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let c = Calendar::load(Some(dir.path())).unwrap();
    let v = c.year(2027);
    assert!(!v.provisional);
    assert_eq!(v.source, Some("2027.json"));
    assert!(!c.is_working_day(day("2027-01-01")));
    // The embedded years are still there.
    assert!(c.is_working_day(day("2026-02-14")));

    std::fs::write(dir.path().join("2028.json"), r#"{"year":2029,"days":[]}"#).unwrap();
    let err = Calendar::load(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("2028.json") && err.contains("2029"), "{err}");
    std::fs::remove_file(dir.path().join("2028.json")).unwrap();
    std::fs::write(dir.path().join("holidays.json"), "{}").unwrap();
    let err = Calendar::load(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("holidays.json"), "{err}");
}

#[test]
fn zero_days_is_the_start() {
    let c = calendar();
    let r = c.add_working_days(day("2026-10-01"), 0).unwrap();
    assert_eq!(r.value, day("2026-10-01"));
    assert!(!r.provisional);
    assert_eq!(
        c.working_days_between(day("2026-10-08"), day("2026-10-01"))
            .value,
        0
    );
}

#[test]
fn a_holiday_listed_in_the_next_years_file_counts() {
    // As holiday-cn lists a New Year holiday that begins on 31 December in the next year's file.
    let next = YearData::parse(
        r#"{"year":2029,"days":[{"name":"元旦","date":"2028-12-29","isOffDay":true}]}"#,
        "2029.json",
        2029,
        "test",
    )
    .unwrap();
    let c = calendar().without_year(2028).without_year(2029);
    assert!(c.is_working_day(day("2028-12-29")), "a Friday");
    let c = Calendar::from_years([next]);
    assert!(!c.is_working_day(day("2028-12-29")));
}

/// The counted working days equal a walk over the days, across holidays, make-up days,
/// neighbouring years and a year without data.
#[test]
fn counting_working_days_equals_walking_the_days() {
    let c = calendar();
    let walk = |from: NaiveDate, to: NaiveDate| -> (u32, bool) {
        let days: Vec<NaiveDate> = from.iter_days().skip(1).take_while(|d| *d <= to).collect();
        let count = days.iter().filter(|d| c.is_working_day(**d)).count() as u32;
        (count, days.iter().any(|d| !c.knows_year(d.year())))
    };
    let starts = [
        "2023-12-20",
        "2024-09-27",
        "2025-01-01",
        "2025-12-31",
        "2026-02-13",
        "2026-09-24",
    ];
    for start in starts {
        let from = day(start);
        for span in [0, 1, 2, 6, 7, 8, 13, 30, 45, 200, 400, 900] {
            let to = from + chrono::Duration::days(span);
            let counted = c.working_days_between(from, to);
            assert_eq!(
                (counted.value, counted.provisional),
                walk(from, to),
                "{from} → {to}"
            );
        }
    }
    assert_eq!(
        c.working_days_between(day("2026-10-09"), day("2026-10-01"))
            .value,
        0
    );
}
