//! The review workflow as one closed table: which action moves which state, and who may take
//! it. Everything else about a transition (the version check, the event row, the approval
//! number) is in `repo`; this file decides only whether a move is allowed and where it goes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Translating,
    InReview,
    ChangesRequested,
    Approved,
    Rejected,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Translating,
        Status::InReview,
        Status::ChangesRequested,
        Status::Approved,
        Status::Rejected,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Translating => "translating",
            Status::InReview => "in_review",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Translating => "翻译中",
            Status::InReview => "审核中",
            Status::ChangesRequested => "待修改",
            Status::Approved => "已批准",
            Status::Rejected => "未通过",
            Status::Withdrawn => "已撤回",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Approved | Status::Rejected | Status::Withdrawn
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    SupplyTranslation,
    ConfirmTranslation,
    Approve,
    Reject,
    RequestChanges,
    Resubmit,
    Withdraw,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::SupplyTranslation => "supply_translation",
            Action::ConfirmTranslation => "confirm_translation",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::RequestChanges => "request_changes",
            Action::Resubmit => "resubmit",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "提交申请",
            Action::SupplyTranslation => "提供蒙古文译文",
            Action::ConfirmTranslation => "确认蒙古文译文",
            Action::Approve => "批准",
            Action::Reject => "不予批准",
            Action::RequestChanges => "退回修改",
            Action::Resubmit => "修改后重新提交",
            Action::Withdraw => "撤回申请",
        }
    }
}

/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    To(Status),
    /// The state stays; the transition records a decision (e.g. the translation confirmed).
    Stay,
    /// A (re)submission: `translating` when a translation is needed, else `in_review`.
    AfterSubmission,
}

pub struct Transition {
    pub action: Action,
    /// States the action starts from; empty for the submission that creates an application.
    pub from: &'static [Status],
    pub roles: &'static [Role],
    pub target: Target,
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
    },
    Transition {
        action: Action::SupplyTranslation,
        from: &[Translating],
        roles: &[Translator, Admin],
        target: Target::To(InReview),
    },
    Transition {
        action: Action::ConfirmTranslation,
        from: &[InReview],
        roles: &[Translator, Admin],
        target: Target::Stay,
    },
    Transition {
        action: Action::Approve,
        from: &[InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(Status::Approved),
    },
    Transition {
        action: Action::Reject,
        from: &[Translating, InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(Status::Rejected),
    },
    Transition {
        action: Action::RequestChanges,
        from: &[Translating, InReview],
        roles: &[Reviewer, Admin],
        target: Target::To(ChangesRequested),
    },
    Transition {
        action: Action::Resubmit,
        from: &[ChangesRequested],
        roles: &[Merchant],
        target: Target::AfterSubmission,
    },
    Transition {
        action: Action::Withdraw,
        from: &[Translating, InReview, ChangesRequested],
        roles: &[Merchant],
        target: Target::To(Status::Withdrawn),
    },
];

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

/// The actions `role` may take now, for the console's buttons.
pub fn available(from: Status, role: Role) -> Vec<Action> {
    TABLE
        .iter()
        .filter(|t| t.from.contains(&from) && t.roles.contains(&role))
        .map(|t| t.action)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states_have_no_way_out() {
        for s in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for role in [Merchant, Translator, Reviewer, Admin] {
                assert!(available(s, role).is_empty(), "{s:?} {role:?}");
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
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
