//! Bounds the password hashes and verifications running at once, and where they run. Each
//! Argon2id run holds its memory cost (19 MiB) for its duration; run on any of the many
//! blocking threads, every thread's allocator arena ends up keeping such a block, so a flood
//! of registrations grows the process by the number of threads times 19 MiB or more. Here a
//! few dedicated threads (one per permit) do all the hashing, and a caller waits a bounded
//! time for a permit and is then told to come back.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// Seconds a refused caller is asked to wait.
pub const RETRY_AFTER_SECS: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("all password hashing permits are busy")]
    Busy,
    #[error("password hashing failed: {0}")]
    Task(&'static str),
}

type Job = Box<dyn FnOnce() + Send>;

pub struct HashGate {
    permits: Semaphore,
    wait: Duration,
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl HashGate {
    /// `size` permits and threads (at least one); a caller waits at most `wait` for a permit.
    pub fn new(size: usize, wait: Duration) -> Result<Self, String> {
        let size = size.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match next {
                        // A panic loses that job's answer (its caller sees an error), not the thread.
                        Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
                        Err(_) => break, // the gate is gone
                    }
                })
                .map_err(|e| format!("cannot start a password hashing thread: {e}"))?;
        }
        Ok(HashGate {
            permits: Semaphore::new(size),
            wait,
            jobs: Mutex::new(jobs),
        })
    }

    /// One permit per CPU: hashing is CPU-bound, more at once only adds memory.
    pub fn default_size() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    /// Runs `work` on a hashing thread once a permit is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| GateError::Busy)?
            .map_err(|_| GateError::Busy)?;
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| GateError::Task("no hashing thread is running"))?;
        answered
            .await
            .map_err(|_| GateError::Task("the hashing thread stopped"))
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
        let gate = HashGate::new(1, Duration::from_millis(50)).unwrap();
        assert_eq!(gate.run(|| 7).await.ok(), Some(7));
        let held = gate.try_hold();
        assert!(held.is_some());
        assert!(matches!(gate.run(|| 7).await, Err(GateError::Busy)));
        drop(held);
        assert_eq!(gate.run(|| 8).await.ok(), Some(8));
        // A panicking job fails alone; the thread goes on.
        assert!(matches!(
            gate.run(|| panic!("boom")).await,
            Err(GateError::Task(_))
        ));
        assert_eq!(gate.run(|| 9).await.ok(), Some(9));
    }
}
