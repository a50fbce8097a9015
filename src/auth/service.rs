//! The account operations the HTTP layer calls: registration, login, password changes and
//! resets, disabling, the audit trail. Each one spends password hashes through the
//! [`HashGate`] and answers with the service's errors.

use chrono::{DateTime, Utc};
use std::time::Duration;

use super::error::{AccountError, AccountResult, Limit, Problems};
use super::events::{self, EventKind, UserEvent};
use super::gate::{self, GateError, HashGate};
use super::limits::Limits;
use super::new_user::password_problem;
use super::password::Hasher;
use super::ratelimit::{LoginPolicy, Outcome};
use super::user::{self, CreatedBy, UserRow};
use super::username::LoginName;
use super::{NewUser, Role, User};
use crate::db::Db;

/// The numbers behind [`Accounts`].
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// Password hashes and verifications at once.
    pub hash_concurrency: usize,
    /// How long a request waits for one of them before 503.
    pub hash_wait: Duration,
    /// Registrations per client address per `register_window`.
    pub register_limit: u32,
    pub register_window: Duration,
    pub login: LoginPolicy,
}

impl Default for AccountSettings {
    fn default() -> Self {
        AccountSettings {
            hash_concurrency: HashGate::default_size(),
            hash_wait: Duration::from_secs(10),
            register_limit: 10,
            register_window: Duration::from_secs(600),
            login: LoginPolicy::default(),
        }
    }
}

pub struct Accounts {
    hasher: Hasher,
    dummy_hash: String,
    gate: HashGate,
    limits: Limits,
}

fn busy(e: GateError) -> AccountError {
    match e {
        GateError::Busy => AccountError::Busy {
            retry_after: gate::RETRY_AFTER_SECS,
        },
        GateError::Task(cause) => AccountError::internal(cause),
    }
}

fn login_failed() -> AccountError {
    AccountError::InvalidCredentials
}

fn username_taken() -> AccountError {
    AccountError::UsernameTaken
}

/// 422 `invalid_password` naming `field` when `password` breaks the rules.
fn check_new_password(field: &'static str, password: &str) -> AccountResult<()> {
    let mut problems = Problems::default();
    if let Some(problem) = password_problem(password) {
        problems.push(field, problem);
    }
    problems.into_result(AccountError::InvalidPassword)
}

/// Ids are UUIDs; anything else names nobody (and never reaches the database).
fn user_id(id: &str) -> AccountResult<String> {
    uuid::Uuid::parse_str(id)
        .map(|u| u.to_string())
        .map_err(|_| AccountError::NotFound)
}

impl Accounts {
    pub fn new(hasher: Hasher, settings: &AccountSettings) -> Result<Self, String> {
        let dummy_hash = hasher.dummy_hash()?;
        // From here on only the gate's threads hash; the caller's thread gives its memory back.
        super::password::release_thread_memory();
        Ok(Accounts {
            dummy_hash,
            hasher,
            gate: HashGate::new(settings.hash_concurrency, settings.hash_wait)?,
            limits: Limits::new(
                settings.login,
                settings.register_limit,
                settings.register_window,
            ),
        })
    }

    /// The hashing gate (tests fill it to see the 503).
    pub fn gate(&self) -> &HashGate {
        &self.gate
    }

    async fn hash(&self, password: String) -> AccountResult<String> {
        let hasher = self.hasher;
        self.gate
            .run(move || hasher.hash(&password))
            .await
            .map_err(busy)?
            .map_err(AccountError::internal)
    }

    async fn verify(&self, password: String, hash: String) -> AccountResult<bool> {
        let hasher = self.hasher;
        self.gate
            .run(move || hasher.verify(&password, &hash))
            .await
            .map_err(busy)
    }

    /// A merchant registering from `addr`.
    pub async fn register(&self, db: &Db, new: NewUser, addr: &str) -> AccountResult<User> {
        let new = new.validate()?;
        self.limits.registration(db, addr).await?;
        if new.username.is_reserved() {
            return Err(username_taken());
        }
        let name = new.username.clone();
        if db.run(move |conn| user::is_taken(conn, &name)).await? {
            return Err(username_taken());
        }
        let hash = self.hash(new.password.clone()).await?;
        db.run(move |conn| user::create_user(conn, &new, Role::Merchant, hash, CreatedBy::Itself))
            .await
    }

    /// An admin creating an official (reserved names allowed: the admin chooses them).
    pub async fn create_official(
        &self,
        db: &Db,
        admin: &User,
        new: NewUser,
        role: Role,
    ) -> AccountResult<User> {
        let new = new.validate()?;
        let hash = self.hash(new.password.clone()).await?;
        let admin_id = admin.id.clone();
        db.run(move |conn| user::create_user(conn, &new, role, hash, CreatedBy::Admin(&admin_id)))
            .await
    }

    /// The user `username` names, if `password` is theirs. The attempt is counted before the
    /// password is checked; an unknown user costs the same one verification as a known one.
    pub async fn login(
        &self,
        db: &Db,
        username: String,
        password: String,
        addr: &str,
    ) -> AccountResult<User> {
        let name = LoginName::parse(&username);
        // Text no name can match is still counted, under a key no name has (the empty one).
        let key = name.as_ref().map_or("", LoginName::key).to_owned();
        let attempt = self.limits.begin(db, key, addr, Limit::Logins).await?;
        let checked = self.check_login(db, name, password).await;
        attempt
            .settle(match &checked {
                Ok(Some(_)) => Outcome::Succeeded,
                Ok(None) => Outcome::Failed,
                Err(_) => Outcome::Abandoned,
            })
            .await?;
        match checked? {
            Some(row) if row.disabled => Err(AccountError::Disabled),
            Some(row) => User::try_from(row),
            None => Err(login_failed()),
        }
    }

    /// The row of `name` if `password` is its password; `None` otherwise. An unknown user
    /// costs the same one verification as a known one.
    async fn check_login(
        &self,
        db: &Db,
        name: Option<LoginName>,
        password: String,
    ) -> AccountResult<Option<UserRow>> {
        let row = db
            .run(move |conn| match name {
                Some(name) => user::find_by_username(conn, &name),
                None => Ok(None),
            })
            .await?;
        let hash = row
            .as_ref()
            .map_or_else(|| self.dummy_hash.clone(), |r| r.password_hash.clone());
        let matches = self.verify(password, hash).await?;
        Ok(row.filter(|_| matches))
    }

    /// The signed-in user replacing their own password (which clears a forced change).
    pub async fn change_password(
        &self,
        db: &Db,
        me: &User,
        current: String,
        new: String,
        addr: &str,
        now: DateTime<Utc>,
    ) -> AccountResult<()> {
        check_new_password("new_password", &new)?;
        if new == current {
            return Err(AccountError::SamePassword);
        }
        let key = LoginName::parse(&me.username)
            .map(|n| n.key().to_owned())
            .unwrap_or_default();
        let attempt = self
            .limits
            .begin(db, key, addr, Limit::PasswordChecks)
            .await?;
        let checked = self.check_current(db, &me.id, current).await;
        attempt
            .settle(match &checked {
                Ok(true) => Outcome::Succeeded,
                Ok(false) => Outcome::Failed,
                Err(_) => Outcome::Abandoned,
            })
            .await?;
        if !checked? {
            return Err(AccountError::WrongPassword);
        }
        let hash = self.hash(new).await?;
        let id = me.id.clone();
        db.run(move |conn| {
            user::set_password(conn, &id, &hash, &id, EventKind::PasswordChanged, now)
        })
        .await
    }

    /// Whether `current` is the password of the user `id`.
    async fn check_current(&self, db: &Db, id: &str, current: String) -> AccountResult<bool> {
        let id = id.to_owned();
        let row = db
            .run(move |conn| user::find_row(conn, &id))
            .await?
            .ok_or(AccountError::Unauthorized)?;
        self.verify(current, row.password_hash).await
    }

    /// An admin setting a new password for `id`; the user must change it at next login.
    pub async fn reset_password(
        &self,
        db: &Db,
        admin: &User,
        id: &str,
        new: String,
        now: DateTime<Utc>,
    ) -> AccountResult<()> {
        let id = user_id(id)?;
        check_new_password("new_password", &new)?;
        let hash = self.hash(new).await?;
        let admin_id = admin.id.clone();
        db.run(move |conn| {
            user::set_password(conn, &id, &hash, &admin_id, EventKind::PasswordReset, now)
        })
        .await
    }

    /// An admin disabling or enabling an account (never their own off).
    pub async fn set_disabled(
        &self,
        db: &Db,
        admin: &User,
        id: &str,
        disabled: bool,
        now: DateTime<Utc>,
    ) -> AccountResult<User> {
        let id = user_id(id)?;
        if disabled && id == admin.id {
            return Err(AccountError::CannotDisableSelf);
        }
        let admin_id = admin.id.clone();
        db.run(move |conn| user::set_disabled(conn, &id, disabled, &admin_id, now))
            .await
    }

    /// The audit trail of `id`, oldest first; 404 for nobody.
    pub async fn events(&self, db: &Db, id: &str) -> AccountResult<Vec<UserEvent>> {
        let id = user_id(id)?;
        db.run(move |conn| {
            user::find_row(conn, &id)?.ok_or(AccountError::NotFound)?;
            events::list(conn, &id)
        })
        .await
    }
}
