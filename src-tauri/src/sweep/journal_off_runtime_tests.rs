//! A slow journal write (an fsync on a network drive) must not hold up the async runtime: the
//! engine writes on a blocking thread, so other tasks, the window's commands among them, go on.

use super::writer::JournalWriter;
use super::*;
use crate::sweep::runs::Run;
use crate::sweep::tests_engine::{collect, ids, plan_of, Scripted};
use crate::sweep::{execute, Guard, RunControl, RunOptions};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How long the gated write waits to be released before giving up on its own: only a bound, so
/// the test ends even when the write blocks the very thread that would release it.
const GIVE_UP: Duration = Duration::from_secs(10);

/// Lets `lines_before` lines through, then holds the next write until the test releases it.
#[derive(Debug)]
struct Gate {
    lines_before: u64,
    entered: mpsc::Sender<()>,
    release: mpsc::Receiver<()>,
    released_by_test: Arc<AtomicBool>,
}

impl JournalWriter for Gate {
    fn write_line(&mut self, file: &mut File, line: &[u8]) -> io::Result<()> {
        if self.lines_before == 0 {
            self.lines_before = u64::MAX;
            let _ = self.entered.send(());
            if self.release.recv_timeout(GIVE_UP).is_ok() {
                self.released_by_test.store(true, Ordering::SeqCst);
            }
        } else {
            self.lines_before = self.lines_before.saturating_sub(1);
        }
        file.write_all(line)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_journal_write_leaves_the_runtime_free() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = ids(3);
    let created = Run::create(tmp.path(), plan_of(&ids, 50.0, 2)).unwrap();
    let (dir, plan) = (created.dir.clone(), created.plan.clone());
    drop(created);
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let released_by_test = Arc::new(AtomicBool::new(false));
    let gate = Gate {
        // The session record goes through; the first intent is held.
        lines_before: 1,
        entered: entered_tx,
        release: release_rx,
        released_by_test: released_by_test.clone(),
    };
    let (journal, state) = Journal::open_with(&dir, Box::new(gate)).unwrap();
    let run = Run {
        dir,
        plan,
        journal,
        state,
    };
    let site = Scripted::with(&[]);
    let (events, _) = collect();
    let engine = tokio::spawn(execute(
        site.clone(),
        run,
        RunOptions::new(Guard::caller_only("me")),
        RunControl::new(),
        events,
    ));
    // This task runs on the runtime's only thread: it gets to release the write only if the
    // write is not holding that thread.
    loop {
        if entered_rx.try_recv().is_ok() {
            let _ = release_tx.send(());
            break;
        }
        assert!(
            !engine.is_finished(),
            "the run ended without writing its first intent"
        );
        tokio::task::yield_now().await;
    }
    let report = engine.await.unwrap().unwrap();
    assert!(
        released_by_test.load(Ordering::SeqCst),
        "the journal write blocked the runtime's thread until it gave up"
    );
    assert_eq!(report.counters.removed, 3);
}
