//! Login failure limits per username and per client address: after `max_failures` failures
//! within `window`, further attempts are refused until the window has passed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct FailureLimiter {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

impl FailureLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        FailureLimiter {
            max_failures,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until the key may try again, if it is blocked now.
    pub fn blocked_for(&self, key: &str, now: Instant) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = entries.get(key)?;
        let elapsed = now.saturating_duration_since(*since);
        (*count >= self.max_failures && elapsed < self.window)
            .then(|| (self.window - elapsed).as_secs().max(1))
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > 100_000 {
            let window = self.window;
            entries.retain(|_, (_, since)| now.saturating_duration_since(*since) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert((0, now));
        if now.saturating_duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    pub fn clear(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_and_releases_after_the_window() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..2 {
            limiter.record_failure("u", t0);
        }
        assert_eq!(limiter.blocked_for("u", t0), None);
        limiter.record_failure("u", t0);
        assert!(limiter.blocked_for("u", t0).is_some());
        assert_eq!(limiter.blocked_for("other", t0), None);
        assert_eq!(limiter.blocked_for("u", t0 + Duration::from_secs(61)), None);
    }
}
