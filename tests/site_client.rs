//! The site client against a small scripted HTTP server on 127.0.0.1: what goes on the wire
//! (auth, User-Agent, encoded ids, batching) and how every kind of reply, or of silence, is read.

use base64::Engine as _;
use offboard::atlassian::{
    AtlassianError, ClientConfig, Site, SiteClient, TransportKind, Verdict, BULK_BATCH,
    ERROR_BODY_LIMIT,
};
use offboard::vault::ApiToken;
use serde_json::json;
use std::time::Duration;
use tokio::net::TcpListener;

const EMAIL: &str = "admin@acme.test";
const TOKEN: &str = "ATATT3xFfGF0-secret-token-value";

#[path = "site_client/credentials.rs"]
mod credentials;
#[path = "site_client/groups.rs"]
mod groups;
#[path = "site_client/server.rs"]
mod server;
use server::{json_reply, reply, Action, Server, HOLD_LIMIT};

/// Recognises the verdict a scripted reply must give.
type Expect = fn(&Verdict) -> bool;

fn user(id: &str) -> serde_json::Value {
    json!({ "accountId": id, "accountType": "atlassian", "displayName": format!("User {id}"),
            "emailAddress": null, "active": true, "self": "https://acme.atlassian.net/x" })
}

fn quick() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn myself_sends_basic_auth_user_agent_and_accept() {
    let me = json!({ "accountId": "712020:me", "emailAddress": EMAIL, "displayName": "Ada",
                     "active": true, "accountType": "atlassian", "timeZone": "UTC" });
    let server = Server::start(vec![json_reply(200, me)]).await;
    let myself = server.client(quick()).myself().await.unwrap();
    assert_eq!(myself.account_id, "712020:me");
    assert_eq!(myself.email_address.as_deref(), Some(EMAIL));
    assert_eq!(myself.display_name, "Ada");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/rest/api/3/myself");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}:{TOKEN}"));
    assert_eq!(
        request.header("authorization"),
        Some(&*format!("Basic {basic}"))
    );
    let agent = format!("Offboard/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(request.header("user-agent"), Some(agent.as_str()));
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn delete_encodes_the_id_and_classifies_every_reply() {
    let collection = json!({ "errorMessages": ["Cannot remove an app user."], "errors": {} });
    let cases: Vec<(Action, Expect)> = vec![
        (Action::Reply(reply(204, &[], "")), |v| {
            *v == Verdict::Done { status: 204 }
        }),
        (
            json_reply(404, json!({"errorMessages": ["No user"]})),
            |v| {
                *v == Verdict::NotFound {
                    message: "No user".into(),
                }
            },
        ),
        (json_reply(400, collection), |v| {
            *v == Verdict::CannotRemove {
                message: "Cannot remove an app user.".into(),
            }
        }),
        (Action::Reply(reply(401, &[], "")), |v| {
            matches!(v, Verdict::Unauthorized { .. })
        }),
        (Action::Reply(reply(403, &[], "")), |v| {
            matches!(v, Verdict::Forbidden { .. })
        }),
        (
            Action::Reply(reply(
                429,
                &[
                    ("Retry-After", "4"),
                    ("RateLimit-Reason", "jira-burst-based"),
                ],
                "",
            )),
            |v| {
                matches!(v, Verdict::RateLimited { status: 429, info }
                if info.retry_after == Some(Duration::from_secs(4))
                && info.reason.as_deref() == Some("jira-burst-based"))
            },
        ),
        (
            Action::Reply(reply(503, &[("Retry-After", "2")], "")),
            |v| matches!(v, Verdict::RateLimited { status: 503, .. }),
        ),
        (Action::Reply(reply(503, &[], "<html>down</html>")), |v| {
            matches!(v, Verdict::ServerError { status: 503, .. })
        }),
        (Action::Reply(reply(500, &[], "")), |v| {
            matches!(v, Verdict::ServerError { status: 500, .. })
        }),
        (
            Action::Reply(reply(
                200,
                &[("Content-Type", "text/html")],
                "<html>portal</html>",
            )),
            |v| matches!(v, Verdict::Unexpected { status: 200, .. }),
        ),
    ];
    let (script, checks): (Vec<_>, Vec<_>) = cases.into_iter().unzip();
    let server = Server::start(script).await;
    let client = server.client(quick());
    for (i, check) in checks.iter().enumerate() {
        let verdict = client.remove_user("712020:3f2a6c1e-9a4b/x y").await;
        assert!(check(&verdict), "case {i}: {verdict:?}");
    }
    let seen = server.seen();
    assert_eq!(seen.len(), checks.len());
    for request in &seen {
        assert_eq!(request.method, "DELETE");
        assert_eq!(
            request.target,
            "/rest/api/3/user?accountId=712020%3A3f2a6c1e-9a4b%2Fx+y"
        );
        assert_eq!(request.query("accountId"), ["712020:3f2a6c1e-9a4b/x y"]);
    }
}

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed() {
    let elsewhere = Server::start(vec![]).await;
    let location = format!("http://{}/steal", elsewhere.addr);
    let server = Server::start(vec![
        Action::Reply(reply(302, &[("Location", &location)], "")),
        Action::Reply(reply(307, &[("Location", &location)], "")),
    ])
    .await;
    let client = server.client(quick());
    let verdict = client.remove_user("abc").await;
    let Verdict::Unexpected {
        status: 302,
        message,
    } = &verdict
    else {
        panic!("{verdict:?}");
    };
    assert!(message.contains("redirected"), "{message}");
    let err = client.myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::Status { status: 307, .. }),
        "{err:?}"
    );
    assert_eq!(
        elsewhere.connections(),
        0,
        "credentials followed a redirect"
    );
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = Server::start(vec![Action::Silent, Action::Silent]).await;
    let config = ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_millis(300),
    };
    let client = server.client(config);
    let verdict = client.remove_user("abc").await;
    let Verdict::Transport {
        kind: TransportKind::Timeout,
        message,
    } = &verdict
    else {
        panic!("{verdict:?}");
    };
    assert!(
        message.contains("did not answer within 0.30 s"),
        "{message}"
    );
    assert!(verdict.may_have_applied());
    let err = client.myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::Network(m) if m.contains("did not answer")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_connect() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let site = Site::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let client = SiteClient::new(site, EMAIL, ApiToken::new(TOKEN), quick()).unwrap();
    let verdict = client.remove_user("abc").await;
    let Verdict::Transport {
        kind: TransportKind::Connect,
        message,
    } = &verdict
    else {
        panic!("{verdict:?}");
    };
    assert!(message.contains("refused the connection"), "{message}");
    assert!(!verdict.may_have_applied());
    assert!(!message.contains("http://"), "{message}");
}

#[tokio::test]
async fn a_connection_closed_without_reply_is_broken() {
    let server = Server::start(vec![Action::Hangup]).await;
    let verdict = server.client(quick()).remove_user("abc").await;
    let Verdict::Transport {
        kind: TransportKind::Broken,
        message,
    } = &verdict
    else {
        panic!("{verdict:?}");
    };
    assert!(message.contains("broke before the reply"), "{message}");
    assert!(verdict.may_have_applied());
    assert_eq!(server.connections(), 1, "the request was sent again");
}

#[tokio::test]
async fn a_giant_error_page_is_read_only_up_to_the_cap() {
    let server = Server::start(vec![Action::Giant]).await;
    let config = ClientConfig {
        connect_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(60),
    };
    let client = server.client(config);
    // Reading all 100 MB (which never comes) would run into the 60 s request timeout.
    let verdict = tokio::time::timeout(Duration::from_secs(10), client.remove_user("abc"))
        .await
        .expect("the client kept reading past its body cap");
    let Verdict::CannotRemove { message } = &verdict else {
        panic!("{verdict:?}");
    };
    assert!(message.chars().count() <= 201 && message.starts_with("{\"errorMessages\""));
    // The 1 MB sent is well past the cap, so the cap (not the data's end) stopped the read.
    const { assert!(ERROR_BODY_LIMIT < 1 << 20) };
    // The client let go of the connection instead of draining the rest.
    drop(client);
    let mut closed = server.giant_closed.subscribe();
    let hung_up = tokio::time::timeout(HOLD_LIMIT, closed.wait_for(|c| *c)).await;
    assert!(
        matches!(hung_up, Ok(Ok(_))),
        "the client held the giant reply open"
    );
}

#[tokio::test]
async fn bulk_lookups_are_batched_and_paged() {
    let mut ids: Vec<String> = (0..250).map(|i| format!("712020:{i:04}")).collect();
    ids.push("712020:0007".into());
    ids.push(String::new());
    let page = |from: usize, to: usize, last: bool| {
        let values: Vec<_> = (from..to)
            .map(|i| user(&format!("712020:{i:04}")))
            .collect();
        json_reply(
            200,
            json!({ "startAt": 0, "maxResults": 100, "total": 0, "isLast": last, "values": values }),
        )
    };
    let server = Server::start(vec![
        page(0, 60, false),
        page(60, 100, true),
        page(100, 200, true),
        // Of the last 50, only 30 exist.
        page(200, 230, true),
    ])
    .await;
    let users = server.client(quick()).users_bulk(&ids).await.unwrap();
    assert_eq!(users.len(), 230);
    assert_eq!(users[0].account_id, "712020:0000");
    assert_eq!(users[229].account_id, "712020:0229");

    let seen = server.seen();
    let shape: Vec<(usize, String)> = seen
        .iter()
        .map(|r| (r.query("accountId").len(), r.query("startAt").concat()))
        .collect();
    assert_eq!(
        shape,
        [
            (100, "0".into()),
            (100, "60".into()),
            (100, "0".into()),
            (50, "0".into())
        ]
    );
    assert_eq!(seen[0].query("accountId"), ids[..BULK_BATCH]);
    for request in &seen {
        assert_eq!(request.method, "GET");
        assert!(request.target.starts_with("/rest/api/3/user/bulk?"));
        assert!(
            request.target.contains("accountId=712020%3A0"),
            "{}",
            request.target
        );
        assert_eq!(request.query("maxResults"), ["100"]);
    }
}

#[tokio::test]
async fn bulk_paging_that_stalls_is_an_error_not_missing_users() {
    let stalled = json!({ "startAt": 0, "maxResults": 100, "isLast": false, "values": [] });
    let server = Server::start(vec![json_reply(200, stalled)]).await;
    let ids = vec!["a".to_owned(), "b".to_owned()];
    let err = server.client(quick()).users_bulk(&ids).await.unwrap_err();
    assert!(matches!(err, AtlassianError::BadReply { .. }), "{err:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn lookups_read_users_and_report_errors_plainly() {
    let page =
        "<html><head><title>Atlassian Cloud Notifications - Page Unavailable</title></head></html>";
    let server = Server::start(vec![
        json_reply(200, user("712020:one")),
        json_reply(
            404,
            json!({ "errorMessages": ["Specified user does not exist"] }),
        ),
        Action::Reply(reply(404, &[("Content-Type", "text/html")], page)),
        Action::Reply(reply(200, &[("Content-Type", "text/html")], page)),
        json_reply(200, json!({ "unexpected": true })),
        Action::Reply(reply(401, &[], "Client must be authenticated")),
        Action::Reply(reply(403, &[], "")),
        Action::Reply(reply(429, &[("Retry-After", "9")], "")),
        json_reply(500, json!({ "errorMessages": ["Internal error"] })),
    ])
    .await;
    let client = server.client(quick());
    let found = client.user("712020:one").await.unwrap().unwrap();
    assert_eq!(found.display_name, "User 712020:one");
    assert_eq!(found.email_address, None);
    assert_eq!(client.user("712020:gone").await.unwrap(), None);
    let err = client.user("712020:x").await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 404, detail } if detail.contains("Page Unavailable")),
        "{err:?}"
    );
    let err = client.myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 200, .. }),
        "{err:?}"
    );
    let err = client.myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 200, detail } if detail.contains("accountId")),
        "{err:?}"
    );
    assert_eq!(
        client.myself().await.unwrap_err(),
        AtlassianError::Unauthorized
    );
    assert_eq!(
        client.myself().await.unwrap_err(),
        AtlassianError::Forbidden
    );
    let err = client.myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::RateLimited { status: 429, info } if info.retry_after == Some(Duration::from_secs(9)))
    );
    let err = client.myself().await.unwrap_err();
    assert_eq!(
        err,
        AtlassianError::Status {
            status: 500,
            message: "Internal error".into()
        }
    );
    assert_eq!(
        server.seen()[0].target,
        "/rest/api/3/user?accountId=712020%3Aone"
    );
}

#[tokio::test]
async fn the_token_never_shows_in_messages_or_debug_output() {
    let server = Server::start(vec![Action::EchoAuth]).await;
    let client = server.client(quick());
    let verdict = client.remove_user("abc").await;
    let text = format!("{verdict:?} {}", verdict.describe());
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}:{TOKEN}"));
    assert!(text.contains("[redacted]"), "{text}");
    assert!(!text.contains(TOKEN) && !text.contains(&basic), "{text}");
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN) && debug.contains(EMAIL), "{debug}");
}
