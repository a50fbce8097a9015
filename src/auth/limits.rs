//! The limits of [`super::ratelimit`] as the account operations use them: asynchronous calls
//! on the database pool, and a reserved attempt that is given back if it is dropped unsettled.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::{AccountError, AccountResult, Limit};
use super::ratelimit::{
    LoginLimiter, LoginPolicy, Outcome, Reservation, RetryAfter, WindowLimiter,
};
use crate::db::Db;

/// Unix seconds now.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn too_many(limit: Limit, RetryAfter(retry_after): RetryAfter) -> AccountError {
    AccountError::TooMany { limit, retry_after }
}

pub struct Limits {
    logins: Arc<LoginLimiter>,
    registrations: Arc<WindowLimiter>,
}

impl Limits {
    pub fn new(login: LoginPolicy, register_limit: u32, register_window: Duration) -> Self {
        Limits {
            logins: Arc::new(LoginLimiter::new(login)),
            registrations: Arc::new(WindowLimiter::new(register_limit, register_window)),
        }
    }

    /// Counts a registration from `addr`, or refuses it (429) when the window is full.
    pub async fn registration(&self, db: &Db, addr: &str) -> AccountResult<()> {
        let limiter = self.registrations.clone();
        let addr = addr.to_owned();
        let verdict = db
            .run(move |conn| Ok::<_, AccountError>(limiter.hit(conn, &addr, unix_now())?))
            .await?;
        verdict.map_err(|r| too_many(Limit::Registrations, r))
    }

    /// Reserves a password check of `user` (its key) from `addr`, or refuses it (429,
    /// reported as `limit`).
    pub async fn begin(
        &self,
        db: &Db,
        user: String,
        addr: &str,
        limit: Limit,
    ) -> AccountResult<Attempt> {
        let limiter = self.logins.clone();
        let addr = addr.to_owned();
        let verdict = db
            .run(move |conn| {
                Ok::<_, AccountError>(limiter.begin(conn, &user, &addr, unix_now())?)
            })
            .await?;
        let reservation = verdict.map_err(|r| too_many(limit, r))?;
        Ok(Attempt {
            db: db.clone(),
            reservation: Some(reservation),
        })
    }
}

/// A reserved password check. Settle it with its outcome; dropped unsettled (a cancelled
/// request), its reservation is given back off the async workers.
pub struct Attempt {
    db: Db,
    reservation: Option<Reservation>,
}

impl Attempt {
    pub async fn settle(mut self, outcome: Outcome) -> AccountResult<()> {
        let Some(r) = self.reservation.take() else {
            return Ok(());
        };
        self.db
            .run(move |conn| Ok::<_, AccountError>(LoginLimiter::settle(conn, &r, outcome)?))
            .await
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let Some(r) = self.reservation.take() else {
            return;
        };
        let db = self.db.clone();
        let spawned = std::thread::Builder::new()
            .name("limit-give-back".into())
            .spawn(move || {
                if let Ok(mut conn) = db.get() {
                    let _ = LoginLimiter::settle(&mut conn, &r, Outcome::Abandoned);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot give back a login reservation");
        }
    }
}
