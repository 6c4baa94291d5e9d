//! How the journal's bytes reach its file: straight through, or (in debug builds and tests) cut
//! short the way a full disk or a vanished drive does, so recovery can be tested. The writer is
//! handed the journal's own locked handle rather than a copy, which a lock might not cover.

use std::fs::File;
use std::io::{self, Write};

/// Writes the journal's record lines into its file.
pub(super) trait JournalWriter: Send + std::fmt::Debug {
    /// Writes one whole record line; on an error, part of it may have reached the file.
    fn write_line(&mut self, file: &mut File, line: &[u8]) -> io::Result<()>;
}

/// The writer of every real run.
#[derive(Debug)]
pub(super) struct Direct;

impl JournalWriter for Direct {
    fn write_line(&mut self, file: &mut File, line: &[u8]) -> io::Result<()> {
        file.write_all(line)
    }
}

/// How much of the failing line still reaches the file.
#[cfg(any(test, debug_assertions))]
#[derive(Debug, Clone, Copy)]
pub(super) enum Cut {
    /// Half of it: a short write.
    Half,
    /// This many bytes of it (0: the write fails outright). Only unit tests choose a length.
    #[cfg_attr(not(test), allow(dead_code))]
    Bytes(usize),
}

/// Lets `lines_before` lines through, then writes part of the next one and fails, as a disk
/// filling up mid-write does. With `recovers`, later lines go through again (space freed, a
/// network drive back), which is what would glue a record onto the torn one.
#[cfg(any(test, debug_assertions))]
#[derive(Debug)]
pub(super) struct FaultyWriter {
    lines_before: u64,
    cut: Cut,
    recovers: bool,
    failed: bool,
}

#[cfg(any(test, debug_assertions))]
impl FaultyWriter {
    /// A writer that fails line `lines_before + 1` as `cut` says.
    pub(super) fn new(lines_before: u64, cut: Cut, recovers: bool) -> FaultyWriter {
        FaultyWriter {
            lines_before,
            cut,
            recovers,
            failed: false,
        }
    }
}

#[cfg(any(test, debug_assertions))]
impl JournalWriter for FaultyWriter {
    fn write_line(&mut self, file: &mut File, line: &[u8]) -> io::Result<()> {
        if self.lines_before > 0 || (self.failed && self.recovers) {
            self.lines_before = self.lines_before.saturating_sub(1);
            return file.write_all(line);
        }
        let keep = match self.cut {
            Cut::Half => line.len() / 2,
            Cut::Bytes(n) => n.min(line.len()),
        };
        file.write_all(&line[..keep])?;
        self.failed = true;
        Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "no space left on the device (simulated)",
        ))
    }
}
