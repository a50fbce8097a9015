//! The merchant's form as sent, and the parsed form the domain stores: every field checked,
//! every problem reported at once (one 422 listing all).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::license::LicenceNo;
use crate::contact::Phone;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::rules::{InvalidField, ValidSpec};
use crate::spec::SignSpec;

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
    /// To change an approved sign: the id of the approved application this one replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 36)]
    pub replaces: Option<String>,
    /// The sign: `sign`, `texts`, `translation_requested` and an optional `layout`.
    #[serde(flatten)]
    pub spec: SignSpec,
}

/// A form whose every field passed: trimmed texts, a checked licence number and phone, a
/// valid spec.
#[derive(Debug, Clone)]
pub struct ValidForm {
    pub shop_name: String,
    pub licence_no: LicenceNo,
    pub address: String,
    pub township: String,
    pub phone: Phone,
    pub spec: ValidSpec,
    /// The approved application this one replaces (checked against it on submission).
    pub replaces: Option<String>,
}

/// Problems with the fields of a request, each named as in the request.
type Problems = Vec<(String, String)>;

fn text_field(problems: &mut Problems, field: &str, value: &str, max: usize, label: &str) {
    let n = value.trim().chars().count();
    if n == 0 {
        problems.push((field.into(), format!("请填写{label}")));
    } else if n > max {
        problems.push((field.into(), format!("{label}不能超过 {max} 个字")));
    }
    if crate::rules::has_control_chars(value.trim(), false) {
        problems.push((field.into(), control_chars(label)));
    }
}

impl ApplicationForm {
    /// The parsed form, or one 422 `invalid_application` listing every problem.
    pub fn parse(self) -> AppResult<ValidForm> {
        let mut problems = Problems::new();
        text_field(&mut problems, "shop_name", &self.shop_name, 100, "店铺名称");
        text_field(&mut problems, "address", &self.address, 200, "地址");
        text_field(
            &mut problems,
            "township",
            &self.township,
            50,
            "所在苏木乡镇",
        );
        text_field(&mut problems, "phone", &self.phone, 20, "联系电话");
        let replaces = self
            .replaces
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if replaces.is_some_and(|r| uuid::Uuid::parse_str(r).is_err()) {
            problems.push(("replaces".into(), "要变更的牌匾申请编号不正确".into()));
        }
        let replaces = replaces.map(str::to_owned);
        let phone = Phone::parse(&self.phone);
        if !self.phone.trim().is_empty() && phone.is_none() {
            problems.push(("phone".into(), "联系电话格式不正确".into()));
        }
        let licence_no = LicenceNo::parse(&self.license_no)
            .map_err(|p| problems.push(("license_no".into(), p.into())))
            .ok();
        let spec = crate::rules::validate(self.spec)
            .map_err(|invalid| problems.extend(fields(invalid)))
            .ok();
        match (phone, licence_no, spec) {
            (Some(phone), Some(licence_no), Some(spec)) if problems.is_empty() => Ok(ValidForm {
                shop_name: self.shop_name.trim().to_owned(),
                licence_no,
                address: self.address.trim().to_owned(),
                township: self.township.trim().to_owned(),
                phone,
                spec,
                replaces,
            }),
            _ => Err(refusal(ErrorCode::InvalidApplication, "申请内容", problems)),
        }
    }
}

fn fields(invalid: Vec<InvalidField>) -> impl Iterator<Item = (String, String)> {
    invalid.into_iter().map(|f| (f.field, f.message))
}

pub(crate) fn control_chars(label: &str) -> String {
    format!("{label}含有不可见的控制字符，请删除")
}

/// A spec that failed validation as one 422 `invalid_application` listing every field.
pub fn invalid_spec(invalid: Vec<InvalidField>) -> AppError {
    refusal(
        ErrorCode::InvalidApplication,
        "申请内容",
        fields(invalid).collect(),
    )
}

/// A 422 `invalid_application` listing every invalid field, or Ok when there is none.
pub fn invalid_fields(problems: Vec<(String, String)>) -> AppResult<()> {
    match problems.is_empty() {
        true => Ok(()),
        false => Err(refusal(ErrorCode::InvalidApplication, "申请内容", problems)),
    }
}

/// A 422 with `code` listing every invalid field of `what` (e.g. 申请内容). `details` is the
/// list of `{"field", "message"}`.
pub(crate) fn refusal(code: ErrorCode, what: &str, problems: Vec<(String, String)>) -> AppError {
    AppError::listing(code, what, problems)
}
