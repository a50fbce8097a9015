//! The rules of a new account and of a new password; a [`ValidNewUser`] can only be made by
//! passing them.

use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{AccountError, AccountResult, Problems};
use super::username::{self, Username};

pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 256;
const MAX_DISPLAY_NAME: usize = 64;

/// A new account as a client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A new account that passed every rule.
#[derive(Debug, Clone)]
pub struct ValidNewUser {
    pub username: Username,
    pub password: String,
    pub display_name: String,
    pub phone: Option<String>,
}

/// Whether `s` holds a control character (NUL, escapes, line breaks …); no account field has
/// a use for one, and PostgreSQL refuses NUL outright.
pub fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// The problem with a new password, if any.
pub fn password_problem(password: &str) -> Option<&'static str> {
    let len = password.chars().count();
    if has_control(password) {
        Some("密码不能包含控制字符")
    } else if len < MIN_PASSWORD_LEN {
        Some("密码至少需要 8 个字符")
    } else if len > MAX_PASSWORD_LEN {
        Some("密码过长")
    } else {
        None
    }
}

impl NewUser {
    pub fn validate(self) -> AccountResult<ValidNewUser> {
        let mut problems = Problems::default();
        let username = if has_control(&self.username) {
            problems.push("username", "用户名不能包含控制字符");
            None
        } else {
            let parsed = Username::parse(&self.username);
            if parsed.is_none() {
                problems.push("username", username::RULE);
            }
            parsed
        };
        if let Some(problem) = password_problem(&self.password) {
            problems.push("password", problem);
        }
        let display_name = self.display_name.trim();
        if has_control(display_name) {
            problems.push("display_name", "姓名不能包含控制字符");
        } else if display_name.chars().count() > MAX_DISPLAY_NAME {
            problems.push("display_name", "姓名过长");
        }
        let phone = self.phone.as_deref().map(str::trim);
        if let Some(phone) = phone {
            if has_control(phone) {
                problems.push("phone", "电话号码不能包含控制字符");
            } else if !is_phone(phone) {
                problems.push("phone", "电话号码格式不正确");
            }
        }
        problems.into_result(AccountError::InvalidUser)?;
        let Some(username) = username else {
            return Err(AccountError::internal("username passed without a value"));
        };
        Ok(ValidNewUser {
            display_name: if display_name.is_empty() {
                username.as_str().to_owned()
            } else {
                display_name.to_owned()
            },
            phone: phone.map(str::to_owned),
            password: self.password,
            username,
        })
    }
}

/// Digits with an optional leading `+` and `-` or space separators, 5–20 digits.
pub fn is_phone(s: &str) -> bool {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && s.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(username: &str, display_name: &str, phone: Option<&str>) -> NewUser {
        NewUser {
            username: username.into(),
            password: "long-enough".into(),
            display_name: display_name.into(),
            phone: phone.map(Into::into),
        }
    }

    #[test]
    fn names_each_field_with_a_control_character() {
        let err = new("sh\0op", "巴\0特尔", Some("138\u{0}0000000"))
            .validate()
            .unwrap_err();
        let super::AccountError::InvalidUser(problems) = err else {
            panic!("{err:?}");
        };
        let fields: Vec<_> = problems.0.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["username", "display_name", "phone"]);
    }

    #[test]
    fn an_empty_display_name_becomes_the_username() {
        let valid = new("Shop1", "  ", None).validate().unwrap();
        assert_eq!(valid.display_name, "Shop1");
        assert_eq!(valid.username.key(), "shop1");
    }
}
