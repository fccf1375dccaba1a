//! Ctrl-C and SIGTERM as a flag, so `generate` and `batch` finish recording
//! a submission already sent (and print or record its id) instead of dying
//! with it.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Sets `stop` on Ctrl-C or SIGTERM. The handlers are installed before this
/// returns, so a signal arriving during a submission that follows is caught.
/// Abort the returned task when done.
pub fn stop_on_signal(stop: Arc<watch::Sender<bool>>) -> JoinHandle<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        tokio::spawn(async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                // Cannot watch: the default handlers end the process as usual.
                _ => std::future::pending::<()>().await,
            }
            stop.send_replace(true);
        })
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            stop.send_replace(true);
        })
    }
}
