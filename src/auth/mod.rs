//! Users, roles, password hashing, tokens and login limits.

pub mod password;
pub mod ratelimit;
pub mod token;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::users;
use crate::db::{is_unique_violation, DbConn};
use crate::error::{AppError, AppResult};

pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: String,
    pub created_at: NaiveDateTime,
}

/// A user as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = AppError;
    fn try_from(row: UserRow) -> AppResult<User> {
        let role = Role::parse(&row.role)
            .ok_or_else(|| AppError::internal(format!("unknown role {:?}", row.role)))?;
        Ok(User {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            phone: row.phone,
            role,
            created_at: Utc.from_utc_datetime(&row.created_at),
        })
    }
}

/// A new account, checked by [`NewUser::validate`] before it is stored.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

impl NewUser {
    pub fn validate(&self) -> AppResult<()> {
        let mut problems = Vec::new();
        let name = self.username.trim();
        let name_ok = (3..=32).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !name_ok {
            problems.push((
                "username",
                "用户名须为 3–32 位字母、数字、下划线、点或连字符",
            ));
        }
        let len = self.password.chars().count();
        if len < MIN_PASSWORD_LEN {
            problems.push(("password", "密码至少需要 8 个字符"));
        } else if len > MAX_PASSWORD_LEN {
            problems.push(("password", "密码过长"));
        }
        if self.display_name.chars().count() > 64 {
            problems.push(("display_name", "姓名过长"));
        }
        if let Some(phone) = &self.phone {
            if !is_phone(phone) {
                problems.push(("phone", "电话号码格式不正确"));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        let details: Vec<_> = problems
            .iter()
            .map(|(field, message)| serde_json::json!({"field": field, "message": message}))
            .collect();
        let message = problems
            .iter()
            .map(|(_, m)| *m)
            .collect::<Vec<_>>()
            .join("；");
        Err(AppError::unprocessable("invalid_user", message).with_details(details))
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

pub fn create_user(
    conn: &mut DbConn,
    new: &NewUser,
    role: Role,
    password_hash: String,
) -> AppResult<User> {
    let row = UserRow {
        id: uuid::Uuid::new_v4().to_string(),
        username: new.username.trim().to_owned(),
        password_hash,
        display_name: if new.display_name.trim().is_empty() {
            new.username.trim().to_owned()
        } else {
            new.display_name.trim().to_owned()
        },
        phone: new.phone.as_ref().map(|p| p.trim().to_owned()),
        role: role.as_str().to_owned(),
        created_at: Utc::now().naive_utc(),
    };
    match diesel::insert_into(users::table).values(&row).execute(conn) {
        Ok(_) => User::try_from(row),
        Err(e) if is_unique_violation(&e) => Err(AppError::conflict(
            "username_taken",
            "该用户名已被使用，请换一个",
        )),
        Err(e) => Err(e.into()),
    }
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> AppResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut DbConn, id: &str) -> AppResult<Option<User>> {
    users::table
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

pub fn count_users(conn: &mut DbConn) -> AppResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Creates `admin` on an empty database. Returns the generated password when none was given,
/// so the caller can print it once.
pub fn ensure_admin(
    conn: &mut DbConn,
    hasher: &password::Hasher,
    given: Option<&str>,
) -> AppResult<Option<String>> {
    if count_users(conn)? > 0 {
        return Ok(None);
    }
    let generated = given.is_none().then(random_password);
    let password = given
        .map(str::to_owned)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let hash = hasher.hash(&password).map_err(AppError::internal)?;
    let new = NewUser {
        username: "admin".into(),
        password,
        display_name: "管理员".into(),
        phone: None,
    };
    create_user(conn, &new, Role::Admin, hash)?;
    Ok(generated)
}

pub fn random_password() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// Every official (not merchants), by username.
pub fn list_officials(conn: &mut DbConn) -> AppResult<Vec<User>> {
    users::table
        .filter(users::role.ne(Role::Merchant.as_str()))
        .select(UserRow::as_select())
        .order(users::username)
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}
