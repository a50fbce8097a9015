//! Applications for a sign: the merchant's form, immutable revisions, attachments, the review
//! workflow and approval numbers.

pub mod license;
pub mod repo;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::engine::Evaluation;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::spec::{Finding, SignSpec, Verdict};
pub use workflow::{Action, Status};

/// The JSON part `application` of a submission or resubmission.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct ApplicationForm {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub shop_name: String,
    /// 统一社会信用代码, 18 characters with its check character (GB 32100-2015).
    #[schema(pattern = "^[0-9A-HJ-NPQRTUWXY]{18}$")]
    pub license_no: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub address: String,
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub township: String,
    #[schema(pattern = "^\\+?[0-9][0-9 -]{4,19}$")]
    pub phone: String,
    /// The sign: `sign`, `texts`, `translation_requested` and an optional `layout`.
    #[serde(flatten)]
    pub spec: SignSpec,
}

impl ApplicationForm {
    /// Every problem with the shop fields and the spec's structure, all at once (422).
    pub fn validate(&self) -> AppResult<()> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut need = |field: &str, value: &str, max: usize, label: &str| {
            let n = value.trim().chars().count();
            if n == 0 {
                problems.push((field.into(), format!("请填写{label}")));
            } else if n > max {
                problems.push((field.into(), format!("{label}不能超过 {max} 个字")));
            }
            if crate::rules::has_control_chars(value.trim(), false) {
                problems.push((field.into(), control_chars(label)));
            }
        };
        need("shop_name", &self.shop_name, 100, "店铺名称");
        need("address", &self.address, 200, "地址");
        need("township", &self.township, 50, "所在苏木乡镇");
        need("phone", &self.phone, 20, "联系电话");
        if !self.phone.trim().is_empty() && !crate::auth::is_phone(&self.phone) {
            problems.push(("phone".into(), "联系电话格式不正确".into()));
        }
        if let Some(p) = license::problem(self.license_no.trim()) {
            problems.push(("license_no".into(), p.into()));
        }
        if let Err(invalid) = crate::rules::validate(&self.spec) {
            problems.extend(invalid.into_iter().map(|f| (f.field, f.message)));
        }
        invalid_fields(problems)
    }
}

fn control_chars(label: &str) -> String {
    format!("{label}含有不可见的控制字符，请删除")
}

/// A 422 `invalid_application` listing every invalid field, or Ok when there is none.
pub fn invalid_fields(problems: Vec<(String, String)>) -> AppResult<()> {
    invalid_fields_as(ErrorCode::InvalidApplication, "申请内容", problems)
}

/// A 422 with `code` listing every invalid field of `what` (e.g. 申请内容), or Ok when there
/// is none. `details` is the list of `{"field", "message"}`.
fn invalid_fields_as(
    code: ErrorCode,
    what: &str,
    problems: Vec<(String, String)>,
) -> AppResult<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let message = format!(
        "{what}有 {} 处需要修改：{}",
        problems.len(),
        problems
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；")
    );
    let details: Vec<_> = problems
        .into_iter()
        .map(|(field, message)| serde_json::json!({"field": field, "message": message}))
        .collect();
    Err(AppError::explained(code, message).with_details(details))
}

/// What a submission answers (and an idempotent repeat answers again).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmitResult {
    pub id: String,
    pub status: Status,
    pub version: i32,
    pub revision: i32,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

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

/// The body of `POST /applications/{id}/transitions` (for `resubmit`, the `transition` part).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TransitionRequest {
    pub action: Action,
    pub expected_version: i32,
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub comment: Option<String>,
    /// `supply_translation`: the Mongolian text.
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub mn: Option<String>,
    /// `request_changes`: every item at once.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub items: Option<Vec<ChangeItem>>,
}

/// Longest comment or reason of a decision, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Most change items in one request for changes.
pub const MAX_CHANGE_ITEMS: usize = 50;
/// Longest change item, in characters.
pub const MAX_ITEM_CHARS: usize = 500;
/// Longest rule id named by a change item.
pub const MAX_RULE_CHARS: usize = 20;

impl TransitionRequest {
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
        if let Some(c) = &self.comment {
            text("comment".into(), c, MAX_COMMENT_CHARS, "说明", true);
        }
        let items = self.items.as_deref().unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let field = format!("items[{i}].message");
            text(field, &item.message, MAX_ITEM_CHARS, "修改意见", true);
            if let Some(rule) = &item.rule {
                text(
                    format!("items[{i}].rule"),
                    rule,
                    MAX_RULE_CHARS,
                    "规则编号",
                    false,
                );
            }
        }
        if items.len() > MAX_CHANGE_ITEMS {
            problems.push((
                "items".into(),
                format!("修改意见最多 {MAX_CHANGE_ITEMS} 条，请合并相近的意见"),
            ));
        }
        invalid_fields_as(ErrorCode::InvalidTransition, "提交的内容", problems)
    }
}

/// Settings the workflow needs, passed in so tests can fix them.
#[derive(Debug, Clone)]
pub struct WorkflowSettings {
    pub timezone: chrono_tz::Tz,
    pub approval_prefix: String,
}

impl WorkflowSettings {
    /// `奈民委牌审〔2025〕0007号`.
    pub fn approval_no(&self, year: i32, seq: i32) -> String {
        format!("{}〔{year}〕{seq:04}号", self.approval_prefix)
    }

    /// Year and month of an instant in the configured zone.
    pub fn local_year_month(&self, at: DateTime<Utc>) -> (i32, u32) {
        use chrono::Datelike;
        let local = at.with_timezone(&self.timezone);
        (local.year(), local.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_late_new_years_eve_in_beijing_counts_for_the_old_year() {
        let s = WorkflowSettings {
            timezone: chrono_tz::Asia::Shanghai,
            approval_prefix: "奈民委牌审".into(),
        };
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 15, 30, 0).unwrap();
        assert_eq!(s.local_year_month(at), (2024, 12));
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 16, 30, 0).unwrap();
        assert_eq!(s.local_year_month(at), (2025, 1));
        assert_eq!(s.approval_no(2025, 7), "奈民委牌审〔2025〕0007号");
    }
}
