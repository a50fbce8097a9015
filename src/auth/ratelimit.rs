//! Login and registration limits, counted in the database (`limit_counters`, fixed windows)
//! so that they hold across replicas and restarts.
//!
//! Logins are limited per (username, client address) pair: five failures in a window of
//! `lock_window` lock the pair until the window ends; a success forgets the pair's failures.
//! An attempt reserves its count before the password is checked, so simultaneous guesses
//! cannot slip past the limit (on any replica). Two wider limits stop spraying: a username
//! failing 100 times a window only accepts addresses that have not failed for it yet (so its
//! owner, elsewhere, still gets in), and an address failing 100 times a window is stopped.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use diesel::QueryResult;

use crate::db::counters::{self, Slot};
use crate::db::DbConn;

/// Seconds between prunings of ended windows (by whichever request comes first).
const PRUNE_EVERY: i64 = 60;

/// How long a refused caller should wait, in whole seconds (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Refused with a wait, or allowed with what was reserved.
pub type Verdict<T> = Result<T, RetryAfter>;

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX).max(1)
}

/// Prunes the ended windows at most once every [`PRUNE_EVERY`] seconds per process.
#[derive(Default)]
struct Pruner(AtomicI64);

impl Pruner {
    fn maybe(&self, conn: &mut DbConn, now: i64) -> QueryResult<()> {
        let last = self.0.load(Ordering::Relaxed);
        if now - last >= PRUNE_EVERY
            && self
                .0
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            counters::prune(conn, now)?;
        }
        Ok(())
    }
}

/// A counter per key over fixed windows, e.g. registrations per client address.
pub struct WindowLimiter {
    max: u32,
    window: i64,
    pruner: Pruner,
}

impl WindowLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        WindowLimiter {
            max,
            window: secs(window),
            pruner: Pruner::default(),
        }
    }

    /// Counts one event for `key` at `now` (Unix seconds), or refuses it when the window is
    /// full (counting nothing).
    pub fn hit(&self, conn: &mut DbConn, key: &str, now: i64) -> QueryResult<Verdict<()>> {
        self.pruner.maybe(conn, now)?;
        let slot = Slot::at("register", key, now, self.window);
        if counters::raise(conn, &slot)? > self.max {
            counters::lower(conn, &slot)?;
            return Ok(Err(RetryAfter(slot.remaining(now))));
        }
        Ok(Ok(()))
    }
}

/// The numbers of the login policy.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures of one pair in `lock_window` before it is locked until the window ends.
    pub free_failures: u32,
    pub lock_window: Duration,
    /// Failures per window for one username (from addresses that failed for it) and for one
    /// address (over all usernames).
    pub user_failures: u32,
    pub addr_failures: u32,
    pub window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 5,
            lock_window: Duration::from_secs(900),
            user_failures: 100,
            addr_failures: 100,
            window: Duration::from_secs(3600),
        }
    }
}

/// A reserved login attempt: the three counters it raised. Settle it with its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pair: Slot,
    user: Slot,
    addr: Slot,
}

/// How a reserved attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The password was right: the pair's failures are forgotten.
    Succeeded,
    /// The password was wrong: the reservation stays counted as a failure.
    Failed,
    /// The password was never checked: the reservation is given back.
    Abandoned,
}

pub struct LoginLimiter {
    policy: LoginPolicy,
    pruner: Pruner,
}

/// The key of a (username, address) pair; addresses hold no space.
fn pair_key(user: &str, addr: &str) -> String {
    format!("{addr} {user}")
}

impl LoginLimiter {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginLimiter {
            policy,
            pruner: Pruner::default(),
        }
    }

    /// Reserves an attempt of `user` (its key) from `addr` at `now` (Unix seconds), or says
    /// how long to wait. A refused attempt leaves every count as it was.
    pub fn begin(
        &self,
        conn: &mut DbConn,
        user: &str,
        addr: &str,
        now: i64,
    ) -> QueryResult<Verdict<Reservation>> {
        let p = self.policy;
        self.pruner.maybe(conn, now)?;
        let window = secs(p.window);
        // The address's own limit first, so that a refused request stores nothing new.
        let by_addr = Slot::at("addr", addr, now, window);
        if counters::raise(conn, &by_addr)? > p.addr_failures {
            return give_back(conn, &[&by_addr], now);
        }
        let pair = Slot::at("pair", &pair_key(user, addr), now, secs(p.lock_window));
        let pair_count = counters::raise(conn, &pair)?;
        if pair_count > p.free_failures {
            return give_back(conn, &[&pair, &by_addr], now);
        }
        let by_user = Slot::at("user", user, now, window);
        if counters::raise(conn, &by_user)? > p.user_failures && pair_count > 1 {
            return give_back(conn, &[&by_user, &pair, &by_addr], now);
        }
        Ok(Ok(Reservation {
            pair,
            user: by_user,
            addr: by_addr,
        }))
    }

    /// Settles a reservation: a failure stays counted; a success forgets the pair and gives
    /// back the wider counts; an abandoned attempt gives everything back.
    pub fn settle(conn: &mut DbConn, r: &Reservation, outcome: Outcome) -> QueryResult<()> {
        match outcome {
            Outcome::Failed => Ok(()),
            Outcome::Succeeded => {
                counters::clear(conn, r.pair.scope, &r.pair.key)?;
                counters::lower(conn, &r.user)?;
                counters::lower(conn, &r.addr)
            }
            Outcome::Abandoned => {
                for slot in [&r.pair, &r.user, &r.addr] {
                    counters::lower(conn, slot)?;
                }
                Ok(())
            }
        }
    }
}

/// Takes back what a refused attempt raised; the first slot is the limit that refused it.
fn give_back<T>(conn: &mut DbConn, raised: &[&Slot], now: i64) -> QueryResult<Verdict<T>> {
    for slot in raised {
        counters::lower(conn, slot)?;
    }
    Ok(Err(RetryAfter(raised[0].remaining(now))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, DbUrl};

    fn db() -> (tempfile::TempDir, Db) {
        let tmp = tempfile::tempdir().unwrap();
        let db = Db::connect(&DbUrl::Sqlite(tmp.path().join("limits.db")), 2).unwrap();
        db.migrate().unwrap();
        (tmp, db)
    }

    fn fail(l: &LoginLimiter, c: &mut DbConn, user: &str, addr: &str, now: i64) -> Verdict<()> {
        let r = l.begin(c, user, addr, now).unwrap()?;
        LoginLimiter::settle(c, &r, Outcome::Failed).unwrap();
        Ok(())
    }

    const T0: i64 = 1_800_000_000; // a multiple of 900 and of 3600

    #[test]
    fn a_pair_locks_until_its_window_ends_and_other_addresses_are_untouched() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = LoginLimiter::new(LoginPolicy::default());
        for _ in 0..5 {
            fail(&l, c, "admin", "1.1.1.1", T0).unwrap();
        }
        assert_eq!(
            fail(&l, c, "admin", "1.1.1.1", T0 + 100),
            Err(RetryAfter(800))
        );
        // The owner elsewhere still gets in.
        let r = l.begin(c, "admin", "2.2.2.2", T0).unwrap().unwrap();
        LoginLimiter::settle(c, &r, Outcome::Succeeded).unwrap();
        // The next window starts afresh.
        fail(&l, c, "admin", "1.1.1.1", T0 + 900).unwrap();
    }

    #[test]
    fn a_blocked_address_stores_nothing_for_the_names_it_tries() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = LoginLimiter::new(LoginPolicy::default());
        for i in 0..100 {
            fail(&l, c, &format!("user{}", i / 4), "6.6.6.6", T0).unwrap();
        }
        for i in 0..50 {
            assert!(l
                .begin(c, &format!("new{i}"), "6.6.6.6", T0)
                .unwrap()
                .is_err());
        }
        let addr = Slot::at("addr", "6.6.6.6", T0, 3600);
        assert_eq!(counters::count(c, &addr).unwrap(), 100);
        let pair = Slot::at("pair", &pair_key("new0", "6.6.6.6"), T0, 900);
        assert_eq!(counters::count(c, &pair).unwrap(), 0);
        let user = Slot::at("user", "new0", T0, 3600);
        assert_eq!(counters::count(c, &user).unwrap(), 0);
    }

    #[test]
    fn reservations_are_counted_before_the_outcome_and_given_back() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = LoginLimiter::new(LoginPolicy::default());
        let held: Vec<_> = (0..5)
            .map(|_| l.begin(c, "u", "a", T0).unwrap().unwrap())
            .collect();
        assert_eq!(
            l.begin(c, "u", "a", T0).unwrap().err(),
            Some(RetryAfter(900))
        );
        for r in &held {
            LoginLimiter::settle(c, r, Outcome::Abandoned).unwrap();
        }
        let r = l.begin(c, "u", "a", T0).unwrap().unwrap();
        LoginLimiter::settle(c, &r, Outcome::Succeeded).unwrap();
        for _ in 0..5 {
            fail(&l, c, "u", "a", T0).unwrap();
        }
    }

    #[test]
    fn a_sprayed_username_only_accepts_addresses_that_have_not_failed() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = LoginLimiter::new(LoginPolicy {
            user_failures: 3,
            ..LoginPolicy::default()
        });
        for addr in ["a1", "a2", "a3"] {
            fail(&l, c, "admin", addr, T0).unwrap();
        }
        assert_eq!(fail(&l, c, "admin", "a1", T0), Err(RetryAfter(3600)));
        assert!(l.begin(c, "admin", "fresh", T0).unwrap().is_ok());
        assert!(l.begin(c, "admin", "a1", T0 + 3600).unwrap().is_ok());
    }

    #[test]
    fn an_address_spraying_usernames_is_stopped() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = LoginLimiter::new(LoginPolicy {
            addr_failures: 3,
            ..LoginPolicy::default()
        });
        for user in ["u1", "u2", "u3"] {
            fail(&l, c, user, "a", T0).unwrap();
        }
        assert!(fail(&l, c, "u4", "a", T0).is_err());
        assert!(l.begin(c, "u4", "b", T0).unwrap().is_ok());
    }

    #[test]
    fn the_window_limiter_refuses_past_its_maximum_and_old_windows_are_pruned() {
        let (_tmp, db) = db();
        let c = &mut *db.get().unwrap();
        let l = WindowLimiter::new(2, Duration::from_secs(600));
        assert_eq!(l.hit(c, "a", T0).unwrap(), Ok(()));
        assert_eq!(l.hit(c, "a", T0).unwrap(), Ok(()));
        assert_eq!(l.hit(c, "a", T0).unwrap(), Err(RetryAfter(600)));
        assert_eq!(l.hit(c, "b", T0).unwrap(), Ok(()));
        assert_eq!(l.hit(c, "a", T0 + 600).unwrap(), Ok(()));
        // The window that ended at T0 + 600 was pruned by that hit.
        let old = Slot::at("register", "a", T0, 600);
        assert_eq!(counters::count(c, &old).unwrap(), 0);
        let new = Slot::at("register", "a", T0 + 600, 600);
        assert_eq!(counters::count(c, &new).unwrap(), 1);
    }
}
