//! The process's run state, shared by the HTTP handlers and the background threads: once a
//! shutdown begins the readiness probe answers 503 (the load balancer stops sending), and the
//! background threads are woken from their sleep to stop after the work in hand.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Lifecycle {
    /// The shutdown has begun: the service is no longer ready for new work.
    pub fn begin_drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// The background threads stop: each finishes what it is doing and ends.
    pub fn stop(&self) {
        self.begin_drain();
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }

    pub fn is_stopped(&self) -> bool {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `period`, or less when [`Lifecycle::stop`] is called; `true` when stopped.
    pub fn sleep(&self, period: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, period, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn stop_wakes_a_sleeper_at_once() {
        let life = Arc::new(Lifecycle::default());
        assert!(!life.is_draining());
        let sleeper = {
            let life = life.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                (life.sleep(Duration::from_secs(60)), started.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        life.stop();
        let (stopped, slept) = sleeper.join().unwrap();
        assert!(stopped);
        assert!(slept < Duration::from_secs(5), "{slept:?}");
        assert!(life.is_draining() && life.is_stopped());
        assert!(life.sleep(Duration::from_secs(60)));
    }

    #[test]
    fn an_undisturbed_sleep_runs_its_period() {
        let life = Lifecycle::default();
        let started = Instant::now();
        assert!(!life.sleep(Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }
}
