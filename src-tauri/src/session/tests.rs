//! The session core on its own: plans, phrases, their binding, and the practice sandbox.

use super::*;
use crate::atlassian::{ClientConfig, Myself, Site, SiteClient};
use crate::roster::{import_bytes, Roster};
use crate::vault::{ApiToken, MemoryStore, TokenStore, VaultKey};
use std::path::Path;
use std::sync::Arc;

const ME: &str = "5b10ac8d82e05b22cc7d4ef5";
const ADMIN_BY_ROLE: &str = "5c9e2a41b3f0d2001f6e8a01";
const ADMIN_BY_GROUP: &str = "5c9e2a41b3f0d2001f6e8a02";
const LIVE_ADMIN: &str = "5c9e2a41b3f0d2001f6e8a03";
const PLAIN_A: &str = "5c9e2a41b3f0d2001f6e8a04";
const PLAIN_B: &str = "5c9e2a41b3f0d2001f6e8a05";

fn roster() -> Roster {
    let csv = format!(
        "User id,User name,email,Org role,Group name\n\
         {ME},Me,me@example.com,Organization admin,\n\
         {ADMIN_BY_ROLE},Role Admin,ra@example.com,Organization admin,\n\
         {ADMIN_BY_GROUP},Group Admin,ga@example.com,,site-admins\n\
         {LIVE_ADMIN},Live Admin,la@example.com,,jira-users\n\
         {PLAIN_A},Plain A,a@example.com,,jira-users\n\
         {PLAIN_B},Plain B,b@example.com,,\n"
    );
    import_bytes(csv.as_bytes()).unwrap()
}

fn conn(site: &str, me: &str) -> Connection {
    let site = Site::parse(site).unwrap();
    Connection {
        client: SiteClient::new(
            site,
            "me@example.com",
            ApiToken::new("t"),
            ClientConfig::default(),
        )
        .unwrap(),
        me: Myself {
            account_id: me.to_owned(),
            email_address: None,
            display_name: "Me".into(),
            active: true,
            account_type: "atlassian".into(),
        },
        email: "me@example.com".into(),
        practice: false,
        site_admins: SiteAdmins::default(),
        admin_warning: None,
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn plan_all(c: &Connection, unlocked: &[String], live: &[String]) -> Prepared {
    prepare(
        c,
        &roster(),
        Path::new("x.csv"),
        Selection::All,
        unlocked,
        false,
        false,
        live,
    )
    .unwrap()
}

#[test]
fn the_phrase_counts_only_rows_a_run_will_send_a_removal_for() {
    let c = conn("http://127.0.0.1:9", ME);
    let p = plan_all(&c, &[], &ids(&[LIVE_ADMIN]));
    assert_eq!(p.plan.rows.len(), 6);
    let protected: Vec<&str> = p.protected.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(protected, [ME, ADMIN_BY_ROLE, ADMIN_BY_GROUP, LIVE_ADMIN]);
    assert_eq!((p.to_remove, p.phrase.as_str()), (2, "remove 2"));
    assert!(
        p.words.starts_with("Remove 2 users from 127.0.0.1:9."),
        "{}",
        p.words
    );
    assert!(
        p.words.contains("4 selected rows are protected"),
        "{}",
        p.words
    );
    // Unlocking one admin by id (in another case) counts it in, never the caller.
    let p = plan_all(
        &c,
        &ids(&[&ADMIN_BY_GROUP.to_uppercase(), ME]),
        &ids(&[LIVE_ADMIN]),
    );
    assert_eq!(p.phrase, "remove 3");
    assert!(
        p.protection_words.contains("You unlocked 1 admin"),
        "{}",
        p.protection_words
    );
}

#[test]
fn a_selection_names_rows_in_any_case_and_unknown_ids_are_refused() {
    let c = conn("http://127.0.0.1:9", ME);
    let sel = ids(&[&PLAIN_B.to_uppercase(), &format!(" {PLAIN_A} "), PLAIN_B]);
    let p = prepare(
        &c,
        &roster(),
        Path::new("x"),
        Selection::Ids(&sel),
        &[],
        false,
        false,
        &[],
    )
    .unwrap();
    let rows: Vec<&str> = p.plan.rows.iter().map(|r| r.account_id.as_str()).collect();
    assert_eq!(rows, [PLAIN_A, PLAIN_B], "file order, each once");
    let sel = ids(&["5c9e2a41b3f0d2001f6e8aff"]);
    let err = prepare(
        &c,
        &roster(),
        Path::new("x"),
        Selection::Ids(&sel),
        &[],
        false,
        false,
        &[],
    )
    .unwrap_err();
    assert!(matches!(err, SessionError::NotInExport(_)));
}

#[test]
fn only_the_current_plan_and_its_exact_phrase_confirm() {
    let c = conn("http://127.0.0.1:9", ME);
    let p = plan_all(&c, &[], &[]);
    let q = plan_all(&c, &[], &[]);
    assert_ne!(p.id, q.id, "every plan has its own id");
    assert_eq!(p.confirm(&p.id, "  remove 3 "), Ok(()));
    assert_eq!(p.confirm(&q.id, "remove 3"), Err(SessionError::StalePlan));
    assert!(matches!(
        p.confirm(&p.id, "remove 4"),
        Err(SessionError::WrongPhrase { .. })
    ));
    assert!(matches!(
        p.confirm(&p.id, "REMOVE 3"),
        Err(SessionError::WrongPhrase { .. })
    ));
    assert!(matches!(
        p.confirm(&p.id, ""),
        Err(SessionError::WrongPhrase { .. })
    ));
}

#[test]
fn a_plan_does_not_hold_on_another_site_account_or_admin_list() {
    let c = conn("http://127.0.0.1:9", ME);
    let p = plan_all(&c, &[], &ids(&[LIVE_ADMIN]));
    assert!(p.still_holds(&c, &ids(&[LIVE_ADMIN])).is_ok());
    // The same people on a second site: the phrase typed for the first is void.
    let other = conn("http://127.0.0.1:10", ME);
    assert_eq!(
        p.still_holds(&other, &ids(&[LIVE_ADMIN])).unwrap_err(),
        SessionError::StalePlan
    );
    let someone_else = conn("http://127.0.0.1:9", PLAIN_B);
    assert!(p.still_holds(&someone_else, &ids(&[LIVE_ADMIN])).is_err());
    // A new admin on the site since Review changes what the phrase counted.
    assert!(p.still_holds(&c, &ids(&[LIVE_ADMIN, PLAIN_A])).is_err());
    // So does another one in its place: the same count, other people.
    assert!(p.still_holds(&c, &ids(&[PLAIN_A])).is_err());
}

#[test]
fn a_rehearsal_is_one_unprotected_row() {
    let c = conn("http://127.0.0.1:9", ME);
    let one = ids(&[PLAIN_A]);
    let p = prepare(
        &c,
        &roster(),
        Path::new("x"),
        Selection::Ids(&one),
        &[],
        false,
        true,
        &[],
    )
    .unwrap();
    assert_eq!((p.rehearsal, p.phrase.as_str()), (true, "remove 1"));
    for who in [ME, ADMIN_BY_GROUP, LIVE_ADMIN] {
        let one = ids(&[who]);
        let live = ids(&[LIVE_ADMIN]);
        let err = prepare(
            &c,
            &roster(),
            Path::new("x"),
            Selection::Ids(&one),
            &[],
            false,
            true,
            &live,
        )
        .unwrap_err();
        assert!(
            matches!(err, SessionError::ProtectedRehearsal { .. }),
            "{who}: {err}"
        );
    }
}

#[test]
fn a_file_without_admin_information_says_protection_rests_on_the_live_check() {
    let csv =
        format!("Atlassian ID,Name,Email\n{PLAIN_A},A,a@example.com\n{LIVE_ADMIN},L,l@x.com\n");
    let roster = import_bytes(csv.as_bytes()).unwrap();
    let mut c = conn("http://127.0.0.1:9", ME);
    c.site_admins = SiteAdmins {
        checked: true,
        ids: ids(&[LIVE_ADMIN]),
        note: String::new(),
    };
    let p = prepare(
        &c,
        &roster,
        Path::new("x"),
        Selection::All,
        &[],
        false,
        false,
        &c.site_admins.ids,
    )
    .unwrap();
    assert_eq!(p.phrase, "remove 1");
    assert!(
        p.protection_words.contains("rests on that live check"),
        "{}",
        p.protection_words
    );
}

#[tokio::test]
async fn the_practice_sandbox_reaches_the_practice_site_only_and_no_keychain() {
    let login = PracticeLogin {
        url: "http://127.0.0.1:4321".into(),
        email: "admin@example.com".into(),
        token: ApiToken::new("practice-token"),
    };
    let connector = Connector::practice(login, ClientConfig::default());
    assert!(connector.site("http://127.0.0.1:4321").is_ok());
    for other in [
        "acme",
        "https://acme.atlassian.net",
        "http://127.0.0.1:4322",
    ] {
        assert!(
            matches!(
                connector.site(other),
                Err(SessionError::PracticeOnly { .. })
            ),
            "{other}"
        );
    }
    // Its store is a fresh one in memory: nothing saved before is visible, nothing leaks out.
    let key = VaultKey::new("http://127.0.0.1:4321", "admin@example.com");
    assert!(!connector.store().has(&key).unwrap());
    let site = connector.site("http://127.0.0.1:4321").unwrap();
    let token = connector
        .token(&site, "admin@example.com", TokenChoice::Stored, || None)
        .await
        .unwrap();
    assert_eq!(token.expose(), "practice-token");
}

#[tokio::test]
async fn tokens_come_typed_then_stored_then_prompted() {
    let store = Arc::new(MemoryStore::new());
    let connector = Connector::new(store.clone(), ClientConfig::default());
    let site = Site::parse("acme").unwrap();
    let key = VaultKey::new(site.base_url(), "me@example.com");
    let typed = connector
        .token(
            &site,
            "me@example.com",
            TokenChoice::Typed(ApiToken::new("typed")),
            || None,
        )
        .await
        .unwrap();
    assert_eq!(typed.expose(), "typed");
    store.save(&key, &ApiToken::new("saved")).unwrap();
    let saved = connector
        .token(&site, "me@example.com", TokenChoice::Stored, || {
            panic!("not asked")
        })
        .await
        .unwrap();
    assert_eq!(saved.expose(), "saved");
    store.forget(&key).unwrap();
    let prompted = connector
        .token(&site, "me@example.com", TokenChoice::Stored, || {
            Some(ApiToken::new("asked"))
        })
        .await;
    // OFFBOARD_API_TOKEN may be set by whoever runs the tests; then it wins over the prompt.
    let expected = std::env::var(crate::vault::TOKEN_ENV_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "asked".into());
    assert_eq!(prompted.unwrap().expose(), expected.trim());
    assert!(Connector::email("nobody").is_err());
    assert_eq!(
        Connector::email(" me@example.com ").unwrap(),
        "me@example.com"
    );
}

#[test]
fn results_are_copied_into_place_without_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("results.csv");
    std::fs::write(&source, "a,b\n").unwrap();
    let target = dir.path().join("out.csv");
    copy_into_place(&source, &target).unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
    let missing = dir.path().join("no-such-folder").join("out.csv");
    assert!(copy_into_place(&source, &missing).is_err());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_plan_that_protects_everyone_is_shown_but_cannot_be_confirmed() {
    let c = conn("http://127.0.0.1:9", ME);
    let sel = ids(&[ME, ADMIN_BY_ROLE]);
    let p = prepare(
        &c,
        &roster(),
        Path::new("x"),
        Selection::Ids(&sel),
        &[],
        false,
        false,
        &[],
    )
    .unwrap();
    assert_eq!((p.to_remove, p.protected.len()), (0, 2));
    assert!(p.words.starts_with("Nobody to remove"), "{}", p.words);
    assert!(matches!(
        p.confirm(&p.id, &p.phrase),
        Err(SessionError::NothingToPlan(_))
    ));
}
