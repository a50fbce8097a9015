//! The webhook sink, following Standard Webhooks (<https://www.standardwebhooks.com/>): a POST
//! of the notification's JSON with `webhook-id` (the notification id, the same on every
//! attempt, for the receiver to deduplicate by), `webhook-timestamp` (Unix seconds of the
//! attempt) and `webhook-signature` (`v1,` + base64 of HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, keyed with the decoded secret).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::settings::Webhook;

/// The `webhook-signature` value of one attempt.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// One attempt: `Ok` on a 2xx answer; otherwise what went wrong, in Chinese for the
/// administrator's page (the URL is left out: it may carry the gateway's token).
pub async fn post(
    client: &reqwest::Client,
    hook: &Webhook,
    id: &str,
    body: &str,
    timestamp: i64,
) -> Result<(), String> {
    let sent = client
        .post(hook.url.clone())
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signature(hook.secret.key(), id, timestamp, body),
        )
        .body(body.to_owned())
        .send()
        .await;
    match sent {
        Ok(resp) if resp.status().is_success() => Ok(()),
        Ok(resp) => Err(format!("接收方返回 HTTP {}", resp.status().as_u16())),
        Err(e) if e.is_timeout() => Err("超时：接收方没有在规定时间内应答".into()),
        Err(e) if e.is_connect() => Err("无法连接接收方".into()),
        Err(e) => Err(format!("发送失败：{}", e.without_url())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries.
    #[test]
    fn the_signature_matches_the_reference_example() {
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
