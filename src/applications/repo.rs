//! Storing and reading applications. Every state change is a compare-and-set on the version
//! and is written together with its event row in one transaction.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::workflow::{self, Action, Refusal, Status, Target};
use super::{ApplicationForm, ChangeItem, Evaluation, SubmitResult, WorkflowSettings};
use crate::auth::{Role, User};
use crate::db::schema::{applications, attachments, events, revisions, users};
use crate::db::{bump_count, next_approval_seq, write_tx, DbConn};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::spec::{Finding, Layout, SignSpec, Verdict};
use crate::storage::DesignImage;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: String,
    pub merchant_id: String,
    pub shop_name: String,
    pub license_no: String,
    pub address: String,
    pub township: String,
    pub phone: String,
    pub status: String,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: NaiveDateTime,
    pub submitted_year: i32,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_year: Option<i32>,
    pub decided_month: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub idempotency_key: Option<String>,
}

impl ApplicationRow {
    pub fn status(&self) -> AppResult<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("unknown status {:?}", self.status)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub application_id: String,
    pub n: i32,
    pub spec: String,
    pub layout: Option<String>,
    pub findings: String,
    pub verdict: String,
    pub profile_id: String,
    pub profile_version: String,
    pub author_id: String,
    pub created_at: NaiveDateTime,
}

impl RevisionRow {
    pub fn spec(&self) -> AppResult<SignSpec> {
        serde_json::from_str(&self.spec).map_err(AppError::internal)
    }

    pub fn findings(&self) -> AppResult<Vec<Finding>> {
        serde_json::from_str(&self.findings).map_err(AppError::internal)
    }

    pub fn layout(&self) -> AppResult<Option<Layout>> {
        self.layout
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(AppError::internal)
    }

    pub fn verdict(&self) -> Verdict {
        match self.verdict.as_str() {
            "pass" => Verdict::Pass,
            "warn" => Verdict::Warn,
            _ => Verdict::Fail,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub application_id: String,
    pub revision: i32,
    /// Order of upload within the revision.
    pub position: i32,
    pub sha256: String,
    pub content_type: String,
    pub original_name: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub application_id: String,
    pub seq: i32,
    pub actor_id: String,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub comment: Option<String>,
    pub details: Option<String>,
    pub revision: i32,
    pub created_at: NaiveDateTime,
}

/// An uploaded image as a submission hands it to the repository.
pub struct Upload {
    pub image: DesignImage,
    pub original_name: String,
}

/// A new revision: the spec, its check and its images.
pub struct NewRevision<'a> {
    pub spec: &'a SignSpec,
    pub evaluation: &'a Evaluation,
    pub uploads: &'a [Upload],
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}

/// Where a submission goes: to the translators when a translation is asked for or the
/// Mongolian text is missing, else to review.
fn after_submission(spec: &SignSpec) -> Status {
    if spec.translation_requested || spec.texts.mn.trim().is_empty() {
        Status::Translating
    } else {
        Status::InReview
    }
}

fn insert_revision(
    conn: &mut DbConn,
    app_id: &str,
    n: i32,
    author: &User,
    rev: &NewRevision<'_>,
    carry_attachments_from: Option<i32>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let row = RevisionRow {
        application_id: app_id.to_owned(),
        n,
        spec: to_json(rev.spec)?,
        layout: rev.evaluation.layout.as_ref().map(to_json).transpose()?,
        findings: to_json(&rev.evaluation.findings)?,
        verdict: rev.evaluation.verdict.as_str().to_owned(),
        profile_id: rev.evaluation.profile.id.clone(),
        profile_version: rev.evaluation.profile.version.clone(),
        author_id: author.id.clone(),
        created_at: now,
    };
    diesel::insert_into(revisions::table)
        .values(&row)
        .execute(conn)?;
    let mut rows: Vec<AttachmentRow> = rev
        .uploads
        .iter()
        .enumerate()
        .map(|(i, u)| AttachmentRow {
            id: uuid::Uuid::new_v4().to_string(),
            application_id: app_id.to_owned(),
            revision: n,
            position: i as i32,
            sha256: u.image.sha256.clone(),
            content_type: u.image.format.content_type().to_owned(),
            original_name: u.original_name.clone(),
            byte_size: u.image.original.len() as i64,
            width: u.image.width as i32,
            height: u.image.height as i32,
            created_at: now,
        })
        .collect();
    if rows.is_empty() {
        if let Some(prev) = carry_attachments_from {
            // A resubmission without new images keeps the previous revision's designs.
            rows = list_attachments(conn, app_id, Some(prev))?
                .into_iter()
                .map(|a| AttachmentRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    revision: n,
                    created_at: now,
                    ..a
                })
                .collect();
        }
    }
    // One row at a time: batch inserts are not portable across both backends.
    for row in &rows {
        diesel::insert_into(attachments::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

struct NewEvent<'a> {
    app_id: &'a str,
    actor: &'a User,
    action: Action,
    from: Option<Status>,
    to: Status,
    comment: Option<String>,
    details: Option<serde_json::Value>,
    revision: i32,
}

fn insert_event(conn: &mut DbConn, e: NewEvent<'_>, now: NaiveDateTime) -> AppResult<()> {
    let last: Option<i32> = events::table
        .filter(events::application_id.eq(e.app_id))
        .select(diesel::dsl::max(events::seq))
        .first(conn)?;
    let row = EventRow {
        id: uuid::Uuid::new_v4().to_string(),
        application_id: e.app_id.to_owned(),
        seq: last.unwrap_or(0) + 1,
        actor_id: e.actor.id.clone(),
        actor_role: e.actor.role.as_str().to_owned(),
        action: e.action.as_str().to_owned(),
        from_status: e.from.map(|s| s.as_str().to_owned()),
        to_status: e.to.as_str().to_owned(),
        comment: e.comment,
        details: e.details.map(|d| d.to_string()),
        revision: e.revision,
        created_at: now,
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// The answer a submission gave, rebuilt from its rows (for an idempotent repeat).
fn first_result(conn: &mut DbConn, app: &ApplicationRow) -> AppResult<SubmitResult> {
    let rev = get_revision(conn, &app.id, 1)?;
    let first_status: String = events::table
        .filter(events::application_id.eq(&app.id))
        .filter(events::seq.eq(1))
        .select(events::to_status)
        .first(conn)?;
    Ok(SubmitResult {
        id: app.id.clone(),
        status: Status::parse(&first_status)
            .ok_or_else(|| AppError::internal("unknown status in event"))?,
        version: 1,
        revision: 1,
        verdict: rev.verdict(),
        findings: rev.findings()?,
    })
}

pub fn find_by_idempotency_key(
    conn: &mut DbConn,
    merchant_id: &str,
    key: &str,
) -> AppResult<Option<SubmitResult>> {
    let app = applications::table
        .filter(applications::merchant_id.eq(merchant_id))
        .filter(applications::idempotency_key.eq(key))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?;
    app.map(|a| first_result(conn, &a)).transpose()
}

/// What a submission did: stored a new application, or found the one an earlier request
/// with the same idempotency key stored (and answers with its result).
#[derive(Debug)]
pub enum Created {
    New(SubmitResult),
    Replayed(SubmitResult),
}

/// Stores a new application with its first revision and the submit event.
pub fn create(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    merchant: &User,
    form: &ApplicationForm,
    rev: &NewRevision<'_>,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Created> {
    let status = after_submission(rev.spec);
    let (year, _) = settings.local_year_month(now);
    let naive = now.naive_utc();
    let row = ApplicationRow {
        id: uuid::Uuid::new_v4().to_string(),
        merchant_id: merchant.id.clone(),
        shop_name: form.shop_name.trim().to_owned(),
        license_no: form.license_no.trim().to_owned(),
        address: form.address.trim().to_owned(),
        township: form.township.trim().to_owned(),
        phone: form.phone.trim().to_owned(),
        status: status.as_str().to_owned(),
        version: 1,
        current_revision: 1,
        translation_confirmed: false,
        approval_no: None,
        submitted_at: naive,
        submitted_year: year,
        decided_at: None,
        decided_year: None,
        decided_month: None,
        updated_at: naive,
        idempotency_key: idempotency_key.map(str::to_owned),
    };
    let result = write_tx(conn, |conn| -> AppResult<SubmitResult> {
        diesel::insert_into(applications::table)
            .values(&row)
            .execute(conn)?;
        bump_count(conn, (year, 0, ""), "submitted", 1)?;
        bump_count(conn, (year, 0, ""), "pending", 1)?;
        insert_revision(conn, &row.id, 1, merchant, rev, None, naive)?;
        insert_event(
            conn,
            NewEvent {
                app_id: &row.id,
                actor: merchant,
                action: Action::Submit,
                from: None,
                to: status,
                comment: None,
                details: None,
                revision: 1,
            },
            naive,
        )?;
        Ok(SubmitResult {
            id: row.id.clone(),
            status,
            version: 1,
            revision: 1,
            verdict: rev.evaluation.verdict,
            findings: rev.evaluation.findings.clone(),
        })
    });
    match (result, idempotency_key) {
        // Two requests with one key raced: the other one stored first.
        (Err(e), Some(key)) if is_unique_violation_app(&e) => Ok(Created::Replayed(
            find_by_idempotency_key(conn, &merchant.id, key)?.ok_or(e)?,
        )),
        (result, _) => result.map(Created::New),
    }
}

fn is_unique_violation_app(e: &AppError) -> bool {
    e.code == ErrorCode::Duplicate
}

/// The application `actor` may see: a merchant only its own (another's answers 404).
pub fn get_visible(conn: &mut DbConn, actor: &User, id: &str) -> AppResult<ApplicationRow> {
    let mut query = applications::table
        .filter(applications::id.eq(id))
        .select(ApplicationRow::as_select())
        .into_boxed();
    if actor.role == Role::Merchant {
        query = query.filter(applications::merchant_id.eq(&actor.id));
    }
    query
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

pub fn get_revision(conn: &mut DbConn, app_id: &str, n: i32) -> AppResult<RevisionRow> {
    revisions::table
        .filter(revisions::application_id.eq(app_id))
        .filter(revisions::n.eq(n))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

pub fn list_attachments(
    conn: &mut DbConn,
    app_id: &str,
    revision: Option<i32>,
) -> AppResult<Vec<AttachmentRow>> {
    let mut q = attachments::table
        .filter(attachments::application_id.eq(app_id))
        .select(AttachmentRow::as_select())
        .order((attachments::revision, attachments::position))
        .into_boxed();
    if let Some(n) = revision {
        q = q.filter(attachments::revision.eq(n));
    }
    Ok(q.load(conn)?)
}

pub fn get_attachment(
    conn: &mut DbConn,
    app_id: &str,
    attachment_id: &str,
) -> AppResult<AttachmentRow> {
    attachments::table
        .filter(attachments::application_id.eq(app_id))
        .filter(attachments::id.eq(attachment_id))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(AppError::not_found)
}

/// Whether any attachment row references a content hash (asked by the file sweeper).
pub fn sha_referenced(conn: &mut DbConn, sha: &str) -> AppResult<bool> {
    let n: i64 = attachments::table
        .filter(attachments::sha256.eq(sha))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A transition as checked against the table, with what it needs to be applied.
pub struct TransitionInput<'a> {
    pub action: Action,
    pub expected_version: i32,
    pub comment: Option<String>,
    pub items: Option<Vec<ChangeItem>>,
    /// `supply_translation` and `resubmit` make a new revision.
    pub new_revision: Option<NewRevision<'a>>,
    /// `resubmit` may correct the shop fields.
    pub form: Option<&'a ApplicationForm>,
}

/// The state after a transition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitionResult {
    pub id: String,
    pub status: Status,
    pub version: i32,
    pub revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
}

/// Checks that `actor` may take `action` on `app` now: 403 for the role, 409 for a stale
/// version, 422 for the state. The same check runs again inside the transaction.
pub fn precheck(
    app: &ApplicationRow,
    actor: &User,
    action: Action,
    expected: i32,
) -> AppResult<()> {
    if actor.role == Role::Merchant && app.merchant_id != actor.id {
        return Err(AppError::not_found());
    }
    let from = app.status()?;
    let refusal = workflow::find(action, from, actor.role).err();
    if refusal == Some(Refusal::Role) {
        return Err(AppError::forbidden());
    }
    // A decision taken on an outdated view is a conflict, whatever the state is now.
    if app.version != expected {
        return Err(version_conflict(app.version));
    }
    if refusal == Some(Refusal::State) {
        return Err(AppError::explained(
            ErrorCode::IllegalTransition,
            format!("申请当前状态为“{}”，不能{}", from.label(), action.label()),
        )
        .with_details(serde_json::json!({"status": from, "action": action})));
    }
    Ok(())
}

fn version_conflict(current: i32) -> AppError {
    AppError::explained(
        ErrorCode::VersionConflict,
        "该申请刚刚已被他人处理，请刷新后查看最新状态",
    )
    .with_details(serde_json::json!({"current_version": current}))
}

/// The compare-and-set on the version, as the transaction's first write. Of two racing
/// transitions on PostgreSQL the later one blocks here on the row lock until the first commits,
/// then finds the version changed (the `WHERE` is checked again) and answers 409
/// `version_conflict` before writing anything that could collide with the winner's rows (a
/// revision or event number, which would surface as a unique violation). SQLite's `BEGIN
/// IMMEDIATE` already runs them one after the other.
fn claim(conn: &mut DbConn, app: &ApplicationRow) -> AppResult<()> {
    let claimed = diesel::update(
        applications::table
            .filter(applications::id.eq(&app.id))
            .filter(applications::version.eq(app.version)),
    )
    .set(applications::version.eq(app.version + 1))
    .execute(conn)?;
    if claimed != 1 {
        return Err(version_conflict(app.version));
    }
    Ok(())
}

/// Applies a transition: compare-and-set on the version, the new revision if any, the event row
/// and, on approval, the next approval number of the year, all in one transaction.
#[allow(clippy::too_many_lines)] // Split by the applications work of issue 9.
pub fn apply_transition(
    conn: &mut DbConn,
    settings: &WorkflowSettings,
    actor: &User,
    app_id: &str,
    input: TransitionInput<'_>,
    now: DateTime<Utc>,
) -> AppResult<TransitionResult> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| -> AppResult<TransitionResult> {
        let app = get_visible(conn, actor, app_id)?;
        precheck(&app, actor, input.action, input.expected_version)?;
        claim(conn, &app)?;
        let from = app.status()?;
        let transition = workflow::find(input.action, from, actor.role)
            .map_err(|_| AppError::internal("transition vanished after precheck"))?;
        let current = get_revision(conn, &app.id, app.current_revision)?;

        let mut details = None;
        match input.action {
            Action::Approve => {
                if !app.translation_confirmed {
                    return Err(AppError::explained(
                        ErrorCode::TranslationUnconfirmed,
                        "蒙古文译文尚未经翻译人员确认，不能批准",
                    ));
                }
                if current.verdict() == Verdict::Fail {
                    return Err(AppError::explained(
                        ErrorCode::FindingsUnresolved,
                        "该牌匾仍有不符合规定的问题，不能批准",
                    ));
                }
            }
            Action::Reject if input.comment.as_deref().is_none_or(|c| c.trim().is_empty()) => {
                return Err(AppError::explained(
                    ErrorCode::ReasonRequired,
                    "不予批准时必须写明理由",
                ));
            }
            Action::RequestChanges => {
                let items = input.items.clone().unwrap_or_default();
                if items.is_empty() || items.iter().any(|i| i.message.trim().is_empty()) {
                    return Err(AppError::explained(
                        ErrorCode::ItemsRequired,
                        "退回修改时请逐条写明需要修改的内容",
                    ));
                }
                details = Some(serde_json::json!({ "items": items }));
            }
            Action::ConfirmTranslation if app.translation_confirmed => {
                return Err(AppError::explained(
                    ErrorCode::AlreadyConfirmed,
                    "蒙古文译文已经确认过了",
                ));
            }
            Action::ConfirmTranslation => {
                let spec = current.spec()?;
                if spec.texts.mn.trim().is_empty() {
                    return Err(AppError::explained(
                        ErrorCode::TranslationMissing,
                        "还没有蒙古文译文，无法确认",
                    ));
                }
            }
            _ => {}
        }

        let mut revision = app.current_revision;
        let mut translation_confirmed = app.translation_confirmed;
        if let Some(rev) = &input.new_revision {
            revision += 1;
            insert_revision(
                conn,
                &app.id,
                revision,
                actor,
                rev,
                Some(app.current_revision),
                naive,
            )?;
            // Supplied by a translator: confirmed. Resubmitted by the merchant: confirmed
            // only if the Mongolian text is the one already confirmed.
            translation_confirmed = match input.action {
                Action::SupplyTranslation => true,
                _ => app.translation_confirmed && current.spec()?.texts.mn == rev.spec.texts.mn,
            };
        }
        if input.action == Action::ConfirmTranslation {
            translation_confirmed = true;
        }
        let to = match transition.target {
            Target::To(s) => s,
            Target::Stay => from,
            Target::AfterSubmission => match &input.new_revision {
                Some(rev) if translation_confirmed && !rev.spec.translation_requested => {
                    Status::InReview
                }
                Some(rev) => after_submission(rev.spec),
                None => return Err(AppError::internal("resubmission without a revision")),
            },
        };

        let mut approval_no = app.approval_no.clone();
        let (decided_at, decided_year, decided_month) = if to.is_final() {
            let (y, m) = settings.local_year_month(now);
            (Some(naive), Some(y), Some(m as i32))
        } else {
            (None, None, None)
        };
        if to == Status::Approved {
            let (year, _) = settings.local_year_month(now);
            let seq = next_approval_seq(conn, year)?;
            approval_no = Some(settings.approval_no(year, seq));
        }
        let form = input.form;
        let updated = diesel::update(
            applications::table
                .filter(applications::id.eq(&app.id))
                .filter(applications::version.eq(app.version + 1)),
        )
        .set((
            applications::status.eq(to.as_str()),
            applications::version.eq(app.version + 1),
            applications::current_revision.eq(revision),
            applications::translation_confirmed.eq(translation_confirmed),
            applications::approval_no.eq(&approval_no),
            applications::decided_at.eq(decided_at),
            applications::decided_year.eq(decided_year),
            applications::decided_month.eq(decided_month),
            applications::updated_at.eq(naive),
            applications::shop_name.eq(form.map_or(&app.shop_name, |f| &f.shop_name).trim()),
            applications::license_no.eq(form.map_or(&app.license_no, |f| &f.license_no).trim()),
            applications::address.eq(form.map_or(&app.address, |f| &f.address).trim()),
            applications::township.eq(form.map_or(&app.township, |f| &f.township).trim()),
            applications::phone.eq(form.map_or(&app.phone, |f| &f.phone).trim()),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Err(AppError::internal(
                "claimed application changed in its transaction",
            ));
        }
        if let (Some(year), Some(month)) = (decided_year, decided_month) {
            bump_count(conn, (app.submitted_year, 0, ""), "pending", -1)?;
            match to {
                Status::Approved => {
                    let township = form.map_or(&app.township, |f| &f.township).trim();
                    bump_count(conn, (year, 0, ""), "approved", 1)?;
                    bump_count(conn, (year, month, ""), "approved", 1)?;
                    bump_count(conn, (year, 0, township), "approved", 1)?;
                }
                Status::Rejected => bump_count(conn, (year, 0, ""), "rejected", 1)?,
                _ => {}
            }
        }
        insert_event(
            conn,
            NewEvent {
                app_id: &app.id,
                actor,
                action: input.action,
                from: Some(from),
                to,
                comment: input.comment.clone().filter(|c| !c.trim().is_empty()),
                details,
                revision,
            },
            naive,
        )?;
        Ok(TransitionResult {
            id: app.id.clone(),
            status: to,
            version: app.version + 1,
            revision,
            translation_confirmed,
            approval_no,
        })
    })
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub year: Option<i32>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListItem {
    pub id: String,
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
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page {
    pub items: Vec<ListItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub fn list(conn: &mut DbConn, actor: &User, filter: &ListFilter) -> AppResult<Page> {
    let build = || {
        let mut q = applications::table.into_boxed();
        if actor.role == Role::Merchant {
            q = q.filter(applications::merchant_id.eq(actor.id.clone()));
        }
        if let Some(s) = filter.status {
            q = q.filter(applications::status.eq(s.as_str()));
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
                    .or(applications::license_no.like(pattern).escape('\\')),
            );
        }
        q
    };
    let total: i64 = build().count().get_result(conn)?;
    let rows: Vec<ApplicationRow> = build()
        .select(ApplicationRow::as_select())
        .order((applications::submitted_at.desc(), applications::id.desc()))
        .limit(filter.per_page)
        .offset((filter.page - 1) * filter.per_page)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(ListItem {
                status: r.status()?,
                id: r.id,
                shop_name: r.shop_name,
                license_no: r.license_no,
                township: r.township,
                version: r.version,
                current_revision: r.current_revision,
                translation_confirmed: r.translation_confirmed,
                approval_no: r.approval_no,
                submitted_at: utc(r.submitted_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub content_type: String,
    pub original_name: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub url: String,
    pub thumb_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    pub n: i32,
    #[schema(value_type = Object)]
    pub spec: SignSpec,
    /// The layout that was checked: the merchant's, or the one the service composed.
    #[schema(value_type = Option<Object>)]
    pub layout: Option<Layout>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub profile: crate::rules::ProfileRef,
    pub author: Person,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentView>,
    pub preview_url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i32,
    pub actor: Person,
    pub actor_role: String,
    pub action: String,
    pub from: Option<String>,
    pub to: String,
    pub comment: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Detail {
    pub id: String,
    pub merchant: Person,
    pub shop_name: String,
    pub license_no: String,
    pub address: String,
    pub township: String,
    pub phone: String,
    pub status: Status,
    pub status_label: String,
    pub version: i32,
    pub current_revision: i32,
    pub translation_confirmed: bool,
    pub approval_no: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// What the viewer may do now.
    pub available_actions: Vec<Action>,
    /// The items of the latest request for changes, while changes are requested.
    pub requested_changes: Option<Vec<ChangeItem>>,
    pub revisions: Vec<RevisionView>,
    pub events: Vec<EventView>,
}

fn names(
    conn: &mut DbConn,
    ids: Vec<String>,
) -> AppResult<std::collections::HashMap<String, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

#[allow(clippy::too_many_lines)] // Split by the applications work of issue 9.
pub fn detail(conn: &mut DbConn, actor: &User, id: &str) -> AppResult<Detail> {
    let app = get_visible(conn, actor, id)?;
    let revs: Vec<RevisionRow> = revisions::table
        .filter(revisions::application_id.eq(&app.id))
        .select(RevisionRow::as_select())
        .order(revisions::n)
        .load(conn)?;
    let evs: Vec<EventRow> = events::table
        .filter(events::application_id.eq(&app.id))
        .select(EventRow::as_select())
        .order(events::seq)
        .load(conn)?;
    let atts = list_attachments(conn, &app.id, None)?;
    let mut ids: Vec<String> = revs.iter().map(|r| r.author_id.clone()).collect();
    ids.extend(evs.iter().map(|e| e.actor_id.clone()));
    ids.push(app.merchant_id.clone());
    let names = names(conn, ids)?;
    let person = |id: &str| Person {
        id: id.to_owned(),
        display_name: names.get(id).cloned().unwrap_or_default(),
    };
    let base = format!("/api/v1/applications/{}", app.id);
    let revisions = revs
        .iter()
        .map(|r| {
            Ok(RevisionView {
                n: r.n,
                spec: r.spec()?,
                layout: r.layout()?,
                verdict: r.verdict(),
                findings: r.findings()?,
                profile: crate::rules::ProfileRef {
                    id: r.profile_id.clone(),
                    version: r.profile_version.clone(),
                },
                author: person(&r.author_id),
                created_at: utc(r.created_at),
                attachments: atts
                    .iter()
                    .filter(|a| a.revision == r.n)
                    .map(|a| AttachmentView {
                        id: a.id.clone(),
                        content_type: a.content_type.clone(),
                        original_name: a.original_name.clone(),
                        byte_size: a.byte_size,
                        width: a.width,
                        height: a.height,
                        url: format!("{base}/attachments/{}", a.id),
                        thumb_url: format!("{base}/attachments/{}?thumb=1", a.id),
                    })
                    .collect(),
                preview_url: format!("{base}/revisions/{}/preview.png", r.n),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let status = app.status()?;
    let requested_changes = (status == Status::ChangesRequested)
        .then(|| {
            evs.iter()
                .rev()
                .find(|e| e.action == Action::RequestChanges.as_str())
                .and_then(|e| e.details.as_deref())
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                .and_then(|v| serde_json::from_value(v["items"].clone()).ok())
        })
        .flatten();
    let events = evs
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            actor: person(&e.actor_id),
            actor_role: e.actor_role,
            action: e.action,
            from: e.from_status,
            to: e.to_status,
            comment: e.comment,
            details: e.details.and_then(|d| serde_json::from_str(&d).ok()),
            revision: e.revision,
            created_at: utc(e.created_at),
        })
        .collect();
    Ok(Detail {
        merchant: person(&app.merchant_id),
        available_actions: workflow::available(status, actor.role)
            .into_iter()
            .filter(|a| !(*a == Action::ConfirmTranslation && app.translation_confirmed))
            .collect(),
        status_label: status.label().to_owned(),
        status,
        id: app.id,
        shop_name: app.shop_name,
        license_no: app.license_no,
        address: app.address,
        township: app.township,
        phone: app.phone,
        version: app.version,
        current_revision: app.current_revision,
        translation_confirmed: app.translation_confirmed,
        approval_no: app.approval_no,
        submitted_at: utc(app.submitted_at),
        decided_at: app.decided_at.map(utc),
        updated_at: utc(app.updated_at),
        requested_changes,
        revisions,
        events,
    })
}
