//! What a client asks for: a transition (tagged by its action, so `mn`, `items` and a required
//! reason exist only where they belong) and the idempotency key of a submission.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::form::{control_chars, refusal};
use super::states::Action;
use super::workflow::RequestFacts;
use crate::error::{AppResult, ErrorCode};

/// Longest comment or reason of a decision, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Most change items in one request for changes.
pub const MAX_CHANGE_ITEMS: usize = 50;
/// Longest change item, in characters.
pub const MAX_ITEM_CHARS: usize = 500;
/// Longest rule id named by a change item.
pub const MAX_RULE_CHARS: usize = 20;

/// One requested change: what to fix, optionally naming the rule.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ChangeItem {
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub rule: Option<String>,
}

/// What every transition carries: the version the decision was taken on and a comment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Decision {
    pub expected_version: i32,
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub comment: Option<String>,
}

/// The body of `POST /applications/{id}/transitions` (for `resubmit`, the `transition` part).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TransitionRequest {
    Submit(Decision),
    SupplyTranslation {
        #[serde(flatten)]
        decision: Decision,
        /// The Mongolian text.
        #[serde(default)]
        #[schema(
            max_length = 1000,
            pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
        )]
        mn: Option<String>,
    },
    ConfirmTranslation(Decision),
    Approve(Decision),
    /// The comment is the reason, required.
    Reject(Decision),
    RequestChanges {
        #[serde(flatten)]
        decision: Decision,
        /// Every item at once.
        #[serde(default)]
        #[schema(max_items = 50)]
        items: Option<Vec<ChangeItem>>,
    },
    Resubmit(Decision),
    Withdraw(Decision),
    /// Extends the limit, once, by `days` working days; the reason is required.
    Extend {
        #[serde(flatten)]
        decision: Decision,
        /// Working days, from 1 to the profile's `extension_max_working_days`.
        #[serde(default)]
        days: Option<i64>,
        #[serde(default)]
        #[schema(
            max_length = 2000,
            pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
        )]
        reason: Option<String>,
    },
    /// The office withdraws an approval; `reason` (or the comment) is required.
    Revoke {
        #[serde(flatten)]
        decision: Decision,
        #[serde(default)]
        #[schema(
            max_length = 2000,
            pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
        )]
        reason: Option<String>,
    },
    /// The official taking it holds the case from now on.
    Claim(Decision),
    /// An admin hands the case to an official.
    Assign {
        #[serde(flatten)]
        decision: Decision,
        /// The user id of an active official.
        #[serde(default)]
        #[schema(max_length = 64)]
        assignee: Option<String>,
    },
}

impl TransitionRequest {
    pub fn action(&self) -> Action {
        match self {
            TransitionRequest::Submit(_) => Action::Submit,
            TransitionRequest::SupplyTranslation { .. } => Action::SupplyTranslation,
            TransitionRequest::ConfirmTranslation(_) => Action::ConfirmTranslation,
            TransitionRequest::Approve(_) => Action::Approve,
            TransitionRequest::Reject(_) => Action::Reject,
            TransitionRequest::RequestChanges { .. } => Action::RequestChanges,
            TransitionRequest::Resubmit(_) => Action::Resubmit,
            TransitionRequest::Withdraw(_) => Action::Withdraw,
            TransitionRequest::Extend { .. } => Action::Extend,
            TransitionRequest::Claim(_) => Action::Claim,
            TransitionRequest::Assign { .. } => Action::Assign,
            TransitionRequest::Revoke { .. } => Action::Revoke,
        }
    }

    pub fn decision(&self) -> &Decision {
        match self {
            TransitionRequest::Submit(d)
            | TransitionRequest::ConfirmTranslation(d)
            | TransitionRequest::Approve(d)
            | TransitionRequest::Reject(d)
            | TransitionRequest::Resubmit(d)
            | TransitionRequest::Withdraw(d)
            | TransitionRequest::Claim(d)
            | TransitionRequest::SupplyTranslation { decision: d, .. }
            | TransitionRequest::RequestChanges { decision: d, .. }
            | TransitionRequest::Extend { decision: d, .. }
            | TransitionRequest::Assign { decision: d, .. }
            | TransitionRequest::Revoke { decision: d, .. } => d,
        }
    }

    pub fn expected_version(&self) -> i32 {
        self.decision().expected_version
    }

    /// The comment, when it is not blank; for an extension or a revocation its reason (or else the comment).
    pub fn comment(&self) -> Option<&str> {
        let reason = match self {
            TransitionRequest::Extend { reason, .. } | TransitionRequest::Revoke { reason, .. } => {
                reason.as_deref()
            }
            _ => None,
        };
        reason
            .filter(|r| !r.trim().is_empty())
            .or(self.decision().comment.as_deref())
            .filter(|c| !c.trim().is_empty())
    }

    /// The working days an extension asks for.
    pub fn extension_days(&self) -> Option<i64> {
        match self {
            TransitionRequest::Extend { days, .. } => *days,
            _ => None,
        }
    }

    /// The user an admin assigns the case to, when not blank.
    pub fn assignee(&self) -> Option<&str> {
        match self {
            TransitionRequest::Assign { assignee, .. } => {
                assignee.as_deref().map(str::trim).filter(|a| !a.is_empty())
            }
            _ => None,
        }
    }

    /// The change items of a request for changes.
    pub fn items(&self) -> &[ChangeItem] {
        match self {
            TransitionRequest::RequestChanges { items, .. } => items.as_deref().unwrap_or_default(),
            _ => &[],
        }
    }

    /// The Mongolian text a translator supplies, when not blank.
    pub fn mn(&self) -> Option<&str> {
        match self {
            TransitionRequest::SupplyTranslation { mn, .. } => {
                mn.as_deref().filter(|m| !m.trim().is_empty())
            }
            _ => None,
        }
    }

    /// What the workflow's request guards read; an extension may add at most
    /// `max_extension_days`.
    pub fn facts(&self, max_extension_days: u32) -> RequestFacts {
        let items = self.items();
        RequestFacts {
            has_reason: self.comment().is_some(),
            has_items: !items.is_empty() && items.iter().all(|i| !i.message.trim().is_empty()),
            has_mongolian: self.mn().is_some(),
            extension_days_allowed: self
                .extension_days()
                .is_some_and(|d| (1..=i64::from(max_extension_days)).contains(&d)),
            has_assignee: self.assignee().is_some(),
        }
    }

    /// Bounds on what a decision may carry, every problem at once (422 `invalid_transition`
    /// naming the fields): a comment of at most [`MAX_COMMENT_CHARS`], at most
    /// [`MAX_CHANGE_ITEMS`] items of at most [`MAX_ITEM_CHARS`], no control characters (a line
    /// break is fine in a comment or an item). The Mongolian text is checked with the spec.
    pub fn validate(&self) -> AppResult<()> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut text = |field: String, value: &str, max: usize, label: &str, breaks: bool| {
            if value.chars().count() > max {
                problems.push((field.clone(), format!("{label}不能超过 {max} 个字")));
            }
            if crate::rules::has_control_chars(value, breaks) {
                problems.push((field, control_chars(label)));
            }
        };
        if let Some(c) = &self.decision().comment {
            text("comment".into(), c, MAX_COMMENT_CHARS, "说明", true);
        }
        if let TransitionRequest::Extend {
            reason: Some(r), ..
        } = self
        {
            text("reason".into(), r, MAX_COMMENT_CHARS, "理由", true);
        }
        if let TransitionRequest::Revoke {
            reason: Some(r), ..
        } = self
        {
            text("reason".into(), r, MAX_COMMENT_CHARS, "撤销理由", true);
        }
        if let TransitionRequest::Assign {
            assignee: Some(a), ..
        } = self
        {
            text("assignee".into(), a, 64, "承办人", false);
        }
        let items = self.items();
        for (i, item) in items.iter().enumerate() {
            let field = format!("items[{i}].message");
            text(field, &item.message, MAX_ITEM_CHARS, "修改意见", true);
            if let Some(rule) = &item.rule {
                let field = format!("items[{i}].rule");
                text(field, rule, MAX_RULE_CHARS, "规则编号", false);
            }
        }
        if items.len() > MAX_CHANGE_ITEMS {
            problems.push((
                "items".into(),
                format!("修改意见最多 {MAX_CHANGE_ITEMS} 条，请合并相近的意见"),
            ));
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(refusal(
                ErrorCode::InvalidTransition,
                "提交的内容",
                problems,
            )),
        }
    }
}

/// The `Idempotency-Key` of a submission: 1–200 visible characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest key, in bytes.
    pub const MAX_BYTES: usize = 200;

    /// The trimmed key, or `None` when the header value is not one.
    pub fn parse(value: &[u8]) -> Option<IdempotencyKey> {
        let s = std::str::from_utf8(value).ok()?;
        let visible = s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
        (visible && !s.trim().is_empty() && s.len() <= Self::MAX_BYTES)
            .then(|| IdempotencyKey(s.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_and_bounded() {
        assert_eq!(
            IdempotencyKey::parse(b" abc ").map(|k| k.as_str().to_owned()),
            Some("abc".to_owned())
        );
        assert!(IdempotencyKey::parse(b"   ").is_none());
        assert!(IdempotencyKey::parse(&[b'a'; 201]).is_none());
        assert!(IdempotencyKey::parse("键".as_bytes()).is_none());
    }

    #[test]
    fn the_action_tags_the_request() {
        let r: TransitionRequest = serde_json::from_value(serde_json::json!({
            "action": "request_changes", "expected_version": 3,
            "items": [{"message": "改"}], "mn": "ignored"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.action(), Action::RequestChanges);
        assert_eq!(r.expected_version(), 3);
        assert!(r.facts(10).has_items && r.mn().is_none());
    }
}
