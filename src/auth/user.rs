//! The `users` rows, their view and their queries. Every change of an account writes its
//! audit event in the same transaction.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{AccountError, AccountResult};
use super::events::{self, EventKind};
use super::password::Hasher;
use super::username::{LoginName, Username};
use super::{NewUser, Role, ValidNewUser};
use crate::db::schema::users;
use crate::db::{is_unique_violation, write_tx, DbConn};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub created_at: NaiveDateTime,
    pub username_key: String,
    pub disabled: bool,
    pub must_change_password: bool,
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
    /// A disabled account cannot log in and its tokens no longer work.
    pub disabled: bool,
    /// Set by an admin's reset: until the user picks a new password, only `GET /me` and
    /// `POST /me/password` answer.
    pub must_change_password: bool,
}

impl TryFrom<UserRow> for User {
    type Error = AccountError;
    fn try_from(row: UserRow) -> AccountResult<User> {
        let role = row.role;
        Ok(User {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            phone: row.phone,
            role,
            created_at: Utc.from_utc_datetime(&row.created_at),
            disabled: row.disabled,
            must_change_password: row.must_change_password,
        })
    }
}

fn username_taken() -> AccountError {
    AccountError::UsernameTaken
}

/// Who creates an account (the actor of its `created` event).
#[derive(Debug, Clone, Copy)]
pub enum CreatedBy<'a> {
    /// Self-registration: the new user is its own actor.
    Itself,
    /// An admin, by id.
    Admin(&'a str),
    /// First start or the command line.
    System,
}

/// Stores a new account and its `created` event; 409 `username_taken` when its key is taken.
pub fn create_user(
    conn: &mut DbConn,
    new: &ValidNewUser,
    role: Role,
    password_hash: String,
    by: CreatedBy<'_>,
) -> AccountResult<User> {
    let now = Utc::now();
    let row = UserRow {
        id: uuid::Uuid::new_v4().to_string(),
        username: new.username.as_str().to_owned(),
        password_hash,
        display_name: new.display_name.clone(),
        phone: new.phone.clone(),
        role,
        created_at: now.naive_utc(),
        username_key: new.username.key().to_owned(),
        disabled: false,
        must_change_password: false,
    };
    let actor = match by {
        CreatedBy::Itself => Some(row.id.as_str()),
        CreatedBy::Admin(id) => Some(id),
        CreatedBy::System => None,
    };
    let inserted = write_tx(conn, |conn| {
        diesel::insert_into(users::table)
            .values(&row)
            .execute(conn)?;
        events::record(conn, &row.id, actor, EventKind::Created, now)
    });
    match inserted {
        Ok(()) => User::try_from(row),
        Err(e) if is_unique_violation(&e) => Err(username_taken()),
        Err(e) => Err(e.into()),
    }
}

/// The user a login name means: the exact name first (two names that collided before keys
/// existed keep logging in as themselves), else the one with the same key. Text no name can
/// match finds nobody.
pub fn find_by_username(conn: &mut DbConn, name: &LoginName) -> AccountResult<Option<UserRow>> {
    let (exact, key) = (name.as_str(), name.key());
    let rows: Vec<UserRow> = users::table
        .filter(users::username.eq(exact).or(users::username_key.eq(key)))
        .select(UserRow::as_select())
        .limit(2)
        .load(conn)?;
    let pick = rows.iter().position(|r| r.username == exact).unwrap_or(0);
    Ok(rows.into_iter().nth(pick))
}

pub fn find_row(conn: &mut DbConn, id: &str) -> AccountResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut DbConn, id: &str) -> AccountResult<Option<User>> {
    find_row(conn, id)?.map(User::try_from).transpose()
}

pub fn count_users(conn: &mut DbConn) -> AccountResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Replaces a password: `PasswordChanged` by the user clears the forced change,
/// `PasswordReset` by an admin sets it.
pub fn set_password(
    conn: &mut DbConn,
    user_id: &str,
    password_hash: &str,
    actor_id: &str,
    kind: EventKind,
    at: DateTime<Utc>,
) -> AccountResult<()> {
    let must_change = kind == EventKind::PasswordReset;
    write_tx(conn, |conn| {
        let n = diesel::update(users::table.filter(users::id.eq(user_id)))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(must_change),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AccountError::NotFound);
        }
        Ok(events::record(conn, user_id, Some(actor_id), kind, at)?)
    })
}

/// Disables or enables an account; an event only when the state changes.
pub fn set_disabled(
    conn: &mut DbConn,
    user_id: &str,
    disabled: bool,
    actor_id: &str,
    at: DateTime<Utc>,
) -> AccountResult<User> {
    write_tx(conn, |conn| {
        let n = diesel::update(
            users::table
                .filter(users::id.eq(user_id))
                .filter(users::disabled.ne(disabled)),
        )
        .set(users::disabled.eq(disabled))
        .execute(conn)?;
        if n > 0 {
            let kind = if disabled {
                EventKind::Disabled
            } else {
                EventKind::Enabled
            };
            events::record(conn, user_id, Some(actor_id), kind, at)?;
        }
        find_by_id(conn, user_id)?.ok_or(AccountError::NotFound)
    })
}

/// Creates `admin` on an empty database. Returns the generated password when none was given,
/// so the caller can print it once.
pub fn ensure_admin(
    conn: &mut DbConn,
    hasher: &Hasher,
    given: Option<&str>,
) -> AccountResult<Option<String>> {
    if count_users(conn)? > 0 {
        return Ok(None);
    }
    let generated = given.is_none().then(random_password);
    let password = given
        .map(str::to_owned)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let hash = hasher.hash(&password).map_err(AccountError::internal)?;
    let new = NewUser {
        username: "admin".into(),
        password,
        display_name: "管理员".into(),
        phone: None,
    }
    .validate()?;
    match create_user(conn, &new, Role::Admin, hash, CreatedBy::System) {
        Ok(_) => Ok(generated),
        // Another replica starting at the same moment created it first.
        Err(AccountError::UsernameTaken) => Ok(None),
        Err(e) => Err(e),
    }
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
pub fn list_officials(conn: &mut DbConn) -> AccountResult<Vec<User>> {
    users::table
        .filter(users::role.ne(Role::Merchant))
        .select(UserRow::as_select())
        .order(users::username_key)
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// Whether `name` is free to take (used before spending a hash on it).
pub fn is_taken(conn: &mut DbConn, name: &Username) -> AccountResult<bool> {
    let n: i64 = users::table
        .filter(users::username_key.eq(name.key()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
