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
        }
    }

    /// Whether the guard is about the application (not the request).
    pub fn is_fact(self) -> bool {
        !matches!(
            self,
            Guard::ReasonGiven | Guard::ItemsGiven | Guard::MongolianGiven
        )
    }

    /// Whether the action is left out of `available_actions` while the guard fails: a move that
    /// has been made for good (the translation confirmed) is no longer offered.
    fn hides(self) -> bool {
        self == Guard::NotYetConfirmed
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
        }
    }
}

/// What the guards read of an application and its current revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub translation_confirmed: bool,
    pub verdict: Verdict,
    pub has_mongolian: bool,
}

/// What the guards read of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestFacts {
    pub has_reason: bool,
    pub has_items: bool,
    pub has_mongolian: bool,
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
mod tests {
    use super::*;

    const OPEN: Facts = Facts {
        translation_confirmed: false,
        verdict: Verdict::Pass,
        has_mongolian: true,
    };

    #[test]
    fn final_states_have_no_way_out_but_the_revocation_of_an_approval() {
        for s in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for role in [Merchant, Translator, Reviewer, Admin] {
                let actions: Vec<Action> = available(s, role, &OPEN)
                    .into_iter()
                    .map(|o| o.action)
                    .collect();
                let expected = match (s, role) {
                    (Status::Approved, Reviewer | Admin) => vec![Action::Revoke],
                    _ => vec![],
                };
                assert_eq!(actions, expected, "{s:?} {role:?}");
            }
        }
    }

    #[test]
    fn role_refusal_comes_before_state_refusal() {
        assert_eq!(
            find(Action::Approve, Translating, Merchant).err(),
            Some(Refusal::Role)
        );
        assert_eq!(
            find(Action::Approve, Translating, Reviewer).err(),
            Some(Refusal::State)
        );
        assert!(find(Action::Approve, InReview, Admin).is_ok());
        assert_eq!(
            find(Action::Submit, InReview, Merchant).err(),
            Some(Refusal::State)
        );
    }

    #[test]
    fn every_available_action_passes_the_table() {
        for s in Status::ALL {
            for role in [Merchant, Translator, Reviewer, Admin] {
                for offer in available(s, role, &OPEN) {
                    assert!(find(offer.action, s, role).is_ok(), "{s:?} {role:?}");
                }
            }
        }
    }

    #[test]
    fn approve_lists_what_blocks_it() {
        let facts = Facts {
            translation_confirmed: false,
            verdict: Verdict::Fail,
            has_mongolian: true,
        };
        let offers = available(InReview, Reviewer, &facts);
        let approve = offers.iter().find(|o| o.action == Action::Approve);
        let codes: Vec<_> = approve
            .map(|o| o.blocked_by.iter().map(|b| b.code.name()).collect())
            .unwrap_or_default();
        assert_eq!(codes, ["translation_unconfirmed", "findings_unresolved"]);
    }

    #[test]
    fn a_confirmed_translation_is_not_offered_for_confirmation_again() {
        let confirmed = Facts {
            translation_confirmed: true,
            ..OPEN
        };
        assert!(available(InReview, Translator, &confirmed).is_empty());
        assert_eq!(available(InReview, Translator, &OPEN).len(), 1);
    }
}
