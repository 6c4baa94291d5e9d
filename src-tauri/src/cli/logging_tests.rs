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

#[test]
fn the_file_is_moved_aside_at_its_limit_and_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs").join("offboard.log");
    let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
    let mut log = LogFile::open(&path, 1000).unwrap();
    for _ in 0..25 {
        log.write(&line).unwrap();
    }
    let size = |p: &Path| fs::metadata(p).map_or(0, |m| m.len());
    assert!(size(&path) <= 1000, "{}", size(&path));
    assert_eq!(size(&older(&path)), 1000, "ten lines went aside whole");
    assert_eq!(size(&path), 500, "the newest lines stay in the file");
    drop(log);

    // A file left large by an earlier session is set aside before anything is written.
    fs::write(&path, vec![b'y'; 1500]).unwrap();
    let mut log = LogFile::open(&path, 1000).unwrap();
    log.write(&line).unwrap();
    assert_eq!((size(&path), size(&older(&path))), (100, 1500));
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
