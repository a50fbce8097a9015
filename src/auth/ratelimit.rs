//! Login and registration limits, kept in memory.
//!
//! Logins are limited per (username, client address) pair: five failures are free, then each
//! further failure locks the pair for twice as long as the last (30 s, 1 min, 2 min, … up to
//! an hour). An attempt reserves its place before the password is checked, so simultaneous
//! guesses cannot slip past the count. Two wider limits stop spraying: a username failing
//! 100 times an hour only accepts addresses that have not failed for it yet (so its owner,
//! elsewhere, still gets in), and an address failing 100 times an hour is stopped.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Entries kept before stale ones are swept out.
const SWEEP_ABOVE: usize = 100_000;

/// How long a refused caller should wait, in whole seconds (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    fn of(d: Duration) -> Self {
        RetryAfter(d.as_secs_f64().ceil().max(1.0) as u64)
    }
}

/// A counter per key over fixed windows, e.g. registrations per client address.
pub struct WindowLimiter {
    max: u32,
    window: Duration,
    entries: Mutex<HashMap<String, Counter>>,
}

impl WindowLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        WindowLimiter {
            max,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event for `key`, or refuses it when the window is full.
    pub fn hit(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        let mut entries = lock(&self.entries);
        if entries.len() > SWEEP_ABOVE {
            entries.retain(|_, c| !c.expired(now, self.window));
        }
        let counter = entries
            .entry(key.to_owned())
            .or_insert_with(|| Counter::new(now));
        counter.roll(now, self.window);
        if counter.failures >= self.max {
            return Err(counter.remaining(now, self.window));
        }
        counter.failures += 1;
        Ok(())
    }
}

/// The numbers of the login policy.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures of one pair before it is locked.
    pub free_failures: u32,
    /// First lock; each further failure doubles it.
    pub base_lock: Duration,
    pub max_lock: Duration,
    /// Failures per window for one username (from addresses that failed for it) and for one
    /// address (over all usernames).
    pub user_failures: u32,
    pub addr_failures: u32,
    pub window: Duration,
    /// A quiet pair is forgotten after this long.
    pub forget_after: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 5,
            base_lock: Duration::from_secs(30),
            max_lock: Duration::from_secs(3600),
            user_failures: 100,
            addr_failures: 100,
            window: Duration::from_secs(3600),
            forget_after: Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Debug)]
struct Counter {
    failures: u32,
    pending: u32,
    since: Instant,
}

impl Counter {
    fn new(now: Instant) -> Self {
        Counter {
            failures: 0,
            pending: 0,
            since: now,
        }
    }

    fn roll(&mut self, now: Instant, window: Duration) {
        if now.saturating_duration_since(self.since) >= window {
            self.failures = 0;
            self.since = now;
        }
    }

    fn remaining(&self, now: Instant, window: Duration) -> RetryAfter {
        RetryAfter::of(window.saturating_sub(now.saturating_duration_since(self.since)))
    }

    fn expired(&self, now: Instant, window: Duration) -> bool {
        self.pending == 0 && now.saturating_duration_since(self.since) >= window
    }
}

#[derive(Debug)]
struct Pair {
    failures: u32,
    pending: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, String), Pair>,
    users: HashMap<String, Counter>,
    addrs: HashMap<String, Counter>,
}

pub struct LoginLimiter {
    policy: LoginPolicy,
    state: Mutex<State>,
}

/// A reserved login attempt; report its outcome, or drop it when the password was never
/// checked (the reservation is then given back).
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    user: String,
    addr: String,
    settled: bool,
}

enum Outcome {
    Succeeded,
    Failed,
    Abandoned,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LoginLimiter {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginLimiter {
            policy,
            state: Mutex::new(State::default()),
        }
    }

    /// Reserves an attempt of `user` (its key) from `addr`, or says how long to wait.
    pub fn begin(&self, user: &str, addr: &str, now: Instant) -> Result<Attempt<'_>, RetryAfter> {
        let p = self.policy;
        let mut guard = lock(&self.state);
        if guard.pairs.len() + guard.users.len() + guard.addrs.len() > SWEEP_ABOVE {
            self.sweep(&mut guard, now);
        }
        let State {
            pairs,
            users,
            addrs,
        } = &mut *guard;
        // The address's own limit first, so that a refused request stores nothing.
        if let Some(by_addr) = addrs.get_mut(addr) {
            by_addr.roll(now, p.window);
            if by_addr.failures + by_addr.pending >= p.addr_failures {
                return Err(by_addr.remaining(now, p.window));
            }
        }
        let pair_key = (user.to_owned(), addr.to_owned());
        let pair = pairs.entry(pair_key).or_insert_with(|| Pair {
            failures: 0,
            pending: 0,
            locked_until: None,
            last: now,
        });
        if let Some(until) = pair.locked_until.filter(|u| *u > now) {
            return Err(RetryAfter::of(until - now));
        }
        // Only the guesses left before the lock may be checked at once (at least one).
        if pair.pending >= p.free_failures.saturating_sub(pair.failures).max(1) {
            return Err(RetryAfter(1));
        }
        let by_user = users
            .entry(user.to_owned())
            .or_insert_with(|| Counter::new(now));
        by_user.roll(now, p.window);
        if pair.failures > 0 && by_user.failures + by_user.pending >= p.user_failures {
            return Err(by_user.remaining(now, p.window));
        }
        let by_addr = addrs
            .entry(addr.to_owned())
            .or_insert_with(|| Counter::new(now));
        by_addr.roll(now, p.window);
        if by_addr.failures + by_addr.pending >= p.addr_failures {
            return Err(by_addr.remaining(now, p.window));
        }
        pair.pending += 1;
        by_user.pending += 1;
        by_addr.pending += 1;
        Ok(Attempt {
            limiter: self,
            user: user.to_owned(),
            addr: addr.to_owned(),
            settled: false,
        })
    }

    fn settle(&self, user: &str, addr: &str, outcome: Outcome, now: Instant) {
        let p = self.policy;
        let mut guard = lock(&self.state);
        let State {
            pairs,
            users,
            addrs,
        } = &mut *guard;
        let failed = matches!(outcome, Outcome::Failed);
        for (map, key) in [(&mut *users, user), (&mut *addrs, addr)] {
            if let Some(c) = map.get_mut(key) {
                c.pending = c.pending.saturating_sub(1);
                if failed {
                    c.roll(now, p.window);
                    c.failures += 1;
                }
            }
        }
        let pair_key = (user.to_owned(), addr.to_owned());
        let Some(pair) = pairs.get_mut(&pair_key) else {
            return;
        };
        pair.pending = pair.pending.saturating_sub(1);
        pair.last = now;
        match outcome {
            Outcome::Succeeded => {
                pair.failures = 0;
                pair.locked_until = None;
            }
            Outcome::Failed => {
                pair.failures += 1;
                if pair.failures >= p.free_failures {
                    let doublings = (pair.failures - p.free_failures).min(20);
                    let lock_for = p.base_lock.saturating_mul(1 << doublings).min(p.max_lock);
                    pair.locked_until = Some(now + lock_for);
                }
            }
            Outcome::Abandoned => {}
        }
        if pair.pending == 0 && pair.failures == 0 {
            pairs.remove(&pair_key);
        }
    }

    fn sweep(&self, state: &mut State, now: Instant) {
        let p = self.policy;
        state.pairs.retain(|_, pair| {
            pair.pending > 0
                || pair.locked_until.is_some_and(|u| u > now)
                || now.saturating_duration_since(pair.last) < p.forget_after
        });
        state.users.retain(|_, c| !c.expired(now, p.window));
        state.addrs.retain(|_, c| !c.expired(now, p.window));
    }
}

impl Attempt<'_> {
    pub fn succeeded(mut self, now: Instant) {
        self.settled = true;
        self.limiter
            .settle(&self.user, &self.addr, Outcome::Succeeded, now);
    }

    pub fn failed(mut self, now: Instant) {
        self.settled = true;
        self.limiter
            .settle(&self.user, &self.addr, Outcome::Failed, now);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter
                .settle(&self.user, &self.addr, Outcome::Abandoned, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(l: &LoginLimiter, user: &str, addr: &str, now: Instant) -> Result<(), RetryAfter> {
        l.begin(user, addr, now).map(|a| a.failed(now))
    }

    #[test]
    fn a_pair_locks_with_doubling_and_other_addresses_are_untouched() {
        let l = LoginLimiter::new(LoginPolicy::default());
        let t0 = Instant::now();
        for _ in 0..5 {
            fail(&l, "admin", "1.1.1.1", t0).unwrap();
        }
        assert_eq!(fail(&l, "admin", "1.1.1.1", t0), Err(RetryAfter(30)));
        // The owner elsewhere still gets in.
        l.begin("admin", "2.2.2.2", t0).unwrap().succeeded(t0);
        let t1 = t0 + Duration::from_secs(31);
        fail(&l, "admin", "1.1.1.1", t1).unwrap();
        assert_eq!(fail(&l, "admin", "1.1.1.1", t1), Err(RetryAfter(60)));
        let t2 = t1 + Duration::from_secs(61);
        fail(&l, "admin", "1.1.1.1", t2).unwrap();
        assert_eq!(fail(&l, "admin", "1.1.1.1", t2), Err(RetryAfter(120)));
    }

    #[test]
    fn a_blocked_address_stores_nothing_for_the_names_it_tries() {
        let l = LoginLimiter::new(LoginPolicy::default());
        let t0 = Instant::now();
        let p = LoginPolicy::default();
        for i in 0..p.addr_failures {
            fail(&l, &format!("user{}", i / 4), "6.6.6.6", t0).unwrap();
        }
        let sizes = |l: &LoginLimiter| {
            let s = lock(&l.state);
            (s.pairs.len(), s.users.len(), s.addrs.len())
        };
        let before = sizes(&l);
        for i in 0..1000 {
            assert!(l.begin(&format!("new{i}"), "6.6.6.6", t0).is_err());
        }
        assert_eq!(
            sizes(&l),
            before,
            "refused attempts leave no entries behind"
        );
    }

    #[test]
    fn reservations_are_counted_before_the_outcome() {
        let l = LoginLimiter::new(LoginPolicy::default());
        let t0 = Instant::now();
        let held: Vec<_> = (0..5).map(|_| l.begin("u", "a", t0).unwrap()).collect();
        assert_eq!(l.begin("u", "a", t0).err(), Some(RetryAfter(1)));
        drop(held); // never checked: given back
        let a = l.begin("u", "a", t0).unwrap();
        a.succeeded(t0);
        assert!(l.begin("u", "a", t0).is_ok());
    }

    #[test]
    fn a_sprayed_username_only_accepts_addresses_that_have_not_failed() {
        let policy = LoginPolicy {
            user_failures: 3,
            ..LoginPolicy::default()
        };
        let l = LoginLimiter::new(policy);
        let t0 = Instant::now();
        for addr in ["a1", "a2", "a3"] {
            fail(&l, "admin", addr, t0).unwrap();
        }
        assert_eq!(fail(&l, "admin", "a1", t0), Err(RetryAfter(3600)));
        assert!(l.begin("admin", "fresh", t0).is_ok());
        let later = t0 + Duration::from_secs(3601);
        assert!(l.begin("admin", "a1", later).is_ok());
    }

    #[test]
    fn an_address_spraying_usernames_is_stopped() {
        let policy = LoginPolicy {
            addr_failures: 3,
            ..LoginPolicy::default()
        };
        let l = LoginLimiter::new(policy);
        let t0 = Instant::now();
        for user in ["u1", "u2", "u3"] {
            fail(&l, user, "a", t0).unwrap();
        }
        assert!(fail(&l, "u4", "a", t0).is_err());
        assert!(l.begin("u4", "b", t0).is_ok());
    }

    #[test]
    fn the_window_limiter_refuses_past_its_maximum() {
        let l = WindowLimiter::new(2, Duration::from_secs(600));
        let t0 = Instant::now();
        assert!(l.hit("a", t0).is_ok());
        assert!(l.hit("a", t0).is_ok());
        assert_eq!(l.hit("a", t0), Err(RetryAfter(600)));
        assert!(l.hit("b", t0).is_ok());
        assert!(l.hit("a", t0 + Duration::from_secs(600)).is_ok());
    }
}
