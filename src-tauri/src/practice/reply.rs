//! Replies in Jira's shapes: users, pages, ErrorCollections, gateway pages.

use super::config::PracticeUser;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde_json::{json, Value};
use std::time::Duration;

/// A reply decided by the site, before it becomes a hyper response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: String,
}

/// What the connection does with a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Answer now (after the configured latency).
    Reply(Reply),
    /// Answer after an extra delay.
    Slow(Reply, Duration),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// A JSON reply.
    pub(crate) fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: Some("application/json;charset=UTF-8"),
            body: value.to_string(),
        }
    }

    /// Jira's ErrorCollection: `{"errorMessages":[message],"errors":{}}`.
    pub(crate) fn errors(status: u16, message: &str) -> Reply {
        Reply::json(status, &json!({ "errorMessages": [message], "errors": {} }))
    }

    /// A reply without a body (204).
    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: None,
            body: String::new(),
        }
    }

    /// A non-JSON page like the ones gateways and load balancers send.
    pub(crate) fn gateway_page(status: u16, title: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            content_type: Some("text/html; charset=utf-8"),
            body: format!("<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"),
        }
    }

    /// The same reply with one more header.
    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// True for 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The hyper response.
    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let mut builder = Response::builder().status(self.status);
        if let Some(ct) = self.content_type {
            builder = builder.header("content-type", ct);
        }
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        builder
            .body(Full::new(Bytes::from(self.body)))
            // Only reachable with an invalid header value, which this module never builds.
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
    }
}

/// A user in Jira's shape; `emailAddress` is left out when hidden, as Jira does.
pub(crate) fn user_json(user: &PracticeUser, base_url: &str, api: &str) -> Value {
    let mut value = json!({
        "self": format!("{base_url}/rest/api/{api}/user?accountId={}", query_escape(&user.account_id)),
        "accountId": user.account_id,
        "accountType": user.account_type,
        "displayName": user.display_name,
        "active": user.active,
        "timeZone": "Etc/UTC",
        "locale": "en_US",
    });
    if let Some(email) = &user.email {
        value["emailAddress"] = json!(email);
    }
    value
}

/// Percent-encodes a query value (account ids hold `:`).
fn query_escape(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_collection_shape() {
        let r = Reply::errors(404, "gone");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v, json!({"errorMessages": ["gone"], "errors": {}}));
        assert_eq!(r.status, 404);
    }

    #[test]
    fn user_shape_hides_missing_email() {
        let u = PracticeUser {
            account_id: "712020:abc".into(),
            display_name: "Ann".into(),
            email: None,
            account_type: "atlassian".into(),
            active: false,
        };
        let v = user_json(&u, "http://127.0.0.1:9", "3");
        assert_eq!(v["accountId"], "712020:abc");
        assert_eq!(v["active"], false);
        assert!(v.get("emailAddress").is_none());
        assert_eq!(
            v["self"],
            "http://127.0.0.1:9/rest/api/3/user?accountId=712020%3Aabc"
        );
    }
}
