//! The memory budget of image decoding: a weighted semaphore counted in MiB. A decode takes
//! as many MiB as it will need (pixels, plus the working copies the pipeline makes) before it
//! starts; when the budget is spent it waits a short, bounded time and then gives up, so a
//! burst of large uploads is answered "busy" instead of growing the process without bound.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct DecodeBudget {
    permits: Arc<Semaphore>,
    total_mib: u32,
    wait: Duration,
}

/// MiB of the budget held by one decode; given back when dropped.
#[derive(Debug)]
pub struct DecodePermit(#[allow(dead_code)] Option<OwnedSemaphorePermit>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetError {
    /// One decode needs more than the whole budget.
    TooBig { need_mib: u64, budget_mib: u32 },
    /// The budget stayed spent for the whole wait.
    Busy,
}

impl DecodeBudget {
    /// A budget of `total_mib` MiB (at least 1); a decode waits at most `wait` for its share.
    pub fn new(total_mib: u32, wait: Duration) -> DecodeBudget {
        let total_mib = total_mib.max(1);
        DecodeBudget {
            permits: Arc::new(Semaphore::new(total_mib as usize)),
            total_mib,
            wait,
        }
    }

    pub fn total_bytes(&self) -> u64 {
        u64::from(self.total_mib) * MIB
    }

    /// How long a caller that was refused as busy should wait before trying again.
    pub fn retry_after_secs(&self) -> u64 {
        self.wait.as_secs().clamp(1, 30)
    }

    /// Takes `bytes` (rounded up to whole MiB) of the budget, waiting at most the configured
    /// time for it.
    pub async fn acquire(&self, bytes: u64) -> Result<DecodePermit, BudgetError> {
        let need_mib = bytes.div_ceil(MIB);
        if need_mib > u64::from(self.total_mib) {
            return Err(BudgetError::TooBig {
                need_mib,
                budget_mib: self.total_mib,
            });
        }
        if need_mib == 0 {
            return Ok(DecodePermit(None));
        }
        // need_mib <= total_mib, which is a u32.
        let n = need_mib as u32;
        let permits = self.permits.clone();
        match tokio::time::timeout(self.wait, permits.acquire_many_owned(n)).await {
            Ok(Ok(permit)) => Ok(DecodePermit(Some(permit))),
            // The semaphore is never closed; a timeout means the budget stayed spent.
            Ok(Err(_)) | Err(_) => Err(BudgetError::Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_budget_answers_busy_after_the_wait_and_frees_on_drop() {
        let budget = DecodeBudget::new(10, Duration::from_millis(20));
        let first = budget.acquire(6 * MIB).await.unwrap();
        assert_eq!(
            budget.acquire(5 * MIB).await.unwrap_err(),
            BudgetError::Busy
        );
        let second = budget.acquire(4 * MIB).await.unwrap();
        drop(first);
        drop(second);
        let _whole = budget.acquire(10 * MIB).await.unwrap();
    }

    #[tokio::test]
    async fn one_decode_over_the_whole_budget_is_refused_at_once() {
        let budget = DecodeBudget::new(10, Duration::from_secs(60));
        assert_eq!(
            budget.acquire(10 * MIB + 1).await.unwrap_err(),
            BudgetError::TooBig {
                need_mib: 11,
                budget_mib: 10
            }
        );
    }
}
