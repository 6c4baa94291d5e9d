//! The org API key: a wrong key and a key made with scopes stop before any write (exit 3, in
//! words), the key never appears in any output or file, and `org key set|forget` keeps it in
//! the real keychain.

use crate::common::*;
use crate::*;
use offboard::practice::{Faults, PracticeConfig};
use offboard::vault::{OsKeychain, TokenStore, VaultKey};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_stops_with_exit_3_and_sends_no_write() {
    let (setup, _, csv) = plain_site(PracticeConfig::generated(20, 31)).await;
    let wrong = format!("WrongOrgKeyProbe{}", uuid::Uuid::new_v4().simple());
    let mut cmd = act_cmd(
        &setup,
        "suspend",
        &["--yes", "--csv", csv.to_str().unwrap()],
    );
    cmd.env("OFFBOARD_ORG_API_KEY", &wrong);
    let out = run(cmd).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("refused this organization API key"),
        "{stderr}"
    );
    assert!(
        !stdout.contains(&wrong) && !stderr.contains(&wrong),
        "the key was echoed"
    );
    assert!(no_writes(&setup));
    assert!(run_dirs(&setup).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_with_scopes_lists_users_with_a_warning_and_is_refused_for_actions() {
    let mut config = PracticeConfig::generated(20, 33);
    config.scoped_org_key = Some(format!("ScopedOrgKey{}", uuid::Uuid::new_v4().simple()));
    let (setup, _, csv) = plain_site(config).await;
    let scoped = setup.config.scoped_org_key.clone().unwrap();
    let mut users = org_cmd(&setup, "users");
    users.env("OFFBOARD_ORG_API_KEY", &scoped);
    let out = run(users).await;
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Warning:") && stderr.contains("without scopes"),
        "{stderr}"
    );
    assert!(stdout.lines().count() > 10, "{stdout}");

    for action in ["suspend", "remove"] {
        let mut cmd = act_cmd(&setup, action, &["--yes", "--csv", csv.to_str().unwrap()]);
        cmd.env("OFFBOARD_ORG_API_KEY", &scoped);
        let out = run(cmd).await;
        let (_, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(3), "{action}: {stderr}");
        assert!(stderr.contains("without scopes"), "{stderr}");
        assert!(!stderr.contains(&scoped), "the key was echoed");
    }
    assert!(no_writes(&setup));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_is_in_no_output_log_results_or_journal() {
    let mut config = PracticeConfig::generated(40, 35);
    config.org_api_key = format!("OrgKeyLeakProbe{}", uuid::Uuid::new_v4().simple());
    // Error paths log the most: the run meets faults, retries and read-backs.
    config.faults = Faults {
        p_503_bare: 0.1,
        p_500: 0.1,
        p_drop: 0.1,
        ..Faults::default()
    };
    config.latency = Duration::from_millis(20);
    let (setup, _, csv) = plain_site(config).await;
    let key = setup.config.org_api_key.clone();
    let leaks = |what: &str, bytes: &[u8]| {
        assert!(
            !contains_bytes(bytes, key.as_bytes()),
            "the key leaked into {what}"
        );
    };
    let log = setup.tmp.path().join("logs").join("offboard.log");
    let traced = |mut cmd: tokio::process::Command| {
        cmd.env("OFFBOARD_LOG", "trace").arg("--log-file").arg(&log);
        cmd
    };
    let csv = csv.to_str().unwrap();
    let results_copy = setup.tmp.path().join("copy.csv");
    let results_copy = results_copy.to_str().unwrap();
    let before = run_dirs(&setup);
    let suspend = act_cmd(
        &setup,
        "suspend",
        &[
            "--yes",
            "--csv",
            csv,
            "--max-rate",
            "50",
            "--results",
            results_copy,
        ],
    );
    let mut child = traced(suspend)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    poll_until(60, "the first write", || !org_writes(&setup).is_empty()).await;
    leaks(
        "the argument list",
        &std::fs::read(format!("/proc/{pid}/cmdline")).unwrap(),
    );
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (out, err) = tokio::join!(read_all(stdout), read_all(stderr));
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&err)
    );
    leaks("stdout", &out);
    leaks("stderr", &err);
    assert!(err.len() > 1000, "trace logging was on");
    let suspend_run = new_run(&setup, &before);

    // The other commands that print: users, a dry run, a restore from the run, a resume.
    let run_arg = suspend_run.to_str().unwrap();
    for cmd in [
        org_cmd(&setup, "users"),
        act_cmd(&setup, "remove", &["--csv", csv, "--dry-run"]),
        act_cmd(
            &setup,
            "restore",
            &["--from-run", run_arg, "--yes", "--max-rate", "50"],
        ),
        resume_cmd(&setup, &suspend_run),
    ] {
        let out = run(traced(cmd)).await;
        leaks("a command's stdout", &out.stdout);
        leaks("a command's stderr", &out.stderr);
    }
    let text = std::fs::read(&log).expect("the log file was written");
    assert!(text.len() > 1000, "the log file has the runs");
    let files = files_under(setup.tmp.path());
    for f in &files {
        leaks(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
    assert!(files.len() >= 8, "the runs' files were scanned: {files:?}");
}

async fn read_all(mut from: impl tokio::io::AsyncRead + Unpin) -> Vec<u8> {
    let mut buf = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut from, &mut buf)
        .await
        .unwrap();
    buf
}

/// Forgets the key when dropped, so a failed assertion leaves nothing in the keychain.
struct Forget(String);

impl Drop for Forget {
    fn drop(&mut self) {
        let _ = OsKeychain::new().forget(&VaultKey::for_org(&self.0));
    }
}

/// `org key set|forget` against the real keychain (like the keychain suite, this test needs a
/// reachable, unlocked one: on a headless Linux machine run it inside `.ci/with-keyring`), then
/// `org users` finding the key there with no environment variable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_key_set_keeps_the_key_in_the_keychain_and_forget_removes_it() {
    let mut config = PracticeConfig::generated(10, 37);
    config.org_id = uuid::Uuid::new_v4().to_string();
    config.org_api_key = format!("KeychainOrgKey{}", uuid::Uuid::new_v4().simple());
    let setup = Setup::start(config).await;
    let org = setup.site.org_id();
    if let Err(e) = OsKeychain::new().has(&VaultKey::for_org(&org)) {
        panic!(
            "This test needs a real, unlocked keychain and none could be used.\n\
             On Linux run it as: .ci/with-keyring cargo test -p offboard --test cli_org\n\
             The keychain said: {e}"
        );
    }
    let _forget = Forget(org.clone());
    // The real keychain: the session bus is kept, and no key is in the environment.
    let bare = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.env_remove("OFFBOARD_ORG_API_KEY")
            .env("OFFBOARD_DATA_DIR", setup.tmp.path().join("data"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    };
    let mut set = bare(&["org", "key", "set", "--org", &org]);
    set.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = set.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = format!("{}\n", setup.config.org_api_key);
    tokio::io::AsyncWriteExt::write_all(&mut stdin, line.as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    let saved = OsKeychain::new()
        .load(&VaultKey::for_org(&org))
        .unwrap()
        .unwrap();
    assert_eq!(saved.expose(), setup.config.org_api_key);

    let users = ["org", "users", "--org", &org, "--api", &setup.site.url()];
    let out = run(bare(&users)).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);

    let out = run(bare(&["org", "key", "forget", "--org", &org])).await;
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    assert!(!OsKeychain::new().has(&VaultKey::for_org(&org)).unwrap());
    let out = run(bare(&users)).await;
    assert_eq!(out.status.code(), Some(2), "{}", texts(&out).1);
    assert!(
        texts(&out).1.contains("No organization API key"),
        "{}",
        texts(&out).1
    );
}
