//! The clock's reminders: an open application whose clock runs and whose due day is near
//! (`due_soon`) or past (`overdue`) tells the official holding it (the handlers while nobody
//! does) once per due day. The `reminders` row and the notifications are written in one
//! transaction; its primary key makes a second writer (another replica, a second scan) fail
//! and roll back, so a reminder is never sent twice, and a moved due day reminds again.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::applications::deadline::RUNNING;
use crate::applications::queries::list::Today;
use crate::applications::rows::ApplicationRow;
use crate::applications::WorkflowSettings;
use crate::db::schema::{applications, reminders};
use crate::db::{is_unique_violation, write_tx, DbConn};
use crate::error::AppResult;
use crate::notify::{self, EventType};

/// Most applications one scan reminds about; the next scan takes the rest.
const BATCH: i64 = 500;

/// Writes the reminders due at `now`; answers how many applications were reminded about.
pub fn send_due(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let today = settings.local_date(now);
    let soon_until = Today::new(settings, today).soon_until;
    let due: Vec<ApplicationRow> = applications::table
        .filter(applications::clock_state.eq(RUNNING))
        .filter(applications::due_on.le(soon_until))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            reminders::table
                .filter(reminders::application_id.eq(applications::id))
                .filter(reminders::due_on.nullable().eq(applications::due_on))
                // Written already: the overdue reminder, or the due-soon one while not overdue.
                .filter(
                    reminders::event
                        .eq(EventType::Overdue.as_str())
                        .or(reminders::due_on.ge(today)),
                ),
        )))
        .order(applications::due_on.asc())
        .limit(BATCH)
        .select(ApplicationRow::as_select())
        .load(conn)?;
    let mut sent = 0;
    for app in &due {
        let Some(due_on) = app.due_on else { continue };
        let event = if due_on < today {
            EventType::Overdue
        } else {
            EventType::DueSoon
        };
        if remind(conn, settings, app, event, due_on, now)? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// One reminder in its own transaction; `false` when it had been written already.
fn remind(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    app: &ApplicationRow,
    event: EventType,
    due_on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let at = now.naive_utc();
    let written = write_tx(conn, |conn| {
        diesel::insert_into(reminders::table)
            .values((
                reminders::application_id.eq(&app.id),
                reminders::event.eq(event.as_str()),
                reminders::due_on.eq(due_on),
                reminders::sent_at.eq(at),
            ))
            .execute(conn)?;
        let Some(route) = notify::route(event) else {
            return Ok(());
        };
        let subject = notify::Subject {
            application_id: &app.id,
            merchant_id: &app.merchant_id,
            shop_name: &app.shop_name,
            phone: &app.phone,
            status: app.status,
            approval_no: app.approval_no.as_deref(),
        };
        notify::enqueue(conn, &settings.notices, route, &subject, at).map(|_| ())
    });
    match written {
        Ok(()) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
