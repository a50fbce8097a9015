//! The notifications of a workflow move, written in the move's transaction: the move's action
//! names the row of `notify::events` (who is told), the application as it is after the move
//! fills the text.

use chrono::NaiveDateTime;

use crate::applications::form::ValidForm;
use crate::applications::rows::ApplicationRow;
use crate::applications::states::{Action, Status};
use crate::applications::WorkflowSettings;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::notify;

/// The application after the move: its new state and number, and the corrected shop fields
/// of a resubmission.
pub struct After<'a> {
    pub status: Status,
    pub approval_no: Option<&'a str>,
    pub form: Option<&'a ValidForm>,
}

/// Writes the notification rows `action` raises (none for a move that tells no one).
pub fn notify(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    action: Action,
    app: &ApplicationRow,
    after: After<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(route) = notify::for_action(action) else {
        return Ok(());
    };
    let subject = notify::Subject {
        application_id: &app.id,
        merchant_id: &app.merchant_id,
        shop_name: after.form.map_or(app.shop_name.as_str(), |f| &f.shop_name),
        phone: after.form.map_or(app.phone.as_str(), |f| f.phone.as_str()),
        status: after.status,
        approval_no: after.approval_no,
    };
    notify::enqueue(conn, &settings.notices, route, &subject, now)?;
    Ok(())
}
