//! How notifications are delivered: retries, the webhook and its secret, the worker's pace.

use base64::Engine as _;
use std::fmt;
use std::time::Duration;

/// A Standard Webhooks signing key: `whsec_` followed by the base64 of the key bytes. Never
/// printed.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    pub fn parse(s: &str) -> Result<WebhookSecret, String> {
        let encoded = s.trim().strip_prefix("whsec_").ok_or(
            "SIGNBOARD_WEBHOOK_SECRET must have the form whsec_<base64 key> (Standard Webhooks)",
        )?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| "SIGNBOARD_WEBHOOK_SECRET: the part after whsec_ is not valid base64")?;
        if key.len() < 24 {
            return Err(
                "SIGNBOARD_WEBHOOK_SECRET: the key must have at least 24 bytes (32 recommended)"
                    .into(),
            );
        }
        Ok(WebhookSecret(key))
    }

    pub fn key(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// Where notifications are posted, and the key they are signed with.
#[derive(Clone)]
pub struct Webhook {
    pub url: reqwest::Url,
    pub secret: WebhookSecret,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a token of the gateway: only its origin is shown.
        write!(f, "Webhook({})", self.url.origin().ascii_serialization())
    }
}

impl Webhook {
    /// The webhook of `url` and `secret`; both are needed (a notice without a signature proves
    /// nothing about its origin).
    pub fn parse(url: &str, secret: Option<&str>) -> Result<Webhook, String> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| "SIGNBOARD_WEBHOOK_URL is not a valid URL".to_string())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("SIGNBOARD_WEBHOOK_URL must be an http:// or https:// URL".into());
        }
        let secret = secret.filter(|s| !s.trim().is_empty()).ok_or(
            "SIGNBOARD_WEBHOOK_URL is set: SIGNBOARD_WEBHOOK_SECRET (whsec_…) is needed too",
        )?;
        Ok(Webhook {
            url: parsed,
            secret: WebhookSecret::parse(secret)?,
        })
    }
}

/// The delivery worker's settings.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// The first retry waits about this long; each further one twice as long.
    pub retry_base: Duration,
    /// No retry waits longer.
    pub retry_cap: Duration,
    /// After this many failed attempts a notification is dead.
    pub max_attempts: u32,
    /// `None`: inbox and log only.
    pub webhook: Option<Webhook>,
    /// An attempt not answered within this time failed.
    pub timeout: Duration,
    /// How often the worker looks for due notifications.
    pub poll: Duration,
    /// Most notifications one worker sends at once.
    pub batch: usize,
    /// How often the clock's reminders (due soon, overdue) are looked for.
    pub remind_every: Duration,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            retry_base: Duration::from_millis(2000),
            retry_cap: Duration::from_secs(600),
            max_attempts: 8,
            webhook: None,
            timeout: Duration::from_secs(5),
            poll: Duration::from_millis(1000),
            batch: 50,
            remind_every: Duration::from_secs(600),
        }
    }
}

impl NotifySettings {
    /// How long a claim holds a notification: longer than any attempt, so a live worker never
    /// loses it; a crashed worker's claims are taken over after it.
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(2)
    }

    /// The wait before attempt `failed + 1` after `failed` failed attempts: the base doubled
    /// per failure, capped, then "equal jitter" (half fixed, half random) so that notifications
    /// failing together do not retry together.
    pub fn backoff(&self, failed: u32, random: f64) -> Duration {
        let exp = failed.saturating_sub(1).min(30);
        let full = self
            .retry_base
            .saturating_mul(1u32 << exp)
            .min(self.retry_cap);
        full / 2 + full.mul_f64(random.clamp(0.0, 1.0) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered_within_half() {
        let s = NotifySettings::default();
        assert_eq!(s.backoff(1, 0.0), Duration::from_millis(1000));
        assert_eq!(s.backoff(1, 1.0), Duration::from_millis(2000));
        assert_eq!(s.backoff(3, 1.0), Duration::from_millis(8000));
        assert_eq!(s.backoff(20, 1.0), Duration::from_secs(600));
        assert_eq!(s.backoff(20, 0.0), Duration::from_secs(300));
    }

    #[test]
    fn a_secret_needs_the_prefix_valid_base64_and_a_real_key() {
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let s = WebhookSecret::parse(&format!("whsec_{key}")).unwrap();
        assert_eq!(s.key(), &[7u8; 32]);
        assert_eq!(format!("{s:?}"), "WebhookSecret(***)");
        assert!(WebhookSecret::parse(&key).is_err());
        assert!(WebhookSecret::parse("whsec_!!!").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(Webhook::parse("http://127.0.0.1:9/h", None).is_err());
        assert!(Webhook::parse("ftp://x/", Some(&format!("whsec_{key}"))).is_err());
    }
}
