//! The list of applications a viewer may see: filtered, sorted (officials by due day: overdue
//! first, then the soonest due, paused and closed ones last) and paged. The same filter feeds
//! the CSV export and the counts of the status tabs.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::detail::{Names, Person};
use crate::applications::deadline::{self, PAUSED, RUNNING, STOPPED};
use crate::applications::rows::{utc, ApplicationRow};
use crate::applications::states::Status;
use crate::applications::WorkflowSettings;
use crate::auth::{Role, User};
use crate::clock::ClockState;
use crate::db::schema::applications;
use crate::db::DbConn;
use crate::error::AppResult;

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By due day for officials, newest first for merchants.
    #[default]
    Default,
    /// Running first (overdue on top, then the soonest due), then paused, then closed.
    Due,
    /// Newest submission first.
    Submitted,
}

/// Whose cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Held by the viewer.
    Me,
    User(String),
    /// Held by nobody.
    Nobody,
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub year: Option<i32>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
    pub sort: Sort,
    pub overdue: bool,
    pub due_soon: bool,
    /// Only applications not in a final state.
    pub open: bool,
    pub assignee: Option<AssigneeFilter>,
    pub township: Option<String>,
    /// Submitted on or after this day (in the service's zone).
    pub submitted_from: Option<NaiveDate>,
    /// Submitted on or before this day.
    pub submitted_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListItem {
    pub id: String,
    pub reference: String,
    pub shop_name: String,
    pub license_no: String,
    pub township: String,
    pub status: Status,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub clock_state: ClockState,
    /// The last day of the limit (none while paused).
    pub due_on: Option<NaiveDate>,
    /// While running: working days to the due day, negative once it has passed.
    pub remaining_working_days: Option<i64>,
    pub overdue: bool,
    pub due_soon: bool,
    pub assignee: Option<Person>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    pub items: Vec<ListItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The day a list is read on, and what the clock's filters compare with.
pub struct Today<'a> {
    pub settings: &'a WorkflowSettings,
    pub today: NaiveDate,
    /// The last day that is still `due_soon`.
    pub soon_until: NaiveDate,
}

impl<'a> Today<'a> {
    pub fn new(settings: &'a WorkflowSettings, today: NaiveDate) -> Today<'a> {
        let warn = settings.clock.due_soon_working_days;
        let soon_until = settings
            .calendar
            .add_working_days(today, warn)
            .map_or(today, |r| r.value);
        Today {
            settings,
            today,
            soon_until,
        }
    }

    /// The first instant (naive UTC) of a local day.
    fn start_of(&self, day: NaiveDate) -> NaiveDateTime {
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        self.settings
            .timezone
            .from_local_datetime(&midnight)
            .earliest()
            .map_or(midnight, |t| t.naive_utc())
    }

    fn flags(&self, row: &ApplicationRow) -> (bool, bool) {
        match (row.clock_state, row.due_on) {
            (RUNNING, Some(due)) => (
                due < self.today,
                due >= self.today && due <= self.soon_until,
            ),
            _ => (false, false),
        }
    }

    fn item(&self, r: ApplicationRow, names: &Names) -> ListItem {
        let (overdue, due_soon) = self.flags(&r);
        let remaining = match (r.clock_state, r.due_on) {
            (RUNNING, Some(due)) => Some(deadline::remaining(
                &self.settings.calendar,
                due,
                self.today,
            )),
            _ => None,
        };
        ListItem {
            status: r.status,
            clock_state: deadline::state(r.clock_state),
            due_on: r.due_on,
            remaining_working_days: remaining,
            overdue,
            due_soon,
            assignee: r.assignee_id.as_deref().map(|a| names.person(a)),
            id: r.id,
            reference: r.reference,
            shop_name: r.shop_name,
            license_no: r.license_no,
            township: r.township,
            version: r.version,
            current_revision: r.current_revision,
            translation_confirmed: r.translation_confirmed,
            approval_no: r.approval_no,
            submitted_at: utc(r.submitted_at),
            updated_at: utc(r.updated_at),
        }
    }

    /// The rows as list items, with their assignees' names.
    pub(crate) fn items(
        &self,
        conn: &mut DbConn,
        rows: Vec<ApplicationRow>,
    ) -> AppResult<Vec<ListItem>> {
        let mut ids: Vec<String> = rows.iter().filter_map(|r| r.assignee_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let names = Names::load(conn, ids)?;
        Ok(rows.into_iter().map(|r| self.item(r, &names)).collect())
    }
}

pub(crate) type Backend = <DbConn as diesel::Connection>::Backend;
pub(crate) type Query<'a> = applications::BoxedQuery<'a, Backend>;

/// The applications `actor` may see that pass `filter`, unordered.
pub(crate) fn query<'a>(actor: &User, filter: &ListFilter, day: &Today<'_>) -> Query<'a> {
    let mut q = applications::table.into_boxed();
    if actor.role == Role::Merchant {
        q = q.filter(applications::merchant_id.eq(actor.id.clone()));
    }
    if let Some(s) = filter.status {
        q = q.filter(applications::status.eq(s));
    }
    if let Some(y) = filter.year {
        q = q.filter(applications::submitted_year.eq(y));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(text));
        q = q.filter(
            applications::shop_name
                .like(pattern.clone())
                .escape('\\')
                .or(applications::license_no.like(pattern.clone()).escape('\\'))
                .or(applications::reference.like(pattern).escape('\\')),
        );
    }
    clock_filters(q, actor, filter, day)
}

/// The filters of the officials' queue: the clock, the assignee, the township and the days.
fn clock_filters<'a>(
    mut q: Query<'a>,
    actor: &User,
    filter: &ListFilter,
    day: &Today<'_>,
) -> Query<'a> {
    if filter.overdue {
        q = q
            .filter(applications::clock_state.eq(RUNNING))
            .filter(applications::due_on.lt(day.today));
    }
    if filter.due_soon {
        q = q
            .filter(applications::clock_state.eq(RUNNING))
            .filter(applications::due_on.ge(day.today))
            .filter(applications::due_on.le(day.soon_until));
    }
    if filter.open {
        q = q.filter(applications::clock_state.le(PAUSED));
    }
    q = match &filter.assignee {
        None => q,
        Some(AssigneeFilter::Me) => q.filter(applications::assignee_id.eq(actor.id.clone())),
        Some(AssigneeFilter::User(id)) => q.filter(applications::assignee_id.eq(id.clone())),
        Some(AssigneeFilter::Nobody) => q.filter(applications::assignee_id.is_null()),
    };
    if let Some(t) = &filter.township {
        q = q.filter(applications::township.eq(t.clone()));
    }
    if let Some(from) = filter.submitted_from {
        q = q.filter(applications::submitted_at.ge(day.start_of(from)));
    }
    if let Some(to) = filter.submitted_to.and_then(|d| d.succ_opt()) {
        q = q.filter(applications::submitted_at.lt(day.start_of(to)));
    }
    q
}

/// The query in the order the filter asks for.
pub(crate) fn ordered<'a>(q: Query<'a>, actor: &User, sort: Sort) -> Query<'a> {
    let by_due = match sort {
        Sort::Due => true,
        Sort::Submitted => false,
        Sort::Default => actor.role != Role::Merchant,
    };
    if by_due {
        q.order((
            applications::clock_state.asc(),
            applications::due_on.asc(),
            applications::id.asc(),
        ))
    } else {
        q.order((applications::submitted_at.desc(), applications::id.desc()))
    }
}

pub fn list(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<Page> {
    let day = Today::new(settings, today);
    let total: i64 = query(actor, filter, &day).count().get_result(conn)?;
    let rows: Vec<ApplicationRow> = ordered(query(actor, filter, &day), actor, filter.sort)
        .select(ApplicationRow::as_select())
        .limit(filter.per_page)
        .offset((filter.page - 1) * filter.per_page)
        .load(conn)?;
    Ok(Page {
        items: day.items(conn, rows)?,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

// The queue's order (and `open`) rely on running < paused < stopped.
const _: () = assert!(RUNNING < PAUSED && PAUSED < STOPPED);

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
