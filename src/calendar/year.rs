//! One year of the holiday calendar: the holiday-cn file format, parsed and validated.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeSet;

/// A year file that cannot be used; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar file {file}: cannot be read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("calendar file {file}: not a holiday-cn year file: {reason}")]
    Malformed { file: String, reason: String },
    #[error("calendar file {file}: the file name must be the year, as YYYY.json")]
    BadName { file: String },
    #[error("calendar file {file}: says year {found}, expected {expected}")]
    WrongYear {
        file: String,
        expected: i32,
        found: i32,
    },
    #[error("calendar file {file}: date {date} is not in year {year} or next to it")]
    DateOutsideYear {
        file: String,
        year: i32,
        date: NaiveDate,
    },
    #[error("calendar file {file}: date {date} is listed twice")]
    DuplicateDate { file: String, date: NaiveDate },
    #[error("calendar directory {dir}: cannot be read: {reason}")]
    UnreadableDir { dir: String, reason: String },
}

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    days: Vec<DayEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DayEntry {
    date: NaiveDate,
    is_off_day: bool,
}

/// The calendar data of one year: its holidays and its worked weekend days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearData {
    pub year: i32,
    /// Where the data came from, as the API shows it.
    pub source: String,
    /// Days off that would otherwise be working days (and holidays on weekends).
    pub holidays: BTreeSet<NaiveDate>,
    /// Saturdays and Sundays that are worked (调休).
    pub workdays: BTreeSet<NaiveDate>,
}

impl YearData {
    /// Parses the year file `text` named `file`, expecting it to hold `year`.
    pub fn parse(text: &str, file: &str, year: i32, source: &str) -> Result<Self, CalendarError> {
        let parsed: YearFile =
            serde_json::from_str(text).map_err(|e| CalendarError::Malformed {
                file: file.to_owned(),
                reason: e.to_string(),
            })?;
        if parsed.year != year {
            return Err(CalendarError::WrongYear {
                file: file.to_owned(),
                expected: year,
                found: parsed.year,
            });
        }
        let mut data = YearData {
            year,
            source: source.to_owned(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for day in parsed.days {
            // A holiday may begin in the year before (元旦 from 31 December) or run into the
            // next; anything further away is a mistake.
            if (day.date.year() - year).abs() > 1 {
                return Err(CalendarError::DateOutsideYear {
                    file: file.to_owned(),
                    year,
                    date: day.date,
                });
            }
            if data.holidays.contains(&day.date) || data.workdays.contains(&day.date) {
                return Err(CalendarError::DuplicateDate {
                    file: file.to_owned(),
                    date: day.date,
                });
            }
            let set = if day.is_off_day {
                &mut data.holidays
            } else {
                &mut data.workdays
            };
            set.insert(day.date);
        }
        Ok(data)
    }

    /// Whether the year has any calendar data; a year without (an unpublished notice) counts
    /// weekdays only and is provisional.
    pub fn has_data(&self) -> bool {
        !self.holidays.is_empty() || !self.workdays.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<YearData, CalendarError> {
        YearData::parse(text, "2026.json", 2026, "test")
    }

    #[test]
    fn a_valid_file_splits_holidays_and_worked_days() {
        let data = parse(
            r#"{"year":2026,"papers":[],"days":[
                {"name":"春节","date":"2026-02-14","isOffDay":false},
                {"name":"春节","date":"2026-02-15","isOffDay":true}]}"#,
        )
        .unwrap();
        assert!(data.has_data());
        assert_eq!(data.workdays.len(), 1);
        assert_eq!(data.holidays.len(), 1);
    }

    #[test]
    fn broken_files_are_refused_naming_the_file() {
        let cases = [
            ("{", "not a holiday-cn year file"),
            (r#"{"year":2025,"days":[]}"#, "says year 2025"),
            (
                r#"{"year":2026,"days":[{"name":"x","date":"2024-12-31","isOffDay":true}]}"#,
                "is not in year 2026",
            ),
            (
                r#"{"year":2026,"days":[{"name":"x","date":"2026-13-01","isOffDay":true}]}"#,
                "not a holiday-cn year file",
            ),
            (
                r#"{"year":2026,"days":[{"name":"x","date":"2026-10-01","isOffDay":true},
                    {"name":"y","date":"2026-10-01","isOffDay":false}]}"#,
                "listed twice",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(
                err.contains("2026.json") && err.contains(expected),
                "{text}: {err}"
            );
        }
    }
}
