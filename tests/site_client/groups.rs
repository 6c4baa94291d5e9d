//! Reading the `site-admins` group live: paging, "no such group", and the usual errors.

use super::server::{json_reply, reply, Action, Server};
use super::{quick, user};
use offboard::atlassian::{AtlassianError, GROUP_PAGE, SITE_ADMINS_GROUP};
use serde_json::json;

fn member_page(from: usize, to: usize, last: Option<bool>) -> Action {
    let values: Vec<_> = (from..to)
        .map(|i| user(&format!("712020:{i:04}")))
        .collect();
    let mut body = json!({ "self": "https://acme.atlassian.net/x", "maxResults": 50,
                           "startAt": from, "total": 120, "values": values });
    if let Some(last) = last {
        body["isLast"] = json!(last);
    }
    json_reply(200, body)
}

#[tokio::test]
async fn site_admins_follows_every_page_by_offset() {
    let server = Server::start(vec![
        member_page(0, 50, Some(false)),
        // A repeat across pages (the group changed while being read) is listed once.
        member_page(49, 99, Some(false)),
        member_page(99, 120, Some(true)),
    ])
    .await;
    let ids = server.client(quick()).site_admins().await.unwrap().unwrap();
    let expected: Vec<String> = (0..120).map(|i| format!("712020:{i:04}")).collect();
    assert_eq!(ids, expected);
    let seen = server.seen();
    let starts: Vec<String> = seen.iter().map(|r| r.query("startAt").concat()).collect();
    assert_eq!(starts, ["0", "50", "100"]);
    for request in &seen {
        assert_eq!(request.method, "GET");
        assert!(request.target.starts_with("/rest/api/3/group/member?"));
        assert_eq!(request.query("groupname"), [SITE_ADMINS_GROUP]);
        assert_eq!(request.query("includeInactiveUsers"), ["true"]);
        assert_eq!(request.query("maxResults"), [GROUP_PAGE.to_string()]);
    }
}

#[tokio::test]
async fn without_is_last_the_total_ends_the_paging() {
    let server = Server::start(vec![
        member_page(0, 50, None),
        member_page(50, 100, None),
        member_page(100, 120, None),
    ])
    .await;
    let ids = server
        .client(quick())
        .group_member_ids("jira admins")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ids.len(), 120);
    assert_eq!(server.connections(), 3);
    let seen = server.seen();
    assert!(seen[0].target.contains("groupname=jira+admins"), "{seen:?}");
}

#[tokio::test]
async fn an_empty_group_is_some_and_a_missing_one_none() {
    let empty = json!({ "startAt": 0, "maxResults": 50, "total": 0, "isLast": true, "values": [] });
    let missing =
        json!({ "errorMessages": ["The group site-admins does not exist."], "errors": {} });
    let server = Server::start(vec![json_reply(200, empty), json_reply(404, missing)]).await;
    let client = server.client(quick());
    assert_eq!(client.site_admins().await.unwrap(), Some(vec![]));
    assert_eq!(client.site_admins().await.unwrap(), None);
}

#[tokio::test]
async fn a_gateway_404_a_late_404_and_a_stall_are_errors_not_answers() {
    let page = "<html><head><title>404 Page Unavailable</title></head></html>";
    let gone = json!({ "errorMessages": ["The group site-admins does not exist."] });
    let stalled = json!({ "startAt": 50, "maxResults": 50, "isLast": false, "values": [] });
    let server = Server::start(vec![
        Action::Reply(reply(404, &[("Content-Type", "text/html")], page)),
        member_page(0, 50, Some(false)),
        json_reply(404, gone),
        member_page(0, 50, Some(false)),
        json_reply(200, stalled),
    ])
    .await;
    let client = server.client(quick());
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 404, detail } if detail.contains("Page Unavailable")),
        "{err:?}"
    );
    // The group vanished part-way: the members read so far are not the answer.
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::Status { status: 404, .. }),
        "{err:?}"
    );
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { detail, .. } if detail.contains("stopped part-way")),
        "{err:?}"
    );
    assert_eq!(server.connections(), 5);
}

#[tokio::test]
async fn login_and_server_errors_are_the_usual_ones() {
    let server = Server::start(vec![
        Action::Reply(reply(401, &[], "Client must be authenticated")),
        Action::Reply(reply(403, &[], "")),
        Action::Reply(reply(429, &[("Retry-After", "3")], "")),
        json_reply(500, json!({ "errorMessages": ["Internal error"] })),
        json_reply(200, json!({ "values": [{ "displayName": "no id" }] })),
    ])
    .await;
    let client = server.client(quick());
    assert_eq!(
        client.site_admins().await.unwrap_err(),
        AtlassianError::Unauthorized
    );
    assert_eq!(
        client.site_admins().await.unwrap_err(),
        AtlassianError::Forbidden
    );
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(err, AtlassianError::RateLimited { status: 429, .. }),
        "{err:?}"
    );
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::Status { status: 500, message } if message == "Internal error"),
        "{err:?}"
    );
    let err = client.site_admins().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 200, .. }),
        "{err:?}"
    );
}
