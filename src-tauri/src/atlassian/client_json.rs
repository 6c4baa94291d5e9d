//! Reading a lookup's reply: the JSON it should be, or the error an admin should see.

use super::JSON_BODY_LIMIT;
use crate::atlassian::credential_signals::read_401;
use crate::atlassian::reply::{
    classify, looks_like_html, parse_error_messages, redirect_message, snippet,
};
use crate::atlassian::transport::Reply;
use crate::atlassian::{AtlassianError, Verdict};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

/// A lookup's reply as `T`, or the error an admin should see.
pub(super) fn parse_json<T: DeserializeOwned>(reply: Reply) -> Result<T, AtlassianError> {
    let status = reply.status;
    let html = looks_like_html(&reply.headers, &reply.body);
    if !(200..300).contains(&status) {
        return Err(error_for(reply, html));
    }
    if html {
        return Err(bad_reply(
            status,
            "a web page instead of Atlassian's API reply",
            &reply.body,
        ));
    }
    if let Some((_, detail)) = reply.body_failure {
        return Err(AtlassianError::Network(detail));
    }
    if reply.truncated {
        return Err(AtlassianError::BadReply {
            status,
            detail: format!(
                "a reply larger than the {} MB Offboard accepts",
                JSON_BODY_LIMIT >> 20
            ),
        });
    }
    if reply.body.trim().is_empty() {
        return Err(AtlassianError::BadReply {
            status,
            detail: "an empty reply".into(),
        });
    }
    serde_json::from_str(&reply.body).map_err(|e| AtlassianError::BadReply {
        status,
        detail: format!("a reply that was not the JSON Offboard expected ({e})"),
    })
}

fn error_for(reply: Reply, html: bool) -> AtlassianError {
    let status = reply.status;
    if status == 401 {
        // Why, as far as the reply tells: a scoped token, an expired one, or neither.
        return read_401(&reply.headers, &reply.body).into();
    }
    match classify(
        status,
        &reply.headers,
        &reply.body,
        OffsetDateTime::now_utc(),
    ) {
        Verdict::Forbidden { .. } => AtlassianError::Forbidden,
        Verdict::RateLimited { status, info } => AtlassianError::RateLimited { status, info },
        _ if (300..400).contains(&status) => AtlassianError::Status {
            status,
            message: redirect_message(status, &reply.headers),
        },
        _ if html => bad_reply(
            status,
            "a web page instead of Atlassian's API reply",
            &reply.body,
        ),
        _ => {
            let said = parse_error_messages(&reply.body);
            let message = if said.is_empty() {
                "no details were given.".to_owned()
            } else {
                said
            };
            AtlassianError::Status { status, message }
        }
    }
}

/// A bad reply, with a short excerpt of its body.
pub(super) fn bad_reply(status: u16, what: &str, body: &str) -> AtlassianError {
    let excerpt = snippet(body);
    let detail = if excerpt.is_empty() {
        what.to_owned()
    } else {
        format!("{what} (\"{excerpt}\")")
    };
    AtlassianError::BadReply { status, detail }
}
