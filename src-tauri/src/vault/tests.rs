//! Unit tests: the token type, keys, the in-memory store, the token sources and error wording.
//! The real keychain is exercised by `tests/keychain.rs` under `.ci/with-keyring`.

use super::os::map_error;
use super::*;
use std::sync::Arc;

const SECRET: &str = "ATATT3xFfGF0-s3cr3t-Zq9";

fn key(site: &str, email: &str) -> VaultKey {
    VaultKey::new(site, email)
}

/// A store whose keychain is always out of reach, as on a headless Linux box.
struct UnreachableStore;

impl TokenStore for UnreachableStore {
    fn save(&self, k: &VaultKey, _: &ApiToken) -> Result<(), VaultError> {
        Err(unreachable_error(k))
    }
    fn load(&self, k: &VaultKey) -> Result<Option<ApiToken>, VaultError> {
        Err(unreachable_error(k))
    }
    fn has(&self, k: &VaultKey) -> Result<bool, VaultError> {
        Err(unreachable_error(k))
    }
    fn forget(&self, k: &VaultKey) -> Result<bool, VaultError> {
        Err(unreachable_error(k))
    }
}

fn unreachable_error(k: &VaultKey) -> VaultError {
    let inner = std::io::Error::other("org.freedesktop.DBus.Error.ServiceUnknown");
    map_error(
        keyring::Error::PlatformFailure(Box::new(inner)),
        k,
        "read",
        None,
    )
}

#[test]
fn token_debug_and_display_are_redacted() {
    let token = ApiToken::new(SECRET);
    assert_eq!(format!("{token:?}"), "[redacted]");
    assert_eq!(format!("{token}"), "[redacted]");
    assert_eq!(format!("{token:#?}"), "[redacted]");
    assert_eq!(token.expose(), SECRET);
}

#[test]
fn struct_holding_a_token_does_not_show_it() {
    #[derive(Debug)]
    #[allow(dead_code)] // only Debug reads the fields
    struct Connection {
        email: String,
        token: ApiToken,
        saved: Option<ApiToken>,
    }
    let conn = Connection {
        email: "admin@acme.com".into(),
        token: ApiToken::new(SECRET),
        saved: Some(ApiToken::new(SECRET)),
    };
    for shown in [format!("{conn:?}"), format!("{conn:#?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(shown.contains("admin@acme.com"), "{shown}");
    }
}

#[test]
fn token_is_trimmed_but_kept_whole_inside() {
    assert_eq!(ApiToken::new(format!("  {SECRET}\r\n")).expose(), SECRET);
    assert_eq!(ApiToken::new("\tab cd ").expose(), "ab cd");
    assert!(ApiToken::new(" \r\n\t ").is_empty());
    assert!(!ApiToken::new(SECRET).is_empty());
}

#[test]
fn key_normalises_email_and_site() {
    let a = key("https://acme.atlassian.net/", "  Admin@Acme.COM ");
    let b = key(" https://acme.atlassian.net", "admin@acme.com");
    assert_eq!(a, b);
    assert_eq!(a.email(), "admin@acme.com");
    assert_eq!(a.site(), "https://acme.atlassian.net");
    assert_eq!(a.account(), "admin@acme.com on https://acme.atlassian.net");
    assert_eq!(a.to_string(), a.account());
    assert_ne!(a, key("https://acme.atlassian.net", "other@acme.com"));
    assert_ne!(a, key("https://beta.atlassian.net", "admin@acme.com"));
}

#[test]
fn memory_store_round_trip() {
    let store = MemoryStore::new();
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    assert!(!store.has(&k).unwrap());
    assert!(store.load(&k).unwrap().is_none());

    store.save(&k, &ApiToken::new(SECRET)).unwrap();
    assert!(store.has(&k).unwrap());
    assert_eq!(store.load(&k).unwrap().unwrap().expose(), SECRET);
    // Same admin typed differently finds the same entry.
    let typed = key("https://acme.atlassian.net/", " ADMIN@acme.com");
    assert_eq!(store.load(&typed).unwrap().unwrap().expose(), SECRET);

    assert!(store.forget(&k).unwrap());
    assert!(!store.has(&k).unwrap());
    assert!(store.load(&k).unwrap().is_none());
    assert!(!store.forget(&k).unwrap());
    assert!(store.is_empty());
}

#[test]
fn memory_store_saving_again_replaces() {
    let store = MemoryStore::new();
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    store.save(&k, &ApiToken::new("first")).unwrap();
    store.save(&k, &ApiToken::new("second")).unwrap();
    assert_eq!(store.load(&k).unwrap().unwrap().expose(), "second");
    assert_eq!(store.len(), 1);
}

#[test]
fn memory_store_keys_do_not_collide() {
    let store = MemoryStore::new();
    let one = key("https://acme.atlassian.net", "one@acme.com");
    let two = key("https://acme.atlassian.net", "two@acme.com");
    let elsewhere = key("https://beta.atlassian.net", "one@acme.com");
    store.save(&one, &ApiToken::new("token-one")).unwrap();
    store.save(&two, &ApiToken::new("token-two")).unwrap();
    store
        .save(&elsewhere, &ApiToken::new("token-beta"))
        .unwrap();
    assert_eq!(store.load(&one).unwrap().unwrap().expose(), "token-one");
    assert_eq!(store.load(&two).unwrap().unwrap().expose(), "token-two");
    assert_eq!(
        store.load(&elsewhere).unwrap().unwrap().expose(),
        "token-beta"
    );

    assert!(store.forget(&one).unwrap());
    assert!(store.has(&two).unwrap());
    assert!(store.has(&elsewhere).unwrap());
}

#[test]
fn empty_token_is_refused_by_both_stores() {
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let memory = MemoryStore::new();
    let err = memory.save(&k, &ApiToken::new("  \n")).unwrap_err();
    assert!(matches!(err, VaultError::EmptyToken), "{err:?}");
    assert!(!memory.has(&k).unwrap());
    // Refused before the OS keychain is touched, so this holds on any machine.
    let err = OsKeychain::new().save(&k, &ApiToken::new("")).unwrap_err();
    assert!(matches!(err, VaultError::EmptyToken), "{err:?}");
    assert!(err.to_string().contains("api-tokens"));
}

#[test]
fn stores_are_shareable_trait_objects() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<MemoryStore>();
    send_sync::<OsKeychain>();
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let writer = {
        let (store, k) = (Arc::clone(&store), k.clone());
        std::thread::spawn(move || store.save(&k, &ApiToken::new(SECRET)))
    };
    writer.join().unwrap().unwrap();
    assert!(store.has(&k).unwrap());
}

#[test]
fn keychain_token_comes_first_and_env_is_not_read() {
    let store = MemoryStore::new();
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    store.save(&k, &ApiToken::new("from-keychain")).unwrap();
    let found = resolve_token(&store, &k, || panic!("env read despite a keychain token"));
    let (token, source) = found.unwrap().unwrap();
    assert_eq!(
        (token.expose(), source),
        ("from-keychain", TokenSource::Keychain)
    );
    // The public entry point agrees, whatever the test machine's environment holds.
    let (token, source) = token_from_sources(&store, &k).unwrap().unwrap();
    assert_eq!(
        (token.expose(), source),
        ("from-keychain", TokenSource::Keychain)
    );
}

#[test]
fn env_token_is_used_when_keychain_has_none() {
    let store = MemoryStore::new();
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let found = resolve_token(&store, &k, || Some(format!(" {SECRET}\n")));
    let (token, source) = found.unwrap().unwrap();
    assert_eq!((token.expose(), source), (SECRET, TokenSource::Environment));
}

#[test]
fn no_token_anywhere_is_none_and_blank_env_counts_as_unset() {
    let store = MemoryStore::new();
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    assert!(resolve_token(&store, &k, || None).unwrap().is_none());
    assert!(resolve_token(&store, &k, || Some("  ".into()))
        .unwrap()
        .is_none());
}

#[test]
fn unreachable_keychain_falls_back_to_env() {
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let found = resolve_token(&UnreachableStore, &k, || Some(SECRET.into()));
    let (token, source) = found.unwrap().unwrap();
    assert_eq!((token.expose(), source), (SECRET, TokenSource::Environment));
}

#[test]
fn unreachable_keychain_without_env_is_an_error_that_names_the_variable() {
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let err = resolve_token(&UnreachableStore, &k, || None).unwrap_err();
    assert!(err.is_unavailable());
    assert_eq!(err.kind(), "keychain_unavailable");
    let text = err.to_string();
    assert!(text.contains(TOKEN_ENV_VAR), "{text}");
    assert!(
        text.contains("admin@acme.com on https://acme.atlassian.net"),
        "{text}"
    );
}

#[test]
fn locked_and_missing_keychains_are_worded_for_an_admin() {
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let locked = map_error(
        keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("collection is locked"))),
        &k,
        "save",
        None,
    );
    assert!(matches!(locked, VaultError::Locked { .. }), "{locked:?}");
    let text = locked.to_string();
    assert!(
        text.contains("locked") && text.contains("could not save"),
        "{text}"
    );
    assert!(text.contains(TOKEN_ENV_VAR) && text.contains("collection is locked"));

    let missing = unreachable_error(&k);
    let text = missing.to_string();
    assert!(text.starts_with("No keychain is available"), "{text}");
    assert!(
        text.contains(TOKEN_ENV_VAR) && text.contains("ServiceUnknown"),
        "{text}"
    );
}

#[test]
fn no_error_ever_shows_the_token() {
    let k = key("https://acme.atlassian.net", "admin@acme.com");
    let echo = || Box::new(std::io::Error::other(format!("rejected {SECRET} here")));
    let errors = [
        map_error(
            keyring::Error::PlatformFailure(echo()),
            &k,
            "save",
            Some(SECRET),
        ),
        map_error(
            keyring::Error::NoStorageAccess(echo()),
            &k,
            "save",
            Some(SECRET),
        ),
        map_error(
            keyring::Error::Invalid("password".into(), format!("bad {SECRET}")),
            &k,
            "save",
            Some(SECRET),
        ),
        map_error(
            keyring::Error::BadEncoding(SECRET.as_bytes().to_vec()),
            &k,
            "read",
            None,
        ),
        map_error(
            keyring::Error::TooLong("user".into(), 512),
            &k,
            "save",
            Some(SECRET),
        ),
        map_error(keyring::Error::Ambiguous(Vec::new()), &k, "read", None),
        VaultError::EmptyToken,
    ];
    let mut kinds = std::collections::HashSet::new();
    for err in &errors {
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(SECRET), "{shown}");
        }
        assert!(kinds.insert(err.kind()), "kind {} repeated", err.kind());
    }
    assert!(errors[0].to_string().contains("rejected [redacted] here"));
}

#[test]
fn org_keys_are_kept_per_org_apart_from_site_tokens() {
    let store = MemoryStore::new();
    let (a, b) = (VaultKey::for_org("org-a"), VaultKey::for_org(" org-b "));
    assert_ne!(a, b);
    assert_eq!(a.account(), "organization api key on org org-a");
    store.save(&a, &ApiToken::new("key-a")).unwrap();
    assert!(!store.has(&b).unwrap());
    assert!(!store
        .has(&VaultKey::new("org org-a", "someone@example.com"))
        .unwrap());
    let (key, source) = org_key_from_sources(&store, "org-a").unwrap().unwrap();
    assert_eq!((key.expose(), source), ("key-a", TokenSource::Keychain));
}
