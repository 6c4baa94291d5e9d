//! The page's JavaScript heap as JavaScriptCore itself reports it: with `JSC_logGC=1` in the
//! app's environment, every collection prints its kind when it starts and the heap's size when it
//! ends to stderr, which the harness writes to the driver's log. The size after a *full*
//! collection is what the page really holds; after an eden (young) one it is an upper bound (old
//! objects that died since the last full one still count). RSS can tell neither from garbage not
//! yet collected or memory the allocator has not yet handed back.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The environment variable (and value) that makes JavaScriptCore log its collections.
pub const ENABLE: (&str, &str) = ("JSC_logGC", "1");

/// A collection's end: which heap (JavaScriptCore prints its address), whether it was a full
/// one, and the heap's size after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// The heap's address as printed (one per VM: the page's, and any worker's).
    pub heap: String,
    /// A full collection (else an eden one).
    pub full: bool,
    /// The heap's size when the collection ended, KiB.
    pub after_kib: u64,
}

/// Reads a growing log from where it last stopped and picks out the ends of collections.
#[derive(Debug)]
pub struct GcLog {
    path: PathBuf,
    offset: u64,
    partial: String,
    /// Per heap: whether the collection under way is a full one.
    full_under_way: HashMap<String, bool>,
}

impl GcLog {
    /// Follows `path` from its start (it may not exist yet).
    pub fn new(path: &Path) -> GcLog {
        GcLog {
            path: path.to_owned(),
            offset: 0,
            partial: String::new(),
            full_under_way: HashMap::new(),
        }
    }

    /// The collections that ended since the last call.
    pub fn read(&mut self) -> Vec<Collection> {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.path) {
            let mut bytes = Vec::new();
            if f.seek(SeekFrom::Start(self.offset)).is_ok() && f.read_to_end(&mut bytes).is_ok() {
                self.offset += bytes.len() as u64;
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        self.partial.push_str(&text);
        // Only whole lines: the rest waits for the next read.
        let Some(cut) = self.partial.rfind('\n') else {
            return Vec::new();
        };
        let whole: String = self.partial.drain(..=cut).collect();
        whole.lines().filter_map(|l| self.line(l)).collect()
    }

    /// Folds one log line in; returns a collection when the line ends one.
    fn line(&mut self, line: &str) -> Option<Collection> {
        // Several processes write to the same log, so a line may carry others' text before ours.
        let at = line.find("[GC<")?;
        let rest = &line[at + 4..];
        let (heap, rest) = rest.split_once(">: ")?;
        if rest.starts_with("START ") {
            let kind = rest.split(" => ").nth(1)?;
            self.full_under_way
                .insert(heap.to_owned(), kind.starts_with("FullCollection"));
        }
        // A short collection starts and ends on the same line.
        if !rest.contains(" END]") {
            return None;
        }
        // An end whose start was not seen (the log began mid-collection) is left out.
        let full = self.full_under_way.remove(heap)?;
        // "… => 1433kb, p=1.25ms …": the last "=> Nkb," is the size after.
        let after = rest.rsplit(" => ").next()?;
        let kib = after.split_once("kb,")?.0.trim().parse().ok()?;
        Some(Collection {
            heap: heap.to_owned(),
            full,
            after_kib: kib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Lines as JavaScriptCore (WebKitGTK 2.4x) prints them, the full one shortened.
    const EDEN: &str = "[GC<0x7f9f544120c0>: START M 2481kb => EdenCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=0 b=0 i#1:N<CsMsrShDMsm(0)> 512+0 p=1.164000ms (max 1.164000)...]\n[GC<0x7f9f544120c0>: M a=0kb hf=0.000 mu=0.600 v=872kb (C:642 M:0 P1:230) o=3 b=0 i#2:N<WsOJw> 188+0 v=882kb (C:652 M:0 P1:230) o=3 b=0 i#3:P<WsOJwMsrShCsDMsm(0)CbDomo> => 1433kb, p=1.251000ms (max 1.251000), cycle 4.301000ms END]\n";
    const FULL: &str = "[GC<0x7f9f544120c0>: START M 612345kb => FullCollection, a=0kb hf=0.000 mu=0.600 v=0kb ...]\n[GC<0x7f9f544120c0>: M a=0kb v=9kb => 498765kb, p=30.1ms (max 30.1), cycle 80.2ms END]\n";

    fn log_with(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("driver.log");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn each_collection_is_reported_with_its_kind_and_size_after() {
        let (_d, path) = log_with(&format!("{EDEN}{FULL}{EDEN}"));
        let got = GcLog::new(&path).read();
        let c = |full, after_kib| Collection {
            heap: "0x7f9f544120c0".into(),
            full,
            after_kib,
        };
        assert_eq!(got, vec![c(false, 1433), c(true, 498_765), c(false, 1433)]);
    }

    #[test]
    fn a_collection_on_one_line_counts() {
        let one = "[GC<0x7fa45d4110c0>: START M 78737kb => EdenCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=4 b=0 i#1:P<WsOJw> => 68557kb, p=1.2ms (max 30.0), cycle 2.5ms END]\nGC END!\n";
        let (_d, path) = log_with(&format!("{one}{FULL}"));
        let got = GcLog::new(&path).read();
        let sizes: Vec<_> = got.iter().map(|c| (c.full, c.after_kib)).collect();
        assert_eq!(sizes, vec![(false, 68_557), (true, 498_765)]);
    }

    #[test]
    fn an_end_without_its_start_is_left_out() {
        let (_, end) = FULL.split_once('\n').unwrap();
        let (_d, path) = log_with(&format!("{end}\n{EDEN}"));
        let got = GcLog::new(&path).read();
        assert_eq!(got.len(), 1);
        assert!(!got[0].full);
    }

    #[test]
    fn a_line_half_written_waits_for_its_end_and_nothing_is_read_twice() {
        let (half, rest) = FULL.split_at(FULL.len() - 20);
        let (_d, path) = log_with(half);
        let mut log = GcLog::new(&path);
        assert!(log.read().is_empty());
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut f, rest.as_bytes()).unwrap();
        assert_eq!(log.read().len(), 1);
        assert!(log.read().is_empty());
    }

    #[test]
    fn another_heaps_eden_collection_between_does_not_change_the_kind() {
        let other = EDEN.replace("0x7f9f544120c0", "0x7fce024110c0");
        let (start, end) = FULL.split_once('\n').unwrap();
        let (_d, path) = log_with(&format!("{start}\n{other}{end}\n"));
        let got = GcLog::new(&path).read();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].heap, "0x7f9f544120c0");
        assert!(got[1].full);
    }
}
