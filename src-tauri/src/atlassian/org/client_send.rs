//! Sending one request to the organization API and reading its reply, bounded and redacted.

use super::OrgClient;
use crate::atlassian::org::reply::{parse_error_body, read_error};
use crate::atlassian::org::OrgError;
use crate::atlassian::reply::looks_like_html;
use crate::atlassian::transport::{exchange, Reply, Wire};
use crate::atlassian::{TransportKind, JSON_BODY_LIMIT};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

// The site client's words for requests that got no reply: they take the host, loopback and
// proxy as arguments.
use crate::atlassian::client::failure;

/// Which body limit a request's reply gets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    /// A read: its successful reply may be a large page of users.
    Read,
    /// A write: its reply is empty or an error.
    Write,
}

impl OrgClient {
    /// Sends one request; a missing reply becomes [`OrgError::Network`].
    pub(super) async fn fetch(
        &self,
        method: Method,
        url: Url,
        json: Option<&Value>,
    ) -> Result<Reply, OrgError> {
        self.send(method, url, json, Expect::Read)
            .await
            .map_err(|(_, detail)| OrgError::Network(detail))
    }

    /// Sends one request with the Bearer key and reads its reply; no reply is its kind and
    /// the words for it.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        json: Option<&Value>,
        expect: Expect,
    ) -> Result<Reply, (TransportKind, String)> {
        let inner = &self.inner;
        let path = url.path().to_owned();
        let mut request = inner
            .http
            .request(method.clone(), url)
            .bearer_auth(inner.key.expose());
        if let Some(json) = json {
            request = request.json(json);
        }
        exchange(self, request, &method, &path, expect == Expect::Read).await
    }
}

impl Wire for OrgClient {
    fn failure(&self, err: &reqwest::Error) -> (TransportKind, String) {
        let inner = &self.inner;
        let (kind, detail) = failure::describe(
            err,
            &inner.api.authority(),
            inner.api.is_loopback(),
            inner.proxy.as_deref(),
            inner.config.connect_timeout,
            inner.config.request_timeout,
        );
        (kind, self.redact(detail))
    }

    /// A server that echoes our Authorization header must not put the key into a message,
    /// the journal or the results.
    fn redact(&self, text: String) -> String {
        let key = self.inner.key.expose();
        if key.is_empty() {
            text
        } else {
            text.replace(key, "[redacted]")
        }
    }
}

/// A read's reply as `T`, or the error an admin should see.
pub(super) fn parse_json<T: DeserializeOwned>(reply: Reply) -> Result<T, OrgError> {
    let status = reply.status;
    if !(200..300).contains(&status) {
        return Err(read_error(
            status,
            &reply.headers,
            &reply.body,
            OffsetDateTime::now_utc(),
        ));
    }
    let bad = |detail: String| OrgError::BadReply { status, detail };
    if looks_like_html(&reply.headers, &reply.body) {
        let note = parse_error_body(&reply.body).message;
        return Err(bad(note));
    }
    if let Some((_, detail)) = reply.body_failure {
        return Err(OrgError::Network(detail));
    }
    if reply.truncated {
        return Err(bad(format!(
            "a reply larger than the {} MB Offboard accepts",
            JSON_BODY_LIMIT >> 20
        )));
    }
    if reply.body.trim().is_empty() {
        return Err(bad("an empty reply".into()));
    }
    serde_json::from_str(&reply.body).map_err(|e| {
        bad(format!(
            "a reply that was not the JSON Offboard expected ({e})"
        ))
    })
}
