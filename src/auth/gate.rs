//! Bounds the password hashes and verifications running at once. Each Argon2id run holds
//! its memory cost (19 MiB) for its duration, so without a bound a flood of registrations or
//! logins multiplies it by the number of blocking threads (and the allocator keeps what it
//! got). A caller waits a bounded time for a permit and is then told to come back.

use std::time::Duration;
use tokio::sync::Semaphore;

/// Seconds a refused caller is asked to wait.
pub const RETRY_AFTER_SECS: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("all password hashing permits are busy")]
    Busy,
    #[error("password hashing task failed: {0}")]
    Task(String),
}

pub struct HashGate {
    permits: Semaphore,
    wait: Duration,
}

impl HashGate {
    /// `size` permits (at least one); a caller waits at most `wait` for one.
    pub fn new(size: usize, wait: Duration) -> Self {
        HashGate {
            permits: Semaphore::new(size.max(1)),
            wait,
        }
    }

    /// One permit per CPU: hashing is CPU-bound, more at once only adds memory.
    pub fn default_size() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    /// Runs `work` on a blocking thread once a permit is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| GateError::Busy)?
            .map_err(|_| GateError::Busy)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| GateError::Task(e.to_string()))
    }

    /// Takes a permit and keeps it until the guard is dropped (tests use it to fill the gate).
    pub fn try_hold(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.permits.try_acquire().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_refuses_after_the_wait() {
        let gate = HashGate::new(1, Duration::from_millis(50));
        assert_eq!(gate.run(|| 7).await.ok(), Some(7));
        let held = gate.try_hold();
        assert!(held.is_some());
        assert!(matches!(gate.run(|| 7).await, Err(GateError::Busy)));
        drop(held);
        assert_eq!(gate.run(|| 8).await.ok(), Some(8));
    }
}
