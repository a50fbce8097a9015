//! Notifications that are never lost. A workflow event that concerns someone writes one row per
//! recipient in the event's own transaction (`outbox`); the row is the recipient's inbox
//! message at once (`rows`), and a delivery job of the worker (`worker`), which claims due rows
//! (`claim`), posts them to the signed webhook (`webhook`) and logs them, retrying with
//! backoff until delivered or dead. `events` is the one table of who is told of what;
//! the texts come from the rules profile.

pub mod claim;
pub mod events;
pub mod metrics;
pub mod outbox;
pub mod rows;
pub mod settings;
pub mod webhook;
pub mod worker;

pub use events::{for_action, route, EventType};
pub use metrics::{metrics, report, Metrics, TroubleReport};
pub use outbox::{enqueue, Notices, Subject};
pub use rows::{inbox, mark_all_read, mark_read, resend, troubled, DeliveryStatus, Inbox, Trouble};
pub use settings::{NotifySettings, Webhook, WebhookSecret};
pub use worker::Worker;

/// Runs `worker` on a thread of its own, with a small runtime of its own, for as long as
/// `alive()` says.
pub fn spawn(
    worker: Worker,
    alive: impl Fn() -> bool + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("notify-worker".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(worker.run(alive)),
                Err(e) => tracing::error!(error = %e, "cannot start the notification worker"),
            }
        })
}
