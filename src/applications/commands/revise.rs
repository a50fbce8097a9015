//! What a transition needs before its transaction: the application checked against the table,
//! and the spec of the revision a move makes (a translator's Mongolian text put into the
//! current spec, or the merchant's corrected form).

use crate::applications::error::TransitionError;
use crate::applications::form::{invalid_spec, ValidForm};
use crate::applications::request::TransitionRequest;
use crate::applications::rows::{get_revision, get_visible, list_attachments, ApplicationRow};
use crate::applications::states::Action;
use crate::applications::WorkflowSettings;
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::rules::ValidSpec;
use crate::spec::{DesignInfo, Script, SignSpec};

/// An application a transition may be applied to, as read before the transaction.
pub struct Loaded {
    pub app: ApplicationRow,
    pub current: SignSpec,
    /// The sizes of the current revision's images, carried to a revision without new ones.
    pub carried: Vec<DesignInfo>,
}

/// Reads the application and checks the request against the workflow table (the same check
/// runs again inside the transaction).
pub fn load(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    id: &str,
    request: &TransitionRequest,
) -> Result<Loaded, TransitionError> {
    let app = get_visible(conn, actor, id)?;
    let current = get_revision(conn, &app.id, app.current_revision)?;
    super::transition::check(&app, &current, actor, request, settings)?;
    let carried = list_attachments(conn, &app.id, Some(app.current_revision))?
        .iter()
        .map(|a| DesignInfo {
            width_px: a.width.max(0) as u32,
            height_px: a.height.max(0) as u32,
        })
        .collect();
    Ok(Loaded {
        current: current.spec()?,
        app,
        carried,
    })
}

/// The spec of the revision the move makes, if it makes one: for `supply_translation` the
/// current spec with the translator's Mongolian text; for `resubmit` the merchant's form.
pub fn new_spec(
    loaded: &Loaded,
    request: &TransitionRequest,
    form: Option<&ValidForm>,
) -> Result<Option<ValidSpec>, AppError> {
    match (request.action(), request.mn(), form) {
        (Action::SupplyTranslation, Some(mn), _) => {
            translated(loaded.current.clone(), mn).map(Some)
        }
        (Action::Resubmit, _, Some(form)) => Ok(Some(form.spec.clone())),
        _ => Ok(None),
    }
}

/// The spec with a new Mongolian text, no translation asked for any more and the line breaks
/// laid out for the old Mongolian text dropped (they do not fit the new one).
pub fn translated(mut spec: SignSpec, mn: &str) -> Result<ValidSpec, AppError> {
    spec.texts.mn = mn.to_owned();
    spec.translation_requested = false;
    for block in spec.layout.iter_mut().flat_map(|l| l.blocks.iter_mut()) {
        if block.script == Script::Mn {
            block.text = None;
        }
    }
    crate::rules::validate(spec).map_err(invalid_spec)
}
