//! The delivery worker: claims due notifications, hands each to the sinks (the log always, the
//! webhook when configured; the inbox has it already), and records the outcome: delivered, a
//! retry after a backoff with jitter, or dead after the last attempt. Delivery is
//! at-least-once: a worker that dies after sending and before recording sends again later.

use chrono::{NaiveDateTime, Utc};
use rand::Rng;

use super::claim::{self, Job, Outcome};
use super::settings::NotifySettings;
use super::webhook;
use crate::db::{Db, DbError};

pub struct Worker {
    db: Db,
    settings: NotifySettings,
    client: reqwest::Client,
}

impl Worker {
    pub fn new(db: Db, settings: NotifySettings) -> Result<Worker, String> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot prepare the webhook client: {e}"))?;
        Ok(Worker {
            db,
            settings,
            client,
        })
    }

    /// One round: claims what is due (at most a batch), delivers it concurrently and records
    /// the outcomes; answers how many notifications were attempted.
    pub async fn run_once(&self) -> Result<usize, DbError> {
        let token = uuid::Uuid::new_v4().to_string();
        let now = Utc::now().naive_utc();
        let lease = chrono::Duration::from_std(self.settings.lease())
            .unwrap_or_else(|_| chrono::Duration::seconds(60));
        let limit = self.settings.batch.max(1) as i64;
        let claimed_token = token.clone();
        let jobs = self
            .db
            .run(move |conn| {
                claim::claim(conn, &claimed_token, now, now + lease, limit).map_err(DbError::from)
            })
            .await?;
        if jobs.is_empty() {
            return Ok(0);
        }
        let outcomes =
            futures_util::future::join_all(jobs.iter().map(|job| self.attempt(job))).await;
        let results: Vec<(Job, Outcome)> = jobs.into_iter().zip(outcomes).collect();
        let n = results.len();
        let done = Utc::now().naive_utc();
        self.db
            .run(move |conn| claim::record(conn, &token, &results, done).map_err(DbError::from))
            .await?;
        Ok(n)
    }

    /// Attempts one notification and decides what follows.
    async fn attempt(&self, job: &Job) -> Outcome {
        tracing::info!(
            target: "signboard::notify",
            id = %job.id,
            event = job.event.as_str(),
            application_id = %job.application_id,
            recipient_id = %job.recipient_id,
            recipient_role = job.recipient_role.as_str(),
            attempt = job.attempts + 1,
            "notification"
        );
        let Some(hook) = &self.settings.webhook else {
            return Outcome::Delivered;
        };
        let timestamp = Utc::now().timestamp();
        match webhook::post(&self.client, hook, &job.id, &job.payload, timestamp).await {
            Ok(()) => Outcome::Delivered,
            Err(error) => {
                let failed = (job.attempts + 1).max(1) as u32;
                let retry_at = (failed < self.settings.max_attempts).then(|| self.retry_at(failed));
                if retry_at.is_none() {
                    tracing::warn!(id = %job.id, %error, attempts = failed, "notification dead");
                }
                Outcome::Failed { error, retry_at }
            }
        }
    }

    fn retry_at(&self, failed: u32) -> NaiveDateTime {
        let wait = self
            .settings
            .backoff(failed, rand::thread_rng().gen_range(0.0..=1.0));
        Utc::now().naive_utc()
            + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::minutes(10))
    }

    /// Rounds until `alive()` says stop; a full batch is followed at once by the next round.
    pub async fn run(self, alive: impl Fn() -> bool) {
        while alive() {
            match self.run_once().await {
                Ok(n) if n >= self.settings.batch => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "notification worker: round failed"),
            }
            tokio::time::sleep(self.settings.poll).await;
        }
    }
}
