//! The closed sets a workflow row is made of: the states of an application and the actions that
//! move it. Both are stored as text and read back through diesel: an unknown value in the
//! database is a deserialization error (a 500 whose cause is logged), never a default.

use diesel::deserialize::FromSqlRow;
use diesel::expression::AsExpression;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::text_enum::UnknownValue;
use crate::spec::Verdict;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsExpression,
    FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = Text)]
pub enum Status {
    Translating,
    InReview,
    ChangesRequested,
    Approved,
    Rejected,
    Withdrawn,
    /// An approval withdrawn by the office (the approval number stays used).
    Revoked,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Translating,
        Status::InReview,
        Status::ChangesRequested,
        Status::Approved,
        Status::Rejected,
        Status::Withdrawn,
        Status::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Translating => "translating",
            Status::InReview => "in_review",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Revoked => "revoked",
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
            Status::Revoked => "已撤销",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Approved | Status::Rejected | Status::Withdrawn | Status::Revoked
        )
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsExpression,
    FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = Text)]
pub enum Action {
    Submit,
    SupplyTranslation,
    ConfirmTranslation,
    Approve,
    Reject,
    RequestChanges,
    Resubmit,
    Withdraw,
    Extend,
    Claim,
    Assign,
    /// The office withdraws an approval, with a reason.
    Revoke,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Submit,
        Action::SupplyTranslation,
        Action::ConfirmTranslation,
        Action::Approve,
        Action::Reject,
        Action::RequestChanges,
        Action::Resubmit,
        Action::Withdraw,
        Action::Extend,
        Action::Claim,
        Action::Assign,
        Action::Revoke,
    ];

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
            Action::Extend => "extend",
            Action::Claim => "claim",
            Action::Assign => "assign",
            Action::Revoke => "revoke",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
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
            Action::Extend => "延长办理期限",
            Action::Claim => "认领",
            Action::Assign => "指派承办人",
            Action::Revoke => "撤销批准",
        }
    }
}

crate::text_column!(Status, "status");
crate::text_column!(Action, "action");

/// A revision's verdict as stored (`serialize_as`/`deserialize_as = String` on the row).
impl TryFrom<String> for Verdict {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Verdict, UnknownValue> {
        [Verdict::Pass, Verdict::Warn, Verdict::Fail]
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue::new("verdict", s))
    }
}

impl From<Verdict> for String {
    fn from(v: Verdict) -> String {
        v.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for v in [Verdict::Pass, Verdict::Warn, Verdict::Fail] {
            assert_eq!(Verdict::try_from(String::from(v)).ok(), Some(v));
        }
        assert!(Verdict::try_from("maybe".to_owned()).is_err());
    }

    /// The database's checks list exactly the names the service knows, on both backends (as
    /// restated by the latest migration that changes the closed sets).
    #[test]
    fn the_migrations_check_the_same_names() {
        let names: Vec<&str> = Status::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(Action::ALL.iter().map(|a| a.as_str()))
            .collect();
        for sql in [
            include_str!("../../migrations/sqlite/2026-11-29-000007_documents/up.sql"),
            include_str!("../../migrations/postgres/2026-11-29-000007_documents/up.sql"),
        ] {
            for name in &names {
                assert!(sql.contains(&format!("'{name}'")), "{name} missing");
            }
        }
    }
}
