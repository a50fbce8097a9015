//! The working-day calendar: China's statutory holidays and make-up working days (调休), one
//! holiday-cn file a year (embedded, see `data/README.md`), which a deployment may add to or
//! replace from a directory. Pure: dates in, dates out; no database, no HTTP.
//!
//! A day is a working day when the calendar of its year says so (a holiday is not, a worked
//! weekend day is), else Monday to Friday. A year without calendar data counts weekdays only,
//! and every reckoning that uses one of its days is `provisional`.

mod year;

pub use year::{CalendarError, YearData};

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;
use std::path::Path;

/// How the embedded years name their source.
pub const EMBEDDED_SOURCE: &str = "embedded holiday-cn (MIT)";

/// The embedded year files, `(year, text)`.
const EMBEDDED: &[(i32, &str)] = &[
    (2024, include_str!("data/2024.json")),
    (2025, include_str!("data/2025.json")),
    (2026, include_str!("data/2026.json")),
    (2027, include_str!("data/2027.json")),
];

/// A value reckoned on the calendar, and whether a day it used lies in a year without data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reckoned<T> {
    pub value: T,
    pub provisional: bool,
}

/// What the calendar knows of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearView<'a> {
    pub year: i32,
    /// No calendar data: weekdays only.
    pub provisional: bool,
    /// Where the year's data came from; `None` when there is no file for it.
    pub source: Option<&'a str>,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

/// The calendar: the years with a file, by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearData>,
}

impl Calendar {
    /// The embedded years only.
    pub fn embedded() -> Result<Self, CalendarError> {
        let mut years = BTreeMap::new();
        for (year, text) in EMBEDDED {
            let file = format!("embedded {year}.json");
            years.insert(*year, YearData::parse(text, &file, *year, EMBEDDED_SOURCE)?);
        }
        Ok(Calendar { years })
    }

    /// The embedded years, with the `YYYY.json` files of `dir` (when given) added or
    /// replacing them. Any other `.json` file, or a file that does not validate, is an error
    /// naming it; files of other extensions are ignored.
    pub fn load(dir: Option<&Path>) -> Result<Self, CalendarError> {
        let mut calendar = Self::embedded()?;
        if let Some(dir) = dir {
            for data in read_dir(dir)? {
                calendar.years.insert(data.year, data);
            }
        }
        Ok(calendar)
    }

    /// A calendar of exactly these years (tests build one without a year).
    pub fn from_years(years: impl IntoIterator<Item = YearData>) -> Self {
        Calendar {
            years: years.into_iter().map(|y| (y.year, y)).collect(),
        }
    }

    /// The calendar without `year`'s data (it then counts weekdays only).
    pub fn without_year(mut self, year: i32) -> Self {
        self.years.remove(&year);
        self
    }

    /// Whether `year` has calendar data.
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.get(&year).is_some_and(YearData::has_data)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        // The date's own year first, then the neighbours whose holidays may reach into it.
        let y = date.year();
        for data in [y, y + 1, y - 1].iter().filter_map(|y| self.years.get(y)) {
            if data.holidays.contains(&date) {
                return false;
            }
            if data.workdays.contains(&date) {
                return true;
            }
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day after `start` (`start` itself is not counted; `n = 0` is
    /// `start`). `None` only past the end of the date range.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Option<Reckoned<NaiveDate>> {
        let mut date = start;
        let mut provisional = n == 0 && !self.knows_year(start.year());
        let mut left = n;
        while left > 0 {
            date = date.succ_opt()?;
            provisional |= !self.knows_year(date.year());
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Some(Reckoned {
            value: date,
            provisional,
        })
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not after
    /// `from`): the days a clock started on `from` has used by the end of `to`.
    ///
    /// Counted without walking the days (the queue asks it for every row, and an old overdue
    /// application spans years): the weekdays of the span, corrected on the days a calendar
    /// file lists.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<u32> {
        let Some(first) = from.succ_opt().filter(|first| *first <= to) else {
            return Reckoned {
                value: 0,
                provisional: false,
            };
        };
        let provisional = (first.year()..=to.year()).any(|y| !self.knows_year(y));
        let mut listed = std::collections::BTreeSet::new();
        for data in self
            .years
            .range(first.year() - 1..=to.year() + 1)
            .map(|(_, d)| d)
        {
            listed.extend(data.holidays.range(first..=to));
            listed.extend(data.workdays.range(first..=to));
        }
        let mut count = weekdays_between(from, to);
        for date in listed {
            count += i64::from(self.is_working_day(date)) - i64::from(is_weekday(date));
        }
        Reckoned {
            value: u32::try_from(count).unwrap_or(0),
            provisional,
        }
    }

    /// What the calendar knows of `year`.
    pub fn year(&self, year: i32) -> YearView<'_> {
        let data = self.years.get(&year);
        YearView {
            year,
            provisional: !self.knows_year(year),
            source: data.map(|d| d.source.as_str()),
            holidays: data.map_or_else(Vec::new, |d| d.holidays.iter().copied().collect()),
            workdays: data.map_or_else(Vec::new, |d| d.workdays.iter().copied().collect()),
        }
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The Mondays to Fridays after `from` up to and including `to`.
fn weekdays_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days().max(0);
    let mut count = days / 7 * 5;
    let mut date = from + chrono::Duration::days(days / 7 * 7);
    for _ in 0..days % 7 {
        date = date.succ_opt().unwrap_or(date);
        count += i64::from(is_weekday(date));
    }
    count
}

/// The `*.json` files of `dir`, each parsed as the year its name says.
fn read_dir(dir: &Path) -> Result<Vec<YearData>, CalendarError> {
    let unreadable = |e: std::io::Error| CalendarError::UnreadableDir {
        dir: dir.display().to_string(),
        reason: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    paths.iter().map(|path| read_file(path)).collect()
}

fn read_file(path: &Path) -> Result<YearData, CalendarError> {
    let file = path.display().to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let year = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(|| CalendarError::BadName { file: file.clone() })?;
    let text = std::fs::read_to_string(path).map_err(|e| CalendarError::Unreadable {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    YearData::parse(&text, &file, year, &name)
}

#[cfg(test)]
mod tests;
