//! Reading Atlassian's replies: status classes, ErrorCollection bodies, rate-limit headers.
//!
//! Everything here is pure (status, headers, body text, the current time in; a meaning out) so
//! it is tested without HTTP, and the retry schedule stays in the engine (DESIGN.md §4–5).

use super::credential_signals::read_401;
use super::Verdict;
use reqwest::header::{HeaderMap, LOCATION};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime};
use time::format_description::well_known::Iso8601;
use time::OffsetDateTime;

#[path = "reply_text.rs"]
mod text;

pub use text::parse_error_messages;
pub(crate) use text::{looks_like_html, one_line, shorten, snippet};

/// What a 429 (or 503) said about waiting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitInfo {
    /// `Retry-After` (seconds or an HTTP date), as a wait from when the reply arrived.
    pub retry_after: Option<Duration>,
    /// Wait until `X-RateLimit-Reset`, measured when the reply arrived; never negative.
    pub until_reset: Option<Duration>,
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-NearLimit: true` (under 20% of the budget left).
    pub near_limit: bool,
    /// `RateLimit-Reason`, e.g. `jira-burst-based` or `jira-quota-tenant-based`.
    pub reason: Option<String>,
}

impl RateLimitInfo {
    /// Longest wait believed from a header: anything longer is clamped. Five minutes covers
    /// every wait Atlassian documents; a longer one is more likely a misread or a gateway's
    /// oddity, and the row's bounded retries still protect the site if it was meant.
    pub const MAX_WAIT: Duration = Duration::from_secs(5 * 60);

    /// Reads the rate-limit headers of a reply that arrived at `now`; unreadable ones are `None`.
    pub fn from_headers(headers: &HeaderMap, now: OffsetDateTime) -> RateLimitInfo {
        let value = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        RateLimitInfo {
            retry_after: value("retry-after").and_then(|v| parse_retry_after(v, now)),
            until_reset: value("x-ratelimit-reset").and_then(|v| parse_reset(v, now)),
            limit: value("x-ratelimit-limit").and_then(|v| v.parse().ok()),
            remaining: value("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            near_limit: value("x-ratelimit-nearlimit")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
            reason: value("ratelimit-reason")
                .map(|v| text::shorten(&text::one_line(v), 100))
                .filter(|v| !v.is_empty()),
        }
    }

    /// The wait the server asked for: Retry-After, else the time to the reset, else none.
    /// A zero wait (`Retry-After: 0`, a reset already past) is no hint: retrying at once would
    /// hammer the site, so the caller backs off instead.
    pub fn wait_hint(&self) -> Option<Duration> {
        let useful = |d: &Duration| !d.is_zero();
        self.retry_after
            .filter(useful)
            .or(self.until_reset.filter(useful))
    }

    /// True when the site says its budget is nearly spent: `X-RateLimit-NearLimit: true`, or
    /// under 20% of `X-RateLimit-Limit` remaining.
    pub fn is_near_limit(&self) -> bool {
        let low = match (self.limit, self.remaining) {
            (Some(limit), Some(remaining)) => u128::from(remaining) * 5 < u128::from(limit),
            _ => false,
        };
        self.near_limit || low
    }

    /// True when the reason names a tenant-wide quota (pause everything), not a burst limit.
    pub fn is_quota(&self) -> bool {
        self.reason.as_deref().is_some_and(|r| r.contains("quota"))
    }
}

/// The meaning of one reply to `DELETE /rest/api/3/user` (DESIGN.md §4–5), without HTTP.
///
/// A 2xx or 404 that carries a web page instead of the API's JSON is `Unexpected`: a proxy or
/// a wrong address answered, and "removed" or "already gone" would then be a false report.
///
/// Any other reply whose headers say the rate budget is nearly spent comes wrapped in
/// [`Verdict::NearLimit`], so the engine slows down before a 429 comes.
pub fn classify(status: u16, headers: &HeaderMap, body: &str, now: OffsetDateTime) -> Verdict {
    let verdict = classify_status(status, headers, body, now);
    match verdict {
        // These already stop or slow the run; a hint adds nothing.
        Verdict::RateLimited { .. } | Verdict::Unauthorized { .. } | Verdict::Forbidden { .. } => {
            verdict
        }
        _ if RateLimitInfo::from_headers(headers, now).is_near_limit() => {
            Verdict::NearLimit(Box::new(verdict))
        }
        _ => verdict,
    }
}

fn classify_status(status: u16, headers: &HeaderMap, body: &str, now: OffsetDateTime) -> Verdict {
    let html = looks_like_html(headers, body);
    let said = parse_error_messages(body);
    match status {
        200..=299 if html => Verdict::Unexpected {
            status,
            message: web_page_message(status, body),
        },
        200..=299 => Verdict::Done { status },
        300..=399 => Verdict::Unexpected {
            status,
            message: redirect_message(status, headers),
        },
        400 => Verdict::CannotRemove { message: said },
        // Why, as far as the reply tells (credential_signals.rs): a run halting on a scoped
        // or expired token says so.
        401 => Verdict::Unauthorized {
            message: after_sentence(read_401(headers, body).message(), &said),
        },
        403 => Verdict::Forbidden {
            message: with_detail(
                "This account may not remove users on this site (HTTP 403). Use an account in the site-admins group",
                &said,
            ),
        },
        404 if html => Verdict::Unexpected {
            status,
            message: web_page_message(status, body),
        },
        404 => Verdict::NotFound { message: said },
        429 => Verdict::RateLimited {
            status,
            info: RateLimitInfo::from_headers(headers, now),
        },
        503 if RateLimitInfo::from_headers(headers, now).retry_after.is_some() => {
            Verdict::RateLimited {
                status,
                info: RateLimitInfo::from_headers(headers, now),
            }
        }
        500..=599 => Verdict::ServerError {
            status,
            message: with_detail(
                &format!("Atlassian had a temporary problem (HTTP {status})"),
                &said,
            ),
        },
        _ => Verdict::Unexpected {
            status,
            message: with_detail(
                &format!("The site answered HTTP {status}, which Offboard did not expect"),
                &said,
            ),
        },
    }
}

/// Why a redirect is not followed, naming only the other host (its URL may carry tokens).
pub(crate) fn redirect_message(status: u16, headers: &HeaderMap) -> String {
    let target = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v.trim()).ok())
        .and_then(|u| u.host_str().map(str::to_owned));
    let to = match target {
        Some(host) => format!(" to {host}"),
        None => String::new(),
    };
    format!(
        "The site redirected the request{to} (HTTP {status}). Offboard does not follow redirects, so your credentials only go to the address you typed: check the site address (a renamed site has a new one)."
    )
}

/// A web page came where Atlassian's API answers with JSON.
pub(crate) fn web_page_message(status: u16, body: &str) -> String {
    with_detail(
        &format!("The site answered HTTP {status} with a web page instead of Atlassian's API reply. Check the site address, and any proxy between this computer and Atlassian"),
        &snippet(body),
    )
}

/// Whole sentences, then what Atlassian said, if anything.
fn after_sentence(sentences: &str, detail: &str) -> String {
    if detail.is_empty() {
        sentences.to_owned()
    } else {
        format!("{sentences} Atlassian said: {detail}")
    }
}

fn with_detail(lead: &str, detail: &str) -> String {
    if detail.is_empty() {
        format!("{lead}.")
    } else {
        format!("{lead}. Atlassian said: {detail}")
    }
}

/// `Retry-After`: delay-seconds (fractions and negatives tolerated) or an HTTP date.
fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    if let Ok(secs) = value.parse::<f64>() {
        return secs.is_finite().then(|| clamp_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(until(OffsetDateTime::from(at), now))
}

/// `X-RateLimit-Reset`: ISO 8601 as documented; epoch or delta seconds from other gateways.
fn parse_reset(value: &str, now: OffsetDateTime) -> Option<Duration> {
    if let Ok(at) = OffsetDateTime::parse(value, &Iso8601::PARSING) {
        return Some(until(at, now));
    }
    let secs = value.parse::<f64>().ok().filter(|s| s.is_finite())?;
    // Anything this large is a Unix time, not a delay: in milliseconds from 1e11 on (seconds
    // that large are thousands of years away; milliseconds under it are before 1974).
    if secs > 1e9 {
        let secs = if secs >= 1e11 { secs / 1000.0 } else { secs };
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(secs.min(1e11));
        return Some(until(OffsetDateTime::from(at), now));
    }
    Some(clamp_secs(secs))
}

fn until(at: OffsetDateTime, now: OffsetDateTime) -> Duration {
    let left = at - now;
    if left.is_negative() {
        return Duration::ZERO;
    }
    Duration::try_from(left)
        .unwrap_or(RateLimitInfo::MAX_WAIT)
        .min(RateLimitInfo::MAX_WAIT)
}

fn clamp_secs(secs: f64) -> Duration {
    let max = RateLimitInfo::MAX_WAIT.as_secs_f64();
    Duration::from_secs_f64(secs.clamp(0.0, max))
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
