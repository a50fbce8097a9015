//! The review workflow as one closed table: for every action, who may take it, from which
//! states, where it leads and the guards that must hold. Everything the service says about a
//! move comes from here: whether it is allowed, the refusal, the detail's `available_actions`
//! and its `blocked_by`. The version check, the event row and the approval number are in
//! `commands`.

use serde::Serialize;
use utoipa::ToSchema;

use super::states::{Action, Status};
use crate::auth::Role;
use crate::error::ErrorCode;
use crate::spec::{SignSpec, Verdict};

/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    To(Status),
    /// The state stays; the transition records a decision (e.g. the translation confirmed).
    Stay,
    /// A (re)submission: see [`after_submission`].
    AfterSubmission,
}

/// A condition a move needs besides role and state. The first ones are facts of the
/// application (shown to the console as `blocked_by`); the last ones are about what the request
/// carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    /// The Mongolian text was confirmed by a translator.
    TranslationConfirmed,
    /// The current revision has no error finding.
    NoErrorFinding,
    /// The Mongolian text was not confirmed yet.
    NotYetConfirmed,
    /// The current revision has a Mongolian text.
    TranslationPresent,
    /// The request carries a reason (a non-blank comment).
    ReasonGiven,
    /// The request carries at least one change item, none blank.
    ItemsGiven,
    /// The request carries a Mongolian text.
    MongolianGiven,
    /// The limit has not been extended yet (it may be, once).
    NotYetExtended,
    /// The request names 1 to the profile's most working days of extension.
    ExtensionDaysAllowed,
    /// The request carries the reason of an extension.
    ExtensionReasonGiven,
    /// The request names an assignee.
    AssigneeGiven,
}

impl Guard {
    /// The error code of the refusal when the guard does not hold.
    pub fn code(self) -> ErrorCode {
        match self {
            Guard::TranslationConfirmed => ErrorCode::TranslationUnconfirmed,
            Guard::NoErrorFinding => ErrorCode::FindingsUnresolved,
            Guard::NotYetConfirmed => ErrorCode::AlreadyConfirmed,
            Guard::TranslationPresent | Guard::MongolianGiven => ErrorCode::TranslationMissing,
            Guard::ReasonGiven => ErrorCode::ReasonRequired,
            Guard::ItemsGiven => ErrorCode::ItemsRequired,
            Guard::NotYetExtended => ErrorCode::AlreadyExtended,
            Guard::ExtensionDaysAllowed => ErrorCode::InvalidExtensionDays,
            Guard::ExtensionReasonGiven => ErrorCode::ReasonRequired,
            Guard::AssigneeGiven => ErrorCode::InvalidAssignee,
        }
    }

    /// Why the move is refused, for the person who tried it.
    pub fn message(self) -> &'static str {
        match self {
            Guard::TranslationConfirmed => "蒙古文译文尚未经翻译人员确认，不能批准",
            Guard::NoErrorFinding => "该牌匾仍有不符合规定的问题，不能批准",
            Guard::NotYetConfirmed => "蒙古文译文已经确认过了",
            Guard::TranslationPresent => "还没有蒙古文译文，无法确认",
            Guard::ReasonGiven => "不予批准或撤销批准时必须写明理由",
            Guard::ItemsGiven => "退回修改时请逐条写明需要修改的内容",
            Guard::MongolianGiven => "请填写蒙古文译文",
            Guard::NotYetExtended => "办理期限已经延长过一次，不能再次延长",
            Guard::ExtensionDaysAllowed => "延长的工作日数须为 1 到规定上限之间的整数",
            Guard::ExtensionReasonGiven => "延长办理期限必须写明理由",
            Guard::AssigneeGiven => "请指定承办人",
        }
    }

    /// Whether the guard is about the application (not the request).
    pub fn is_fact(self) -> bool {
        matches!(
            self,
            Guard::TranslationConfirmed
                | Guard::NoErrorFinding
                | Guard::NotYetConfirmed
                | Guard::TranslationPresent
                | Guard::NotYetExtended
        )
    }

    /// Whether the action is left out of `available_actions` while the guard fails: a move that
    /// has been made for good (the translation confirmed) is no longer offered.
    fn hides(self) -> bool {
        matches!(self, Guard::NotYetConfirmed | Guard::NotYetExtended)
    }

    fn holds(self, facts: &Facts, request: &RequestFacts) -> bool {
        match self {
            Guard::TranslationConfirmed => facts.translation_confirmed,
            Guard::NoErrorFinding => facts.verdict != Verdict::Fail,
            Guard::NotYetConfirmed => !facts.translation_confirmed,
            Guard::TranslationPresent => facts.has_mongolian,
            Guard::ReasonGiven => request.has_reason,
            Guard::ItemsGiven => request.has_items,
            Guard::MongolianGiven => request.has_mongolian,
            Guard::NotYetExtended => !facts.extended,
            Guard::ExtensionDaysAllowed => request.extension_days_allowed,
            Guard::ExtensionReasonGiven => request.has_reason,
            Guard::AssigneeGiven => request.has_assignee,
        }
    }
}

/// What the guards read of an application and its current revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub translation_confirmed: bool,
    pub verdict: Verdict,
    pub has_mongolian: bool,
    /// The limit was extended already.
    pub extended: bool,
}

/// What the guards read of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestFacts {
    pub has_reason: bool,
    pub has_items: bool,
    pub has_mongolian: bool,
    pub extension_days_allowed: bool,
    pub has_assignee: bool,
}

pub struct Transition {
    pub action: Action,
    /// States the action starts from; empty for the submission that creates an application.
    pub from: &'static [Status],
    pub roles: &'static [Role],
    pub target: Target,
    /// Checked in this order; the first that fails is the refusal.
    pub guards: &'static [Guard],
}

use Role::{Admin, Merchant, Reviewer, Translator};
use Status::{ChangesRequested, InReview, Translating};

/// The closed table. Admin may do what translators and reviewers do.
pub const TABLE: &[Transition] = &[
    Transition {
        action: Action::Submit,
        from: &[],
        roles: &[Merchant],
        target: Target::AfterSubmission,
        guards: &[],
    },
    Transition {
        action: Action::SupplyTranslation,
        from: &[Translating],
        roles: &[Translator, Admin],
        target: Target::To(InReview),
        guards: &[Guard::MongolianGiven],
    },
    Transition {
        action: Action::ConfirmTranslation,
        from: &[InReview],
        roles: &[Translator, Admin],
        target: Target::Stay,
        guards: &[Guard::NotYetConfirmed, Guard::TranslationPresent],
    },
    Transition {
        action: Action::Approve,
        from: &[InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(Status::Approved),
        guards: &[Guard::TranslationConfirmed, Guard::NoErrorFinding],
    },
    Transition {
        action: Action::Reject,
        from: &[Translating, InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(Status::Rejected),
        guards: &[Guard::ReasonGiven],
    },
    Transition {
        action: Action::RequestChanges,
        from: &[Translating, InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(ChangesRequested),
        guards: &[Guard::ItemsGiven],
    },
    Transition {
        action: Action::Resubmit,
        from: &[ChangesRequested],
        roles: &[Merchant],
        target: Target::AfterSubmission,
        guards: &[],
    },
    Transition {
        action: Action::Withdraw,
        from: &[Translating, InReview, ChangesRequested],
        roles: &[Merchant],
        target: Target::To(Status::Withdrawn),
        guards: &[],
    },
    Transition {
        action: Action::Extend,
        from: &[Translating, InReview],
        roles: &[Reviewer, Admin],
        target: Target::Stay,
        guards: &[
            Guard::NotYetExtended,
            Guard::ExtensionDaysAllowed,
            Guard::ExtensionReasonGiven,
        ],
    },
    Transition {
        action: Action::Claim,
        from: &[Translating, InReview, ChangesRequested],
        roles: &[Translator, Reviewer, Admin],
        target: Target::Stay,
        guards: &[],
    },
    Transition {
        action: Action::Assign,
        from: &[Translating, InReview, ChangesRequested],
        roles: &[Admin],
        target: Target::Stay,
        guards: &[Guard::AssigneeGiven],
    },
    Transition {
        action: Action::Revoke,
        from: &[Status::Approved],
        roles: &[Reviewer, Admin],
        target: Target::To(Status::Revoked),
        guards: &[Guard::ReasonGiven],
    },
];

/// Why a move by role and state is not allowed.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role may never take this action (403).
    Role,
    /// The role may, but not from this state (422 `illegal_transition`).
    State,
}

/// The transition `role` may take with `action` from `from`.
pub fn find(action: Action, from: Status, role: Role) -> Result<&'static Transition, Refusal> {
    let t = TABLE
        .iter()
        .find(|t| t.action == action)
        .ok_or(Refusal::State)?;
    if !t.roles.contains(&role) {
        return Err(Refusal::Role);
    }
    if !t.from.contains(&from) {
        return Err(Refusal::State);
    }
    Ok(t)
}

impl Transition {
    /// The first guard that fails, if any.
    pub fn first_failing(&self, facts: &Facts, request: &RequestFacts) -> Option<Guard> {
        self.guards
            .iter()
            .copied()
            .find(|g| !g.holds(facts, request))
    }

    /// The guards about the application that fail now.
    pub fn blocked_by(&self, facts: &Facts) -> Vec<Guard> {
        let request = RequestFacts::default();
        self.guards
            .iter()
            .copied()
            .filter(|g| g.is_fact() && !g.holds(facts, &request))
            .collect()
    }

    /// Where the move leads from `from`, given the revision it leaves (for a (re)submission)
    /// and whether its Mongolian text is confirmed then.
    pub fn target(&self, from: Status, spec: Option<&SignSpec>, confirmed: bool) -> Status {
        match (self.target, spec) {
            (Target::To(s), _) => s,
            (Target::AfterSubmission, Some(spec)) => after_submission(spec, confirmed),
            (Target::Stay | Target::AfterSubmission, _) => from,
        }
    }
}

/// Where a (re)submission goes: to review when its Mongolian text is confirmed and no new
/// translation is asked for; else to the translators when a translation is asked for or the
/// Mongolian text is missing; else to review.
pub fn after_submission(spec: &SignSpec, translation_confirmed: bool) -> Status {
    if translation_confirmed && !spec.translation_requested {
        Status::InReview
    } else if spec.translation_requested || spec.texts.mn.trim().is_empty() {
        Status::Translating
    } else {
        Status::InReview
    }
}

/// One action the viewer may take now, and the facts that still stand in its way.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Offer {
    pub action: Action,
    pub blocked_by: Vec<Blocker>,
}

/// A guard that fails now: its refusal code and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Blocker {
    pub code: ErrorCode,
    pub message: &'static str,
}

/// The actions `role` may take now (for the console's buttons), each with what blocks it.
pub fn available(from: Status, role: Role, facts: &Facts) -> Vec<Offer> {
    TABLE
        .iter()
        .filter(|t| t.from.contains(&from) && t.roles.contains(&role))
        .filter_map(|t| {
            let blocked = t.blocked_by(facts);
            (!blocked.iter().any(|g| g.hides())).then(|| Offer {
                action: t.action,
                blocked_by: blocked
                    .into_iter()
                    .map(|g| Blocker {
                        code: g.code(),
                        message: g.message(),
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
