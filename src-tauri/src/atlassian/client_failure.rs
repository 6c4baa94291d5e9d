//! Admin-readable words for requests that got no HTTP reply.
//!
//! reqwest's own Display names the whole URL and its internal layers; these messages name the
//! host and say what to check. None of the texts used here carries a header, so no token.

use crate::atlassian::reply::{one_line, shorten};
use crate::atlassian::TransportKind;
use std::error::Error as StdError;
use std::io;
use std::time::Duration;

/// Deepest cause looked at: error chains are short, this only bounds the walk.
const MAX_CHAIN: usize = 16;

/// Sorts a reqwest error into a [`TransportKind`] and says what happened, for an admin.
pub(super) fn describe(
    err: &reqwest::Error,
    host: &str,
    loopback: bool,
    connect_timeout: Duration,
    request_timeout: Duration,
) -> (TransportKind, String) {
    let causes = chain(err);
    let innermost = causes.last().cloned().unwrap_or_default();
    let lower = causes.join(" ").to_ascii_lowercase();
    let io_kind = io_kinds(err);
    let timed_out = err.is_timeout() || io_kind.contains(&io::ErrorKind::TimedOut);

    // A connect error means the request was certainly not sent, even when it timed out.
    if err.is_connect() {
        let detail = if timed_out {
            format!(
                "{host} did not accept a connection within {}. Check your internet connection, proxy or VPN, and try again.",
                secs(connect_timeout)
            )
        } else if io_kind.contains(&io::ErrorKind::ConnectionRefused) {
            let hint = if loopback {
                "Check that the practice site (or test server) is running on this computer."
            } else {
                "Check the site address and your internet connection."
            };
            format!("{host} refused the connection. {hint}")
        } else if [
            "dns",
            "lookup",
            "name or service",
            "no such host",
            "resolve",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            format!(
                "{host} could not be found. Check the site address and your internet connection."
            )
        } else if ["certificate", "tls", "handshake", "alert"]
            .iter()
            .any(|w| lower.contains(w))
        {
            format!(
                "a secure connection to {host} could not be set up ({innermost}). A proxy or antivirus that inspects secure connections can cause this."
            )
        } else {
            format!(
                "could not connect to {host} ({innermost}). Check your internet connection and try again."
            )
        };
        return (TransportKind::Connect, detail);
    }
    if timed_out {
        let detail = format!(
            "{host} did not answer within {}. The request may still have been carried out.",
            secs(request_timeout)
        );
        return (TransportKind::Timeout, detail);
    }
    let detail = format!(
        "the connection to {host} broke before the reply was complete ({innermost}). The request may still have been carried out."
    );
    (TransportKind::Broken, detail)
}

/// The messages of the error's causes, outermost first, without reqwest's URL-bearing top.
fn chain(err: &reqwest::Error) -> Vec<String> {
    let mut out = Vec::new();
    let mut cause = err.source();
    for _ in 0..MAX_CHAIN {
        let Some(current) = cause else { break };
        let text = shorten(&one_line(&current.to_string()), 150);
        if !text.is_empty() {
            out.push(text);
        }
        cause = current.source();
    }
    out
}

fn io_kinds(err: &reqwest::Error) -> Vec<io::ErrorKind> {
    let mut out = Vec::new();
    let mut cause: Option<&(dyn StdError + 'static)> = err.source();
    for _ in 0..MAX_CHAIN {
        let Some(current) = cause else { break };
        if let Some(io_err) = current.downcast_ref::<io::Error>() {
            out.push(io_err.kind());
        }
        cause = current.source();
    }
    out
}

/// `30 s`, or `0.25 s` for short test timeouts.
pub(super) fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}
