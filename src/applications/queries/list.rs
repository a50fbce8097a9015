//! The list of applications a viewer may see: filtered, sorted (officials by due day: overdue
//! first, then the soonest due, paused and closed ones last) and paged. The same filter feeds
//! the CSV export and the counts of the status tabs.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::detail::{Names, Person};
use super::keyset::{due_key, Cursor};
use super::search::{self, Dialect};
use super::total::{self, Total};
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
    /// The rows after this cursor (keyset pagination; `page` is then not used).
    pub after: Option<Cursor>,
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
    /// The rows of the filter: exact up to `SIGNBOARD_EXACT_TOTAL_LIMIT` (10,000), above it
    /// an estimate (`total_is_estimate`).
    pub total: i64,
    /// `total` is an estimate (the filter has more rows than are counted exactly).
    pub total_is_estimate: bool,
    pub page: i64,
    pub per_page: i64,
    /// The cursor of the next page (`after=`), when there is one.
    pub next_after: Option<String>,
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

use super::base::serial;
pub(crate) use super::base::Query;

/// The applications `actor` may see that pass `filter`, unordered.
pub(crate) fn query<'a>(
    actor: &User,
    filter: &ListFilter,
    day: &Today<'_>,
    dialect: Dialect,
) -> Query<'a> {
    let mut q = applications::table.into_boxed();
    if actor.role == Role::Merchant {
        q = q.filter(applications::merchant_id.eq(actor.id.clone()));
    }
    if let Some(s) = filter.status {
        q = q.filter(applications::status.eq(s));
        // A final state's clock is stopped (the projection says so). Stated, the walk in due
        // order starts at the stopped cases instead of skipping every open one first.
        if s.is_final() {
            q = q.filter(applications::clock_state.eq(STOPPED));
        }
    }
    if let Some(y) = filter.year {
        q = q.filter(applications::submitted_year.eq(y));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = search::matching(q, text, dialect);
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
            .filter(due_key().lt(day.today));
    }
    if filter.due_soon {
        q = q
            .filter(applications::clock_state.eq(RUNNING))
            .filter(due_key().ge(day.today))
            .filter(due_key().le(day.soon_until));
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

/// Whether the list is in the due order (else newest first).
pub(crate) fn by_due(actor: &User, sort: Sort) -> bool {
    match sort {
        Sort::Due => true,
        Sort::Submitted => false,
        Sort::Default => actor.role != Role::Merchant,
    }
}

/// The query in the order the filter asks for.
pub(crate) fn ordered<'a>(q: Query<'a>, actor: &User, sort: Sort) -> Query<'a> {
    if by_due(actor, sort) {
        q.order((
            applications::clock_state.asc(),
            due_key().asc(),
            applications::id.asc(),
        ))
    } else {
        q.order((applications::submitted_at.desc(), applications::id.desc()))
    }
}

/// The same order in terms no index provides (PostgreSQL), so that a search with few hits is
/// answered from its text index and sorted, never by walking the whole queue in order looking
/// for them (which the planner may pick when it overestimates the hits).
fn sorted_hits<'a>(q: Query<'a>, due_order: bool) -> Query<'a> {
    if due_order {
        q.order((
            sql::<Integer>("clock_state + 0").asc(),
            due_key().asc(),
            applications::id.asc(),
        ))
    } else {
        q.order((
            sql::<Timestamp>("submitted_at + INTERVAL '0 seconds'").desc(),
            applications::id.desc(),
        ))
    }
}

/// Up to how many hits a search is sorted rather than found in the queue's order.
const FEW_HITS: i64 = 2_000;

/// The rows of one page (one more than `per_page`: whether another follows), in the list's
/// order: from the cursor `after`, or at the offset of `page`.
fn page_query<'a>(
    actor: &User,
    filter: &ListFilter,
    day: &Today<'_>,
    dialect: Dialect,
    total: Total,
) -> Query<'a> {
    // Few hits of a search, or the exactly counted rows of a range of days (which the planner
    // may look for by walking the whole queue in order).
    let days = filter.submitted_from.is_some() || filter.submitted_to.is_some();
    let few_hits = !total.is_estimate && (days || (filter.q.is_some() && total.n <= FEW_HITS));
    let q = query(actor, filter, day, dialect);
    let q = if few_hits && dialect == Dialect::Postgres {
        sorted_hits(q, by_due(actor, filter.sort))
    } else {
        ordered(q, actor, filter.sort)
    };
    let offset = (filter.page - 1) * filter.per_page;
    match &filter.after {
        Some(cursor) => cursor.filter(q).limit(filter.per_page + 1),
        None => q.offset(offset).limit(filter.per_page + 1),
    }
}

/// The rows of one page. A deep page (`page=` past [`DEEP`] rows) is read in two steps: the
/// ids of its rows, stepping over the skipped ones in the index alone (an index-only scan),
/// then just those rows.
fn load_page(
    conn: &mut DbConn,
    actor: &User,
    filter: &ListFilter,
    day: &Today<'_>,
    total: Total,
) -> AppResult<Vec<ApplicationRow>> {
    let dialect = Dialect::of(conn);
    let q = page_query(actor, filter, day, dialect, total);
    if filter.after.is_some() || (filter.page - 1) * filter.per_page < DEEP {
        return Ok(q.select(ApplicationRow::as_select()).load(conn)?);
    }
    let ids: Vec<String> = q.select(applications::id).load(conn)?;
    let rows = applications::table
        .into_boxed()
        .filter(applications::id.eq_any(ids));
    Ok(ordered(rows, actor, filter.sort)
        .select(ApplicationRow::as_select())
        .load(conn)?)
}

/// From this offset on a page is read by its ids first.
const DEEP: i64 = 1_000;

pub fn list(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<Page> {
    serial(conn, |conn| {
        list_serial(conn, settings, actor, filter, today)
    })
}

fn list_serial(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<Page> {
    let day = Today::new(settings, today);
    let due_order = by_due(actor, filter.sort);
    if filter
        .after
        .as_ref()
        .is_some_and(|c| c.is_due_order() != due_order)
    {
        return Err(super::keyset::other_order());
    }
    let make = |d| query(actor, filter, &day, d);
    let estimate_first = search::estimated_well(filter.q.as_deref());
    let total = total::total(conn, make, settings.exact_total_limit, estimate_first)?;
    let mut rows = load_page(conn, actor, filter, &day, total)?;
    let more = rows.len() as i64 > filter.per_page;
    rows.truncate(filter.per_page as usize);
    let next_after = more
        .then(|| rows.last().map(|r| Cursor::after(r, due_order).encode()))
        .flatten();
    Ok(Page {
        items: day.items(conn, rows)?,
        total: total.n,
        total_is_estimate: total.is_estimate,
        page: filter.page,
        per_page: filter.per_page,
        next_after,
    })
}

/// What PostgreSQL does for one page of the list: `EXPLAIN (ANALYZE, BUFFERS)` of the count
/// and of the page, as [`list`] sends them (for the benchmark's record).
pub fn explain(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<Vec<String>> {
    serial(conn, |conn| {
        explain_serial(conn, settings, actor, filter, today)
    })
}

fn explain_serial(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    filter: &ListFilter,
    today: NaiveDate,
) -> AppResult<Vec<String>> {
    let day = Today::new(settings, today);
    let dialect = Dialect::of(conn);
    let make = |d| query(actor, filter, &day, d);
    let limit = settings.exact_total_limit;
    let estimate_first = search::estimated_well(filter.q.as_deref());
    let total = total::total(conn, make, limit, estimate_first)?;
    let mut plans = total::explain_count(conn, make, limit, estimate_first)?;
    plans.push(String::new());
    let page = page_query(actor, filter, &day, dialect, total);
    let deep = filter.after.is_none() && (filter.page - 1) * filter.per_page >= DEEP;
    plans.extend(total::explain_rows(conn, page, deep)?);
    Ok(plans)
}

// The queue's order (and `open`) rely on running < paused < stopped.
const _: () = assert!(RUNNING < PAUSED && PAUSED < STOPPED);
