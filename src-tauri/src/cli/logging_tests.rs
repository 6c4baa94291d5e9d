use super::*;
use tracing_subscriber::layer::SubscriberExt;

#[test]
fn only_the_admin_field_keeps_an_email() {
    let line = "INFO run started admin=boss@example.com site=https://acme.atlassian.net rows=3";
    assert_eq!(scrub(line), line, "nothing to hide is left as it is");
    let quoted = r#"INFO checked admin="boss@example.com" account_id=5b10"#;
    assert_eq!(scrub(quoted), quoted);
    assert_eq!(
        scrub("WARN failed error=no user ann.lee+x@example.org here; admin=boss@example.com"),
        "WARN failed error=no user <email> here; admin=boss@example.com"
    );
    // Not an admin field: a longer name, or an address anywhere else.
    assert_eq!(
        scrub("subadmin=ann@example.org notadmin_admin=bob@example.org"),
        "subadmin=<email> notadmin_admin=<email>"
    );
    assert_eq!(
        scrub("reason=\"Zoë <zoe@müller.de>, (bob@x.io)\""),
        "reason=\"Zoë <<email>>, (<email>)\""
    );
    assert_eq!(
        scrub("proxy http://user:pa55@proxy.corp:8080 refused"),
        "proxy <email> refused",
        "credentials in a URL go too"
    );
    assert_eq!(
        scrub("a @ alone, x@ and @y stay"),
        "a @ alone, x@ and @y stay"
    );
}

#[test]
fn credentials_are_hidden() {
    assert_eq!(
        scrub("authorization: Basic YWRtaW5AZXhhbXBsZS5jb206c2VjcmV0 sent"),
        "authorization: Basic <hidden> sent"
    );
    assert_eq!(
        scrub("bearer eyJhbGciOiJIUzI1NiJ9.e30.x"),
        "bearer <hidden>"
    );
    assert_eq!(
        scrub("token=ATATT3xFfGF0aBcDeFgHiJkLmNoP"),
        "token=<hidden>"
    );
    assert_eq!(scrub("Basic auth failed"), "Basic auth failed");
}

#[test]
fn the_older_file_keeps_its_extension() {
    assert_eq!(
        older(Path::new("/l/offboard.log")),
        Path::new("/l/offboard.old.log")
    );
    assert_eq!(older(Path::new("/l/run")), Path::new("/l/run.old"));
}

fn size(p: &Path) -> u64 {
    fs::metadata(p).map_or(0, |m| m.len())
}

/// The lines of a log file after its first one, which may be the set-aside note.
fn lines_after_note(p: &Path) -> (String, Vec<String>) {
    let text = fs::read_to_string(p).unwrap_or_default();
    let mut lines = text.lines().map(str::to_owned);
    let first = lines.next().unwrap_or_default();
    (first, lines.collect())
}

#[test]
fn the_file_is_moved_aside_at_its_limit_and_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs").join("offboard.log");
    // Numbered lines of 100 bytes.
    let line = |i: usize| format!("{:<99}\n", format!("line {i}"));
    let mut log = LogFile::open(&path, 1000).unwrap();
    for i in 0..25 {
        log.write(line(i).as_bytes()).unwrap();
    }
    assert!(size(&path) <= 1000, "{}", size(&path));
    assert!(size(&older(&path)) <= 1000, "{}", size(&older(&path)));
    // Set aside twice: the older file began at the first move, this one at the second, which
    // replaced the first file's lines; each says so on its first line.
    let (note_older, kept_older) = lines_after_note(&older(&path));
    let (note_now, kept_now) = lines_after_note(&path);
    assert!(
        note_older.ends_with("INFO offboard::log: older lines were moved to offboard.old.log"),
        "{note_older}"
    );
    assert!(
        note_now.ends_with(
            "INFO offboard::log: older lines were moved to offboard.old.log; the lines before \
             those were dropped (the log keeps two files of up to 1000 bytes)"
        ),
        "{note_now}"
    );
    // What is kept is the newest lines, whole and in order; only the oldest were dropped.
    let kept: Vec<String> = kept_older.into_iter().chain(kept_now).collect();
    let newest: Vec<String> = (25 - kept.len()..25)
        .map(|i| line(i).trim_end_matches('\n').to_owned())
        .collect();
    assert_eq!(kept, newest);
    assert!(kept.len() >= 10, "{}", kept.len());
    drop(log);

    // A file left large by an earlier session is set aside before anything is written.
    fs::write(&path, vec![b'y'; 1500]).unwrap();
    let mut log = LogFile::open(&path, 1000).unwrap();
    log.write(line(25).as_bytes()).unwrap();
    assert_eq!(size(&older(&path)), 1500);
    let (note, kept) = lines_after_note(&path);
    assert!(
        note.contains("the lines before those were dropped"),
        "{note}"
    );
    assert_eq!(kept, [line(25).trim_end_matches('\n')]);
}

#[test]
fn a_log_that_cannot_be_renamed_is_emptied_and_says_its_lines_were_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offboard.log");
    // A folder in the older file's place: the rename is refused, as a locked file on Windows.
    fs::create_dir(older(&path)).unwrap();
    fs::write(older(&path).join("x"), "x").unwrap();
    fs::write(&path, vec![b'y'; 1500]).unwrap();
    let mut log = LogFile::open(&path, 1000).unwrap();
    log.write(b"next\n").unwrap();
    let (note, kept) = lines_after_note(&path);
    assert!(
        note.ends_with(
            "older lines were dropped: this file reached 1000 bytes and could not be renamed to \
             offboard.old.log"
        ),
        "{note}"
    );
    assert_eq!(kept, ["next"]);
}

#[test]
fn the_about_box_is_told_the_rule_and_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offboard.log");
    let kept = LogKept::of(&path);
    assert_eq!(
        (kept.bytes, kept.older_bytes, kept.limit),
        (0, None, LOG_LIMIT)
    );
    assert_eq!(
        kept.words(),
        "offboard.log holds 0 bytes now; there is no offboard.old.log yet. When offboard.log \
         reaches 10 MB, it becomes offboard.old.log (replacing the one before, whose lines are \
         then dropped) and a new offboard.log begins with a line saying so: the log never takes \
         more than 20 MB."
    );
    fs::write(&path, vec![b'x'; 2048]).unwrap();
    fs::write(older(&path), vec![b'x'; 3 * 1024 * 1024]).unwrap();
    let kept = LogKept::of(&path);
    assert_eq!(
        (kept.bytes, kept.older_bytes),
        (2048, Some(3 * 1024 * 1024))
    );
    assert_eq!(kept.older_file, dir.path().join("offboard.old.log"));
    assert!(
        kept.words().starts_with(
            "offboard.log holds 2 KB now; offboard.old.log holds 3 MB of older lines. When"
        ),
        "{}",
        kept.words()
    );
}

#[test]
fn events_reach_the_file_scrubbed_with_the_app_at_info_and_http_details_hidden() {
    // `OFFBOARD_LOG` would change the filter; this test checks the default one.
    if std::env::var_os("OFFBOARD_LOG").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offboard.log");
    let layer = file_layer(SafeLog::open(&path, LOG_LIMIT).unwrap());
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || {
        const ENGINE: &str = "offboard::sweep::engine";
        tracing::info!(target: ENGINE, admin = %"boss@example.com", "run started");
        tracing::info!(target: ENGINE, reason = "gone: ann@example.org", "retrying");
        tracing::debug!(target: "offboard::atlassian::client", status = 204, "reply");
        tracing::info!(target: "hyper", "chatter from a dependency");
        tracing::warn!(target: "tao", "a dependency's warning");
    });
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("run started admin=boss@example.com"),
        "{text}"
    );
    assert!(text.contains("retrying reason=\"gone: <email>\""), "{text}");
    assert!(!text.contains("ann@"), "{text}");
    assert!(
        !text.contains("reply") && !text.contains("chatter"),
        "{text}"
    );
    assert!(text.contains("a dependency's warning"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes in a file: {text}"
    );
}
