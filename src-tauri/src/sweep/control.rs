//! Pause, resume and stop, shared between the run and whoever drives it.

use tokio::sync::watch;

/// The state a driver asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlState {
    /// Go on.
    Running,
    /// Start no new request until resumed.
    Paused,
    /// Start no new request; the rest stays not attempted.
    Stopped,
}

/// A cloneable handle to pause, resume or stop a run.
#[derive(Debug, Clone)]
pub struct RunControl {
    tx: watch::Sender<ControlState>,
}

impl Default for RunControl {
    fn default() -> Self {
        RunControl::new()
    }
}

impl RunControl {
    /// A control in the running state.
    pub fn new() -> Self {
        RunControl {
            tx: watch::Sender::new(ControlState::Running),
        }
    }

    /// Holds new requests until `resume`.
    pub fn pause(&self) {
        self.tx.send_if_modified(|s| {
            let change = *s == ControlState::Running;
            if change {
                *s = ControlState::Paused;
            }
            change
        });
    }

    /// Lets a paused run go on.
    pub fn resume(&self) {
        self.tx.send_if_modified(|s| {
            let change = *s == ControlState::Paused;
            if change {
                *s = ControlState::Running;
            }
            change
        });
    }

    /// Ends the run after the requests in flight; stop is final.
    pub fn stop(&self) {
        self.tx.send_replace(ControlState::Stopped);
    }

    /// The current state.
    pub fn state(&self) -> ControlState {
        *self.tx.borrow()
    }

    /// Waits while paused; returns false once stopped.
    pub async fn wait_runnable(&self) -> bool {
        let mut rx = self.tx.subscribe();
        loop {
            match *rx.borrow_and_update() {
                ControlState::Running => return true,
                ControlState::Stopped => return false,
                ControlState::Paused => {}
            }
            if rx.changed().await.is_err() {
                return false;
            }
        }
    }

    /// Resolves once the run is stopped (used to wake workers sleeping through a backoff).
    pub async fn stopped(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|s| *s == ControlState::Stopped).await;
    }

    /// A receiver of state changes, for whoever reports pause and resume.
    pub fn subscribe(&self) -> watch::Receiver<ControlState> {
        self.tx.subscribe()
    }
}
