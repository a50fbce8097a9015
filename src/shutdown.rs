//! The pieces of a graceful stop: the signal that starts it and the background threads that
//! are joined at its end.

use std::thread::JoinHandle;
use std::time::Duration;

/// The background threads of a running service.
#[derive(Default)]
pub struct Background {
    threads: Vec<(&'static str, JoinHandle<()>)>,
}

impl Background {
    /// A thread that was (or failed to be) started.
    pub fn started(name: &'static str, spawned: std::io::Result<JoinHandle<()>>) -> Background {
        match spawned {
            Ok(handle) => Background {
                threads: vec![(name, handle)],
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the {name}");
                Background::default()
            }
        }
    }

    pub fn add(&mut self, other: Background) {
        self.threads.extend(other.threads);
    }

    /// Waits up to `within` for every thread to end (they were told to stop); a thread still
    /// busy then is left to end with the process.
    pub fn join(self, within: Duration) {
        let (done, finished) = std::sync::mpsc::channel();
        let names: Vec<&str> = self.threads.iter().map(|(n, _)| *n).collect();
        let joiner = std::thread::Builder::new()
            .name("shutdown-join".into())
            .spawn(move || {
                for (name, handle) in self.threads {
                    if handle.join().is_err() {
                        tracing::warn!("the {name} panicked");
                    }
                }
                let _ = done.send(());
            });
        if joiner.is_err() || finished.recv_timeout(within).is_err() {
            tracing::warn!(threads = ?names, "background threads did not stop in time");
        }
    }
}

/// Resolves with the signal's name at the first SIGTERM or SIGINT.
#[cfg(unix)]
pub async fn stop_signal() -> &'static str {
    use futures_util::future::{select, Either};
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            match select(Box::pin(term.recv()), Box::pin(int.recv())).await {
                Either::Left(_) => "SIGTERM",
                Either::Right(_) => "SIGINT",
            }
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "cannot listen for stop signals");
            std::future::pending().await
        }
    }
}

/// Resolves at the first Ctrl-C.
#[cfg(not(unix))]
pub async fn stop_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}
