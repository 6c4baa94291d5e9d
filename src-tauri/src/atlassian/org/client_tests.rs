//! What the client refuses before sending anything, and what it never shows.

use super::*;
use crate::atlassian::transport::Wire;
use crate::atlassian::{TransportKind, Verdict};
use crate::sweep::{Action, Actor};
use std::net::TcpListener;

const ORG: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const KEY: &str = "ATCTT3xFfGN0-org-key-secret";

/// A client aimed at a listener nobody answers on, and the listener: a request would show up
/// as a connection waiting in its queue.
fn client() -> (OrgClient, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let api = OrgApi::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let client = OrgClient::new(api, ORG, ApiToken::new(KEY), ClientConfig::default()).unwrap();
    (client, listener)
}

fn nothing_sent(listener: &TcpListener) -> bool {
    matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[test]
fn new_takes_the_org_id_from_an_address_and_refuses_what_it_cannot_use() {
    let api = OrgApi::production();
    let pasted = format!("https://admin.atlassian.com/o/{ORG}/users");
    let client = OrgClient::new(
        api.clone(),
        &pasted,
        ApiToken::new(KEY),
        ClientConfig::default(),
    )
    .unwrap();
    assert_eq!(client.org_id(), ORG);
    assert_eq!(client.api(), &api);
    assert_eq!(client.directory(), None);
    let client = client.with_directory(" dir-1 ");
    assert_eq!(client.directory(), Some("dir-1"));

    let bad = OrgClient::new(
        api.clone(),
        "acme",
        ApiToken::new(KEY),
        ClientConfig::default(),
    );
    assert!(matches!(bad, Err(OrgError::BadOrgId(_))));
    let keyless = OrgClient::new(api, ORG, ApiToken::new("  "), ClientConfig::default());
    match keyless {
        Err(OrgError::Setup(words)) => assert!(words.contains("Settings → API keys")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn debug_never_shows_the_key() {
    let (client, _listener) = client();
    let shown = format!("{:?}", client.with_directory("dir-1"));
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("[redacted]") && shown.contains(ORG) && shown.contains("dir-1"));
}

#[test]
fn the_key_is_redacted_from_any_text() {
    let (client, _listener) = client();
    assert_eq!(
        client.redact(format!("echo: Bearer {KEY}!")),
        "echo: Bearer [redacted]!"
    );
}

#[tokio::test]
async fn writes_without_an_id_or_a_concrete_directory_send_nothing() {
    let (client, listener) = client();
    for verdict in [
        client.suspend("dir-1", "  ").await,
        client.restore("dir-1", "").await,
        client.remove("dir-1", "").await,
    ] {
        assert!(
            matches!(&verdict, Verdict::CannotRemove { message } if message.contains("no account id")),
            "{verdict:?}"
        );
    }
    for directory in ["-", " ", ""] {
        let verdict = client.remove(directory, "712020:abc").await;
        assert!(
            matches!(&verdict, Verdict::Unexpected { status: 0, message } if message.contains("nothing was sent")),
            "{directory:?}: {verdict:?}"
        );
    }
    assert!(nothing_sent(&listener));
}

#[tokio::test]
async fn the_actor_needs_a_directory_and_an_organization_action() {
    let (client, listener) = client();
    let verdict = client.apply(Action::Suspend, "712020:abc").await;
    assert!(
        matches!(&verdict, Verdict::Unexpected { status: 0, message } if message.contains("No directory was chosen")),
        "{verdict:?}"
    );
    let read = client
        .read_back(Action::Remove, &["712020:abc".into()])
        .await;
    assert!(
        matches!(read, Err(Verdict::Unexpected { status: 0, .. })),
        "{read:?}"
    );
    let client = client.with_directory("dir-1");
    let verdict = client.apply(Action::SiteRemove, "712020:abc").await;
    assert!(
        matches!(&verdict, Verdict::Unexpected { status: 0, message } if message.contains("site action")),
        "{verdict:?}"
    );
    assert_eq!(
        client
            .read_back(Action::SiteRemove, &["712020:abc".into()])
            .await,
        Ok(Default::default())
    );
    let wildcard = client.with_directory("-");
    let verdict = wildcard.apply(Action::Remove, "712020:abc").await;
    assert!(
        matches!(verdict, Verdict::Unexpected { status: 0, .. }),
        "{verdict:?}"
    );
    assert!(nothing_sent(&listener));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_failure_that_sent_nothing() {
    let (client, listener) = client();
    drop(listener);
    let verdict = client.suspend("dir-1", "712020:abc").await;
    match verdict {
        Verdict::Transport { kind, message } => {
            assert_eq!(kind, TransportKind::Connect);
            assert!(message.contains("refused the connection"), "{message}");
            assert!(!message.contains(KEY));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(client.org().await, Err(OrgError::Network(_))));
}
