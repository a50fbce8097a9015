//! Accounts: users and roles, registration rules, password hashing, tokens, login limits and
//! the audit trail of account changes. [`Accounts`] is what the HTTP layer calls.

pub mod error;
pub mod events;
pub mod gate;
pub mod limits;
pub mod new_user;
pub mod password;
pub mod ratelimit;
pub mod service;
pub mod token;
pub mod user;
pub mod username;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use error::{AccountError, AccountResult};
pub use new_user::{is_phone, NewUser, ValidNewUser, MIN_PASSWORD_LEN};
pub use service::Accounts;
pub use user::{
    count_users, create_user, ensure_admin, find_by_id, find_by_username, list_officials,
    random_password, CreatedBy, User, UserRow,
};
pub use username::{LoginName, Username};

/// A user's role, read and written as text through diesel: an unknown value in the database
/// is an error, never a default.
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
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Merchant,
    Translator,
    Reviewer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Merchant => "merchant",
            Role::Translator => "translator",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "merchant" => Some(Role::Merchant),
            "translator" => Some(Role::Translator),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

crate::text_column!(Role, "role");
