//! The real OS keychain (Secret Service on Linux) through `offboard::vault::OsKeychain`.
//!
//! This suite always runs and always needs a reachable, unlocked keychain: without one every
//! test FAILS with a message saying so (it never passes silently). On a headless Linux machine
//! or in CI, run it inside a throwaway gnome-keyring:
//!
//!     .ci/with-keyring cargo test -p offboard --test keychain
//!
//! On a desktop it uses the user's own keychain. Every test works on its own random
//! site/email (uuid), so parallel runs never clash, and deletes what it saved even when it
//! fails (see `Cleanup`).

use offboard::vault::{
    token_from_sources, ApiToken, OsKeychain, TokenSource, TokenStore, VaultKey, KEYCHAIN_SERVICE,
};

/// A unique key for this run: `<label>-<uuid>@example.com on https://kc-<uuid>.atlassian.net`.
fn unique_key(label: &str) -> VaultKey {
    let run = uuid::Uuid::new_v4().simple().to_string();
    VaultKey::new(
        &format!("https://kc-{run}.atlassian.net"),
        &format!("{label}-{run}@example.com"),
    )
}

/// The keychain, after checking it can be reached: fails loudly (never skips) when it cannot.
fn keychain() -> OsKeychain {
    let keychain = OsKeychain::new();
    if let Err(err) = keychain.has(&unique_key("probe")) {
        panic!(
            "This suite needs a real, unlocked keychain and none could be used.\n\
             On Linux run it as: .ci/with-keyring cargo test -p offboard --test keychain\n\
             The keychain said: {err}"
        );
    }
    keychain
}

/// Forgets the given keys when dropped, so a failed assertion leaves nothing behind.
struct Cleanup(Vec<VaultKey>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for key in &self.0 {
            let _ = OsKeychain::new().forget(key);
        }
    }
}

#[test]
fn save_has_load_forget_round_trip() {
    let store = keychain();
    let key = unique_key("admin");
    let _cleanup = Cleanup(vec![key.clone()]);
    let token = ApiToken::new(format!("ATATT-{}", uuid::Uuid::new_v4()));

    assert!(!store.has(&key).unwrap(), "fresh key already present");
    store.save(&key, &token).unwrap();
    assert!(store.has(&key).unwrap());
    assert_eq!(store.load(&key).unwrap().unwrap().expose(), token.expose());

    // A new instance (as after a restart) reads the same entry from the keychain.
    let later = OsKeychain::new();
    assert!(later.has(&key).unwrap());
    assert_eq!(later.load(&key).unwrap().unwrap().expose(), token.expose());

    assert!(
        later.forget(&key).unwrap(),
        "forget reported nothing deleted"
    );
    assert!(!store.has(&key).unwrap());
    assert!(store.load(&key).unwrap().is_none());
    assert!(
        !store.forget(&key).unwrap(),
        "second forget deleted something"
    );
}

#[test]
fn entry_is_filed_under_offboard_and_a_readable_account() {
    let store = keychain();
    let key = unique_key("named");
    let _cleanup = Cleanup(vec![key.clone()]);
    store.save(&key, &ApiToken::new("named-token")).unwrap();

    // What Keychain Access / Seahorse show: service "Offboard", account "<email> on <site>".
    let account = format!("{} on {}", key.email(), key.site());
    let raw = keyring::Entry::new(KEYCHAIN_SERVICE, &account).unwrap();
    assert_eq!(KEYCHAIN_SERVICE, "Offboard");
    let stored = OsKeychain::exclusive(|| raw.get_password()).unwrap();
    assert_eq!(stored, "named-token");
}

#[test]
fn emails_on_one_site_and_sites_for_one_email_do_not_collide() {
    let store = keychain();
    let run = uuid::Uuid::new_v4().simple().to_string();
    let (site_a, site_b) = (
        format!("https://a-{run}.atlassian.net"),
        format!("https://b-{run}.atlassian.net"),
    );
    let (one, two) = (
        format!("one-{run}@example.com"),
        format!("two-{run}@example.com"),
    );
    let keys = [
        VaultKey::new(&site_a, &one),
        VaultKey::new(&site_a, &two),
        VaultKey::new(&site_b, &one),
    ];
    let _cleanup = Cleanup(keys.to_vec());
    let tokens = ["token-a-one", "token-a-two", "token-b-one"];
    for (key, token) in keys.iter().zip(tokens) {
        store.save(key, &ApiToken::new(token)).unwrap();
    }
    for (key, token) in keys.iter().zip(tokens) {
        assert_eq!(store.load(key).unwrap().unwrap().expose(), token, "{key}");
    }

    assert!(store.forget(&keys[0]).unwrap());
    assert!(!store.has(&keys[0]).unwrap());
    assert_eq!(store.load(&keys[1]).unwrap().unwrap().expose(), tokens[1]);
    assert_eq!(store.load(&keys[2]).unwrap().unwrap().expose(), tokens[2]);
}

#[test]
fn unicode_and_special_characters_round_trip() {
    let store = keychain();
    let key = unique_key("unicode");
    let _cleanup = Cleanup(vec![key.clone()]);
    let text = "Zürich-ß-日本語-🙂 \"q\" 'a' \\b\\ $HOME %s {} <t> &amp; ;|=+/\ttab";
    store.save(&key, &ApiToken::new(text)).unwrap();
    assert_eq!(
        OsKeychain::new().load(&key).unwrap().unwrap().expose(),
        text
    );
}

#[test]
fn saving_again_replaces_rather_than_duplicates() {
    let store = keychain();
    let key = unique_key("replace");
    let _cleanup = Cleanup(vec![key.clone()]);
    store.save(&key, &ApiToken::new("first")).unwrap();
    store.save(&key, &ApiToken::new("second")).unwrap();
    assert_eq!(store.load(&key).unwrap().unwrap().expose(), "second");
    // One forget clears it: a duplicate entry would still be found afterwards.
    assert!(store.forget(&key).unwrap());
    assert!(!store.has(&key).unwrap());
}

#[test]
fn the_same_admin_typed_differently_finds_the_entry() {
    let store = keychain();
    let key = unique_key("typed");
    let _cleanup = Cleanup(vec![key.clone()]);
    store.save(&key, &ApiToken::new("typed-token")).unwrap();
    let retyped = VaultKey::new(
        &format!(" {}/", key.site()),
        &format!("  {}\n", key.email().to_uppercase()),
    );
    assert_eq!(
        store.load(&retyped).unwrap().unwrap().expose(),
        "typed-token"
    );
}

#[test]
fn empty_token_is_refused_and_nothing_saved() {
    let store = keychain();
    let key = unique_key("empty");
    let _cleanup = Cleanup(vec![key.clone()]);
    assert!(store.save(&key, &ApiToken::new(" \n ")).is_err());
    assert!(!store.has(&key).unwrap());
}

#[test]
fn token_from_sources_prefers_the_keychain() {
    let store = keychain();
    let key = unique_key("sources");
    let _cleanup = Cleanup(vec![key.clone()]);
    store
        .save(&key, &ApiToken::new("kept-in-keychain"))
        .unwrap();
    // Whatever OFFBOARD_API_TOKEN holds on this machine, a saved token wins.
    let (token, source) = token_from_sources(&store, &key).unwrap().unwrap();
    assert_eq!(token.expose(), "kept-in-keychain");
    assert_eq!(source, TokenSource::Keychain);
}

/// A second item for the same entry, made behind Offboard's back (another tool, an old version),
/// while no other test of this binary is asking the keychain.
#[cfg(target_os = "linux")]
fn plant_duplicate(key: &VaultKey, secret: &str) {
    OsKeychain::exclusive(|| plant_duplicate_now(key, secret));
}

#[cfg(target_os = "linux")]
fn plant_duplicate_now(key: &VaultKey, secret: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let account = key.account();
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=Offboard duplicate",
            "service",
            KEYCHAIN_SERVICE,
        ])
        .args([
            "username",
            &account,
            "target",
            "default",
            "origin",
            "duplicate",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("secret-tool (apt: libsecret-tools) is needed to plant a duplicate entry");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(secret.as_bytes()).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success(), "secret-tool store failed");
}

#[cfg(target_os = "linux")]
#[test]
fn duplicate_entries_are_reported_and_forget_clears_them_all() {
    use offboard::vault::VaultError;
    let store = keychain();
    let key = unique_key("dupe");
    let _cleanup = Cleanup(vec![key.clone()]);
    store.save(&key, &ApiToken::new("original")).unwrap();
    plant_duplicate(&key, "impostor");

    let err = store.load(&key).unwrap_err();
    assert!(
        matches!(err, VaultError::Ambiguous { count: 2, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("impostor"), "{err}");
    assert!(store.has(&key).unwrap());

    assert!(store.forget(&key).unwrap());
    assert!(!store.has(&key).unwrap());
    assert!(store.load(&key).unwrap().is_none());
}

/// Practice mode is a sandbox: with the real keychain handed to it, it still neither reads,
/// writes nor deletes a single entry (DESIGN.md §5).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_mode_never_touches_the_real_keychain() {
    use offboard::app::state::PracticeMode;
    use offboard::app::AppState;
    use offboard::practice::{PracticeConfig, PracticeSite};
    use std::sync::Arc;

    let store = keychain();
    let config = PracticeConfig::generated(20, 3);
    let site = PracticeSite::start(config.clone()).await.unwrap();
    let practice_key = VaultKey::new(&site.url(), &config.admin_email);
    let elsewhere = unique_key("real-site");
    let _cleanup = Cleanup(vec![practice_key.clone(), elsewhere.clone()]);
    // Entries a real admin could have: one for this very address (a decoy that would break the
    // connection if it were read), and one for a real site.
    store
        .save(&practice_key, &ApiToken::new("decoy-from-the-keychain"))
        .unwrap();
    store
        .save(&elsewhere, &ApiToken::new("real-site-token"))
        .unwrap();

    let data = tempfile::tempdir().unwrap();
    let url = site.url();
    let mode = PracticeMode {
        email: config.admin_email.clone(),
        token: ApiToken::new(config.admin_token.clone()),
        sample_export: data.path().join("sample.csv"),
        site,
    };
    let state = AppState::new(data.path(), Arc::new(OsKeychain::new()), Some(mode));

    assert!(!state.token_saved(&url, &config.admin_email).await.unwrap());
    let err = state
        .connect(elsewhere.site(), elsewhere.email(), None, true)
        .await
        .unwrap_err();
    assert_eq!(err.kind, "practice_only");
    // No token typed: the practice token is used, never the keychain's decoy.
    state
        .connect(&url, &config.admin_email, None, true)
        .await
        .unwrap();
    state
        .connect(
            &url,
            &config.admin_email,
            Some("typed-but-wrong".into()),
            true,
        )
        .await
        .unwrap_err();
    state
        .forget_connection(&url, &config.admin_email)
        .await
        .unwrap();

    let after = OsKeychain::new();
    assert_eq!(
        after.load(&practice_key).unwrap().unwrap().expose(),
        "decoy-from-the-keychain",
        "practice mode changed or deleted a keychain entry"
    );
    assert_eq!(
        after.load(&elsewhere).unwrap().unwrap().expose(),
        "real-site-token"
    );
}
