//! Reading the organization admin API's replies: every error body shape of ORG-API.md §8, the
//! rate-limit headers of §7, and the meaning of a write's reply for the engine.
//!
//! Pure (status, headers, body text and the time in; a meaning out), so it is tested without
//! HTTP. The assumptions about undocumented replies are in `signals.rs`.

use super::signals::{self, Refusal403};
use super::OrgError;
use crate::atlassian::reply::{looks_like_html, one_line, shorten, snippet};
use crate::atlassian::{parse_error_messages, RateLimitInfo, Verdict};
use reqwest::header::{HeaderMap, LOCATION};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Longest text kept from an error body.
const MESSAGE_LIMIT: usize = 500;

/// Longest raw text (not JSON) kept from an error body.
const RAW_LIMIT: usize = 300;

/// What an error reply's body said, whatever its shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// Atlassian's codes and keys, in order: `ADMIN-403-3`, `forbidden.insufficientScope`,
    /// `externalDirectory.scim`, or a proxy's numeric `401`.
    pub codes: Vec<String>,
    /// Atlassian's words on one line, bounded; empty when it gave none.
    pub message: String,
}

/// Reads an error body of any shape of ORG-API.md §8: v2 and v1 `{"errors":[{id, status,
/// code, title, detail}]}` (`detail` may be null), the gateway's `{"code":401,"message":…}`,
/// the user-management API's `{"key":…,"context":{…}}`; any other JSON as the site's
/// messages; plain text trimmed and bounded; a web page as a one-line note with its title.
pub fn parse_error_body(body: &str) -> ErrorBody {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return ErrorBody::default();
    }
    let Ok(value) = serde_json::from_str::<Value>(trimmed) else {
        return ErrorBody {
            codes: Vec::new(),
            message: raw_text(trimmed),
        };
    };
    let Value::Object(map) = &value else {
        return ErrorBody {
            codes: Vec::new(),
            message: parse_error_messages(trimmed),
        };
    };
    let mut out = Parts::default();
    if let Some(Value::Array(errors)) = map.get("errors") {
        for error in errors.iter().filter_map(Value::as_object) {
            read_application_error(error, &mut out);
        }
    }
    if let Some(Value::String(key)) = map.get("key") {
        out.code(key);
        if let Some(Value::Object(context)) = map.get("context") {
            read_context(context, &mut out);
        }
        if out.words.is_empty() {
            out.say(key);
        }
    }
    // The gateway's ProxyError: `code` is a number there (a string in some copies).
    match map.get("code") {
        Some(Value::Number(code)) => out.code(&code.to_string()),
        Some(Value::String(code)) => out.code(code),
        _ => {}
    }
    if out.words.is_empty() {
        // Other JSON: the site's messages (`errorMessages`, `message`), else the JSON itself.
        out.say(&parse_error_messages(trimmed));
    }
    out.finish()
}

/// Codes and words as they are found, without repeats.
#[derive(Default)]
struct Parts {
    codes: Vec<String>,
    words: Vec<String>,
}

impl Parts {
    fn code(&mut self, code: &str) {
        let code = one_line(code);
        if !code.is_empty() && !self.codes.contains(&code) {
            self.codes.push(code);
        }
    }

    fn say(&mut self, text: &str) {
        let text = one_line(text);
        if !text.is_empty() && !self.words.contains(&text) {
            self.words.push(text);
        }
    }

    fn finish(self) -> ErrorBody {
        ErrorBody {
            codes: self.codes,
            message: shorten(&self.words.join("; "), MESSAGE_LIMIT),
        }
    }
}

/// One `{id, status, code, title, detail}`: "title: detail", or whichever is there.
fn read_application_error(error: &Map<String, Value>, out: &mut Parts) {
    let text = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default()
    };
    out.code(&text("code"));
    let (title, detail) = (text("title"), text("detail"));
    match (title.is_empty(), detail.is_empty()) {
        (false, false) if title != detail => out.say(&format!("{title}: {detail}")),
        (false, _) => out.say(&title),
        (true, false) => out.say(&detail),
        (true, true) => {}
    }
}

/// The user-management API's `context`: its message, its error codes, its reason.
fn read_context(context: &Map<String, Value>, out: &mut Parts) {
    if let Some(Value::String(message)) = context.get("message") {
        out.say(message);
    }
    if let Some(Value::Array(codes)) = context.get("errorCodes") {
        for code in codes.iter().filter_map(Value::as_object) {
            if let Some(Value::String(c)) = code.get("code") {
                out.code(c);
            }
            if let Some(Value::String(m)) = code.get("message") {
                out.say(m);
            }
        }
    }
    let reason = context
        .get("reason")
        .and_then(|r| r.get("key"))
        .and_then(Value::as_str);
    if let Some(reason) = reason {
        out.code(reason);
    }
}

/// Text that is not JSON: a web page becomes a note with its title, anything else one line.
fn raw_text(text: &str) -> String {
    if text.starts_with('<') {
        let title = snippet(text);
        return if title.is_empty() {
            "a web page instead of Atlassian's API reply".to_owned()
        } else {
            format!("a web page instead of Atlassian's API reply (\"{title}\")")
        };
    }
    shorten(&one_line(text), RAW_LIMIT)
}

/// The rate-limit headers of a reply that arrived at `now`, with `X-RateLimit-Reset` read
/// leniently (signals point 5).
pub fn rate_limit_info(headers: &HeaderMap, now: OffsetDateTime) -> RateLimitInfo {
    let mut info = RateLimitInfo::from_headers(headers, now);
    info.until_reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| signals::parse_reset(v, now));
    info
}

/// The meaning of a reply to suspend, restore or remove (DESIGN.md §6), for the engine.
///
/// 2xx is done (a web page is not: a proxy answered); 404 is "not in the directory", unless it
/// names the organization; 401 and a 403 naming a scope or the whole key stop the run; any
/// other 403, and 400 and 409, refuse this one user with Atlassian's words; 429 (and 503 with
/// `Retry-After`) waits; other 5xx are retried. A reply whose headers say the budget is nearly
/// spent comes wrapped in [`Verdict::NearLimit`].
pub fn classify_write(
    status: u16,
    headers: &HeaderMap,
    body: &str,
    now: OffsetDateTime,
) -> Verdict {
    let info = rate_limit_info(headers, now);
    let verdict = classify_status(status, headers, body, &info);
    match verdict {
        Verdict::RateLimited { .. } | Verdict::Unauthorized { .. } | Verdict::Forbidden { .. } => {
            verdict
        }
        _ if signals::near_limit(&info) => Verdict::NearLimit(Box::new(verdict)),
        _ => verdict,
    }
}

fn classify_status(status: u16, headers: &HeaderMap, body: &str, info: &RateLimitInfo) -> Verdict {
    let html = looks_like_html(headers, body);
    let said = parse_error_body(body);
    match status {
        _ if (200..300).contains(&status) && html => Verdict::Unexpected {
            status,
            message: web_page_message(status, body),
        },
        _ if signals::write_accepted(status) => Verdict::Done { status },
        300..=399 => Verdict::Unexpected {
            status,
            message: redirect_message(status, headers),
        },
        400 | 409 => Verdict::CannotRemove {
            message: refusal_words(status, &said.message),
        },
        401 if signals::names_scope(&said) => Verdict::Unauthorized {
            message: with_detail(&OrgError::ScopedKey.to_string(), &said.message),
        },
        401 => Verdict::Unauthorized {
            message: with_detail(&OrgError::Unauthorized.to_string(), &said.message),
        },
        403 => match signals::read_403(&said) {
            Refusal403::ScopedKey => Verdict::Forbidden {
                message: with_detail(&OrgError::ScopedKey.to_string(), &said.message),
            },
            Refusal403::WholeKey => Verdict::Forbidden {
                message: with_detail(&OrgError::Forbidden.to_string(), &said.message),
            },
            Refusal403::ThisUser => Verdict::CannotRemove {
                message: refusal_words(status, &said.message),
            },
        },
        404 if html => Verdict::Unexpected {
            status,
            message: web_page_message(status, body),
        },
        404 if signals::org_missing(&said) => Verdict::Unexpected {
            status,
            message: with_detail(&OrgError::OrgNotFound.to_string(), &said.message),
        },
        404 => Verdict::NotFound {
            message: with_detail(
                "Not in this directory (HTTP 404)",
                &said.message,
            ),
        },
        429 => Verdict::RateLimited {
            status,
            info: info.clone(),
        },
        503 if info.retry_after.is_some() => Verdict::RateLimited {
            status,
            info: info.clone(),
        },
        500..=599 => Verdict::ServerError {
            status,
            message: with_detail(
                &format!("Atlassian had a temporary problem (HTTP {status})"),
                &said.message,
            ),
        },
        _ => Verdict::Unexpected {
            status,
            message: with_detail(
                &format!("Atlassian's organization API answered HTTP {status}, which Offboard did not expect"),
                &said.message,
            ),
        },
    }
}

/// The error a read's unsuccessful reply means (the caller handles a 404 it expects).
pub(super) fn read_error(
    status: u16,
    headers: &HeaderMap,
    body: &str,
    now: OffsetDateTime,
) -> OrgError {
    let said = parse_error_body(body);
    let info = rate_limit_info(headers, now);
    match status {
        401 | 403 if signals::names_scope(&said) => OrgError::ScopedKey,
        401 => OrgError::Unauthorized,
        403 => OrgError::Forbidden,
        404 if signals::org_missing(&said) => OrgError::OrgNotFound,
        429 => OrgError::RateLimited { info },
        503 if info.retry_after.is_some() => OrgError::RateLimited { info },
        300..=399 => OrgError::Status {
            status,
            message: redirect_message(status, headers),
        },
        _ if looks_like_html(headers, body) => OrgError::BadReply {
            status,
            detail: raw_text(body.trim()),
        },
        _ => OrgError::Status {
            status,
            message: if said.message.is_empty() {
                "no details were given.".to_owned()
            } else {
                said.message
            },
        },
    }
}

/// Why a redirect is not followed, naming only the other host (its URL may carry tokens).
fn redirect_message(status: u16, headers: &HeaderMap) -> String {
    let target = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v.trim()).ok())
        .and_then(|u| u.host_str().map(str::to_owned));
    let to = target.map(|host| format!(" to {host}")).unwrap_or_default();
    format!("Atlassian's organization API redirected the request{to} (HTTP {status}). Offboard does not follow redirects, so the API key only goes to api.atlassian.com; a proxy on this network may be answering in its place.")
}

fn web_page_message(status: u16, body: &str) -> String {
    with_detail(
        &format!("Atlassian's organization API answered HTTP {status} with a web page instead of its reply. Check any proxy between this computer and Atlassian"),
        &snippet(body),
    )
}

/// Atlassian's reason for refusing one user, or a sentence when it gave none.
fn refusal_words(status: u16, detail: &str) -> String {
    if detail.is_empty() {
        format!("Atlassian refused this user (HTTP {status}) without saying why")
    } else {
        detail.to_owned()
    }
}

/// A sentence, then what Atlassian said, if anything.
fn with_detail(lead: &str, detail: &str) -> String {
    let lead = lead.trim_end_matches('.');
    if detail.is_empty() {
        format!("{lead}.")
    } else {
        format!("{lead}. Atlassian said: {detail}")
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
