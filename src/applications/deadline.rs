//! The statutory clock of one application: its events replayed by [`crate::clock`] into the
//! view the detail shows, and into the projection kept on its row for the queue (`due_on`,
//! `clock_state`, the assignee, the on-time figures). The projection is rewritten from a fresh
//! replay in the transaction of every event, so it never drifts from the history.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::rows::event::list_events;
use super::rows::EventRow;
use super::states::{Action, Status};
use super::WorkflowSettings;
use crate::auth::Role;
use crate::calendar::Calendar;
use crate::clock::{replay, ClockState, ClockView, Entry, Mark};
use crate::db::schema::{applications, users};
use crate::db::DbConn;
use crate::error::{AppError, AppResult, ErrorCode};

/// `clock_state` as stored: the order of the queue (running, paused, closed).
pub const RUNNING: i32 = 0;
pub const PAUSED: i32 = 1;
pub const STOPPED: i32 = 2;

pub fn rank(state: ClockState) -> i32 {
    match state {
        ClockState::Running => RUNNING,
        ClockState::Paused => PAUSED,
        ClockState::Stopped => STOPPED,
    }
}

/// The state a stored `clock_state` stands for.
pub fn state(rank: i32) -> ClockState {
    match rank {
        RUNNING => ClockState::Running,
        PAUSED => ClockState::Paused,
        _ => ClockState::Stopped,
    }
}

/// A `details` field of an event, as JSON.
fn detail_field(e: &EventRow, field: &str) -> Option<serde_json::Value> {
    let details: serde_json::Value = serde_json::from_str(e.details.as_deref()?).ok()?;
    details.get(field).cloned()
}

/// What an event means to the clock: an extension, or the state it led to.
fn mark(e: &EventRow) -> AppResult<Mark> {
    if e.action == Action::Extend {
        let days = detail_field(e, "days")
            .and_then(|d| d.as_u64())
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| AppError::internal("extend event without its days"))?;
        return Ok(Mark::Extend(days));
    }
    Ok(match e.to_status {
        Status::Translating | Status::InReview => Mark::Run,
        Status::ChangesRequested => Mark::Pause,
        // A revocation follows the approval, whose stop the clock keeps.
        Status::Approved | Status::Rejected | Status::Revoked => Mark::Stop { decided: true },
        Status::Withdrawn => Mark::Stop { decided: false },
    })
}

/// The clock of an application with these events (in order), seen on `today`.
pub fn view(
    settings: &WorkflowSettings,
    events: &[EventRow],
    today: NaiveDate,
) -> AppResult<ClockView> {
    let history = events
        .iter()
        .map(|e| {
            Ok(Entry {
                on: settings.local_date(super::rows::utc(e.created_at)),
                mark: mark(e)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(replay(&settings.clock, &settings.calendar, &history, today))
}

/// The official holding the case: the last one who claimed it or was assigned it.
pub fn assignee(events: &[EventRow]) -> Option<String> {
    events.iter().rev().find_map(|e| match e.action {
        Action::Claim => Some(e.actor_id.clone()),
        Action::Assign => detail_field(e, "assignee").and_then(|a| a.as_str().map(str::to_owned)),
        _ => None,
    })
}

/// The clock as stored on the application row (none of it depends on the day it is read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub clock_state: i32,
    pub due_on: Option<NaiveDate>,
    pub extended_by: i32,
    pub assignee_id: Option<String>,
    /// Working days used by a decision (approval or rejection).
    pub decided_working_days: Option<i32>,
    pub decided_within_limit: Option<bool>,
}

fn projection(settings: &WorkflowSettings, events: &[EventRow]) -> AppResult<Projection> {
    let any_day = events
        .last()
        .map_or(NaiveDate::MIN, |e| e.created_at.date());
    let v = view(settings, events, any_day)?;
    let days = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(Projection {
        clock_state: rank(v.state),
        due_on: v.due_on,
        extended_by: days(v.extended_by),
        assignee_id: assignee(events),
        decided_working_days: v.decided_within_limit.map(|_| days(v.used_working_days)),
        decided_within_limit: v.decided_within_limit,
    })
}

/// The projection a fresh replay of the stored events gives.
pub fn replayed(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    app_id: &str,
) -> AppResult<Projection> {
    projection(settings, &list_events(conn, app_id)?)
}

/// The projection stored on the row.
pub fn stored(conn: &mut DbConn, app_id: &str) -> AppResult<Projection> {
    type Row = (
        i32,
        Option<NaiveDate>,
        i32,
        Option<String>,
        Option<i32>,
        Option<bool>,
    );
    let r: Row = applications::table
        .filter(applications::id.eq(app_id))
        .select((
            applications::clock_state,
            applications::due_on,
            applications::extended_by,
            applications::assignee_id,
            applications::decided_working_days,
            applications::decided_within_limit,
        ))
        .first(conn)?;
    Ok(Projection {
        clock_state: r.0,
        due_on: r.1,
        extended_by: r.2,
        assignee_id: r.3,
        decided_working_days: r.4,
        decided_within_limit: r.5,
    })
}

/// Rewrites the row's projection from a replay of its events (inside the event's
/// transaction).
pub fn project(conn: &mut DbConn, settings: &WorkflowSettings, app_id: &str) -> AppResult<()> {
    let p = replayed(conn, settings, app_id)?;
    diesel::update(applications::table.filter(applications::id.eq(app_id)))
        .set((
            applications::clock_state.eq(p.clock_state),
            applications::due_on.eq(p.due_on),
            applications::extended_by.eq(p.extended_by),
            applications::assignee_id.eq(p.assignee_id),
            applications::decided_working_days.eq(p.decided_working_days),
            applications::decided_within_limit.eq(p.decided_within_limit),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replays the applications whose projection was never written (stored before the clock
/// existed): running without a due day, or decided without its working days.
pub fn reproject_missing(conn: &mut DbConn, settings: &WorkflowSettings) -> AppResult<usize> {
    let decided = [Status::Approved, Status::Rejected];
    let ids: Vec<String> = applications::table
        .filter(
            applications::clock_state
                .eq(RUNNING)
                .and(applications::due_on.is_null())
                .or(applications::status
                    .eq_any(decided)
                    .and(applications::decided_working_days.is_null())),
        )
        .select(applications::id)
        .load(conn)?;
    for id in &ids {
        project(conn, settings, id)?;
    }
    Ok(ids.len())
}

/// Working days from `today` to `due` (negative: how many since it passed).
pub fn remaining(calendar: &Calendar, due: NaiveDate, today: NaiveDate) -> i64 {
    if today <= due {
        i64::from(calendar.working_days_between(today, due).value)
    } else {
        -i64::from(calendar.working_days_between(due, today).value)
    }
}

/// An assignee must be an active official (422 `invalid_assignee`).
pub fn check_assignee(conn: &mut DbConn, user_id: &str) -> AppResult<()> {
    let found: Option<(String, bool)> = users::table
        .filter(users::id.eq(user_id))
        .select((users::role, users::disabled))
        .first(conn)
        .optional()?;
    let official = found.is_some_and(|(role, disabled)| {
        !disabled && Role::parse(&role).is_some_and(|r| r != Role::Merchant)
    });
    match official {
        true => Ok(()),
        false => Err(AppError::explained(
            ErrorCode::InvalidAssignee,
            "承办人须为在职的翻译、审核人员或管理员",
        )
        .with_details(serde_json::json!({"assignee": user_id}))),
    }
}
