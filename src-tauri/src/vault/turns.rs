//! One keychain request at a time from this process.
//!
//! gnome-keyring can abort while opening a Secret Service session (its record of the caller is
//! missing for the caller's first request: GNOME gnome-keyring work items 190, 196 and 199,
//! reported up to 50.0), and `keyring` opens a new session for every call. Requests side by side
//! make it far likelier: on Debian 12's 42.1 here, `tests/keychain.rs` (82 sessions a run) brought
//! the daemon down once in 60 runs with its tests asking at once, and once in 336 with every
//! request queued. Queueing makes it rarer, not impossible; Offboard's keychain calls are few and
//! short, so the queue costs nothing.

use parking_lot::ReentrantMutex;

/// A queue of turns: whoever holds a turn is the only thread inside. Reentrant, so work that
/// asks the keychain again from inside its own turn goes on instead of waiting for itself; not
/// poisoned, since a caller that panicked held nothing but the turn.
pub(crate) struct Turns(ReentrantMutex<()>);

impl Turns {
    /// An empty queue (usable in a `static`).
    pub(crate) const fn new() -> Self {
        Turns(parking_lot::const_reentrant_mutex(()))
    }

    /// Runs `work` once no other thread's turn is running, and returns what it returned.
    pub(crate) fn take<T>(&self, work: impl FnOnce() -> T) -> T {
        let _turn = self.0.lock();
        work()
    }
}

/// The process-wide queue every keychain request goes through.
pub(crate) static KEYCHAIN: Turns = Turns::new();

#[cfg(test)]
mod tests {
    use super::Turns;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn never_two_callers_inside_at_once() {
        let turns = Arc::new(Turns::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (turns, inside, most) = (turns.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        turns.take(|| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            // Give the other threads every chance to come in meanwhile.
                            for _ in 0..4 {
                                std::thread::yield_now();
                            }
                            inside.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panic_inside_a_turn_does_not_block_the_next() {
        let turns = Arc::new(Turns::new());
        let panicking = turns.clone();
        let result = std::thread::spawn(move || panicking.take(|| panic!("boom"))).join();
        assert!(result.is_err());
        assert_eq!(turns.take(|| 7), 7);
    }

    #[test]
    fn work_may_take_a_turn_again_inside_its_own() {
        let turns = Arc::new(Turns::new());
        let nested = turns.clone();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(nested.take(|| nested.take(|| 3))).unwrap());
        // Bounded so a deadlock fails the test instead of hanging the suite.
        let answer = finished.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(answer, Ok(3), "a turn inside a turn waited for itself");
    }

    #[test]
    fn a_turn_returns_what_its_work_returned() {
        let turns = Turns::new();
        assert_eq!(turns.take(|| "answer"), "answer");
    }
}
