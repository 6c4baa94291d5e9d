//! Where the log goes. The window has no terminal: it writes `<data>/logs/offboard.log`, the file
//! the About box names and an admin may send to support. Commands log to standard error, and
//! also to a file with `--log-file`.
//!
//! A log file is bounded (moved aside to `offboard.old.log` once it reaches [`LOG_LIMIT`], at
//! start-up or while writing, so at most two files of that size exist; the new file's first line
//! says so, and that the lines before were dropped) and every line is
//! scrubbed before it is written: an email address is kept only as the value of an `admin` field
//! (the signed-in admin's, logged on purpose); any other, and anything that looks like a
//! credential, is replaced. The engine logs row numbers and account ids, never names or emails.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Largest size of a log file before it is moved aside (replacing the older one).
pub const LOG_LIMIT: u64 = 10 * 1024 * 1024;

/// A log file's filter unless `OFFBOARD_LOG` says otherwise: Offboard's own events from `info`
/// (connection checks, run starts and ends, throttles, retries, errors), other crates' from
/// `warn`. The request-by-request lines are `debug` (`OFFBOARD_LOG=offboard=debug`).
pub const FILE_FILTER: &str = "warn,offboard=info";

/// The terminal's filter unless `OFFBOARD_LOG` says otherwise: warnings only, so the progress
/// bar is not broken up by the run's ordinary events.
const TERMINAL_FILTER: &str = "warn";

/// The window's logging, to [`crate::paths::log_file`]. Best effort: a window that cannot log
/// still opens.
pub fn init_window(practice: bool) {
    let Ok(log) = SafeLog::open(&crate::paths::log_file(), LOG_LIMIT) else {
        return;
    };
    if tracing_subscriber::registry()
        .with(file_layer(log))
        .try_init()
        .is_ok()
    {
        opened("window", practice);
    }
}

/// A command's logging: standard error, and `log_file` when given. A log file that cannot be
/// opened is said once on standard error; the command goes on.
pub fn init_command(log_file: Option<&Path>) {
    let file = log_file.and_then(|path| match SafeLog::open(path, LOG_LIMIT) {
        Ok(log) => Some(file_layer(log)),
        Err(e) => {
            eprintln!(
                "offboard: cannot write the log file {}: {e}",
                path.display()
            );
            None
        }
    });
    let terminal = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
        .with_filter(filter(TERMINAL_FILTER));
    let logs_to_file = file.is_some();
    if tracing_subscriber::registry()
        .with(terminal)
        .with(file)
        .try_init()
        .is_ok()
        && logs_to_file
    {
        opened("command", false);
    }
}

/// The first line of each session in a log file: which build, on which system.
fn opened(what: &str, practice: bool) {
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        practice,
        "Offboard {what} started"
    );
}

/// `OFFBOARD_LOG` if set and valid, else `default`.
fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env("OFFBOARD_LOG").unwrap_or_else(|_| EnvFilter::new(default))
}

/// The layer writing plain lines to a scrubbed, bounded log file.
pub fn file_layer<S>(log: SafeLog) -> impl Layer<S> + Send + Sync
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span>,
{
    tracing_subscriber::fmt::layer()
        .with_writer(log)
        .with_ansi(false)
        .with_filter(filter(FILE_FILTER))
}

/// A log file behind a lock; each event is scrubbed ([`scrub`]) before it is written.
pub struct SafeLog(Mutex<LogFile>);

impl SafeLog {
    /// Opens (creating it and its folder) the log file at `path`, moved aside first when it is
    /// already `limit` bytes or more.
    pub fn open(path: &Path, limit: u64) -> io::Result<SafeLog> {
        LogFile::open(path, limit).map(|f| SafeLog(Mutex::new(f)))
    }
}

impl<'a> MakeWriter<'a> for SafeLog {
    type Writer = SafeWriter<'a>;

    fn make_writer(&'a self) -> SafeWriter<'a> {
        SafeWriter(&self.0)
    }
}

/// Writes one formatted event (the fmt layer hands over each event whole).
pub struct SafeWriter<'a>(&'a Mutex<LogFile>);

impl Write for SafeWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let safe = scrub(&text);
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .write(safe.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing is buffered: each event is written straight to the file, so a crash loses none.
        Ok(())
    }
}

/// An append-only file that is moved aside once it would pass its limit.
struct LogFile {
    path: PathBuf,
    file: File,
    len: u64,
    limit: u64,
}

impl LogFile {
    fn open(path: &Path, limit: u64) -> io::Result<LogFile> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let aside = fs::metadata(path)
            .is_ok_and(|m| m.len() >= limit)
            .then(|| set_aside(path));
        let file = append(path)?;
        let len = file.metadata()?.len();
        let mut log = LogFile {
            path: path.to_owned(),
            file,
            len,
            limit,
        };
        if let Some(aside) = aside {
            log.note(aside)?;
        }
        Ok(log)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.len > 0 && self.len + bytes.len() as u64 > self.limit {
            let aside = set_aside(&self.path);
            self.file = append(&self.path)?;
            self.len = self.file.metadata()?.len();
            self.note(aside)?;
        }
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// The first line of a file begun at the limit: where the earlier lines went, so no line
    /// leaves the log without a word about it.
    fn note(&mut self, aside: SetAside) -> io::Result<()> {
        let older = older(&self.path);
        let older = older.file_name().unwrap_or_default().to_string_lossy();
        let limit = crate::sweep::size_words(self.limit);
        let words = match aside {
            SetAside::Moved { replaced: true } => format!(
                "older lines were moved to {older}; the lines before those were dropped (the log \
                 keeps two files of up to {limit})"
            ),
            SetAside::Moved { replaced: false } => format!("older lines were moved to {older}"),
            SetAside::Emptied => format!(
                "older lines were dropped: this file reached {limit} and could not be renamed \
                 to {older}"
            ),
        };
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let line = format!("{now}  INFO offboard::log: {words}\n");
        self.file.write_all(line.as_bytes())?;
        self.len += line.len() as u64;
        Ok(())
    }
}

fn append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// What setting a full log aside did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetAside {
    /// Renamed to the older name; `replaced`: an older file was there and is gone.
    Moved { replaced: bool },
    /// Emptied in place, the rename refused.
    Emptied,
}

/// Moves the log to its older name, replacing the older file. Where that is refused (another
/// program holds either file open on Windows) the log is emptied instead: bounded either way.
fn set_aside(path: &Path) -> SetAside {
    let replaced = older(path).exists();
    if fs::rename(path, older(path)).is_ok() {
        return SetAside::Moved { replaced };
    }
    let _ = OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(0));
    SetAside::Emptied
}

/// What a log file and its older one hold now, and the rule that bounds them: for the About box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKept {
    /// The log file.
    pub file: PathBuf,
    /// Its size now (0 when there is none yet).
    pub bytes: u64,
    /// The older file (`offboard.old.log`).
    pub older_file: PathBuf,
    /// Its size, when there is one.
    pub older_bytes: Option<u64>,
    /// The size at which the log is set aside.
    pub limit: u64,
}

impl LogKept {
    /// The sizes of the log at `path` and of its older file, under the window's limit.
    pub fn of(path: &Path) -> LogKept {
        let size = |p: &Path| fs::metadata(p).ok().map(|m| m.len());
        LogKept {
            file: path.to_owned(),
            bytes: size(path).unwrap_or(0),
            older_file: older(path),
            older_bytes: size(&older(path)),
            limit: LOG_LIMIT,
        }
    }

    /// The rule in words, with the sizes now.
    pub fn words(&self) -> String {
        let name = |p: &Path| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        };
        let (file, older) = (name(&self.file), name(&self.older_file));
        let size = crate::sweep::size_words;
        let older_now = match self.older_bytes {
            Some(b) => format!("{older} holds {} of older lines", size(b)),
            None => format!("there is no {older} yet"),
        };
        format!(
            "{file} holds {} now; {older_now}. When {file} reaches {limit}, it becomes {older} \
             (replacing the one before, whose lines are then dropped) and a new {file} begins \
             with a line saying so: the log never takes more than {twice}.",
            size(self.bytes),
            limit = size(self.limit),
            twice = size(self.limit * 2),
        )
    }
}

/// `offboard.log` → `offboard.old.log`: the older file keeps an extension that opens in an editor.
pub fn older(path: &Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.old.{}", ext.to_string_lossy()),
        None => format!("{stem}.old"),
    };
    path.with_file_name(name)
}

/// What replaces an email address that is not the signed-in admin's.
pub const EMAIL_MARK: &str = "<email>";
/// What replaces a credential.
pub const SECRET_MARK: &str = "<hidden>";

/// A log text made safe to send to support: an email address is kept only as the value of an
/// `admin` field (`admin=x@y` or `admin="x@y"`); every other one becomes [`EMAIL_MARK`]. The word
/// after `Basic` or `Bearer` (an Authorization header's value) and a word that looks like an
/// Atlassian API token (`ATATT…`) become [`SECRET_MARK`]. Text without any is returned as it is.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut previous: &str = "";
    for (start, word) in words(text) {
        let replace = if is_credential(previous, word) {
            Some(SECRET_MARK)
        } else if is_email(word) && !is_admin_field(&text[..start]) {
            Some(EMAIL_MARK)
        } else {
            None
        };
        if let Some(mark) = replace {
            out.push_str(&text[copied..start]);
            out.push_str(mark);
            copied = start + word.len();
        }
        previous = word;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The words of a text with their byte offsets: runs of characters that may belong to an
/// address or a token (`user:password@host` stays one word, `admin=x` is two).
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_break = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '"' | '\'' | '`' | '<' | '>' | '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '='
            )
    };
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.next_if(|(_, c)| is_break(*c)).is_some() {}
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some((i, c)) = rest.next_if(|(_, c)| !is_break(*c)) {
            end = i + c.len_utf8();
        }
        Some((start, &text[start..end]))
    })
}

/// Something `@` something: an address, or credentials in a URL; either way not for the log.
fn is_email(word: &str) -> bool {
    word.split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

fn is_credential(previous: &str, word: &str) -> bool {
    let scheme = ["basic", "bearer"]
        .iter()
        .any(|s| previous.eq_ignore_ascii_case(s));
    (scheme && word.len() >= 8) || (word.starts_with("ATATT") && word.len() >= 16)
}

/// True when `before` ends with an `admin=` field name (a quote after it allowed).
fn is_admin_field(before: &str) -> bool {
    let before = before.strip_suffix('"').unwrap_or(before);
    before.strip_suffix("admin=").is_some_and(|head| {
        !head
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
}

#[cfg(test)]
#[path = "logging_tests.rs"]
mod tests;
