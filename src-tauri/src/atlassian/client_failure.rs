//! Admin-readable words for requests that got no HTTP reply.
//!
//! reqwest's own Display names the whole URL and its internal layers; these messages name the
//! host and say what to check. None of the texts used here carries a header, so no token, and
//! a proxy is named by its scheme, host and port only (its address may hold a password).

use crate::atlassian::reply::{one_line, shorten};
use crate::atlassian::TransportKind;
use std::error::Error as StdError;
use std::io;
use std::time::Duration;

/// Deepest cause looked at: error chains are short, this only bounds the walk.
const MAX_CHAIN: usize = 16;

/// Said when the site's certificate chains to no root this computer trusts: on a company
/// network that is nearly always a TLS-inspecting proxy whose root is not installed.
const UNTRUSTED: &str = "the site's certificate is not trusted by this computer. If your company inspects secure traffic (for example Zscaler or Netskope), ask your IT team to install its root certificate in this computer's certificate store, then try again.";

/// Sorts a reqwest error into a [`TransportKind`] and says what happened, for an admin.
/// `proxy` is the proxy the request went through (already without credentials), if any.
pub(in crate::atlassian) fn describe(
    err: &reqwest::Error,
    host: &str,
    loopback: bool,
    proxy: Option<&str>,
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
        if let Some(problem) = certificate_problem(err) {
            return (TransportKind::Connect, problem.describe(host));
        }
        // Through a proxy, every TCP connection goes to the proxy, and the site's own failures
        // come back as "tunnel" errors; hyper-util reports an unreachable proxy as a tunnel
        // that "failed to create underlying connection".
        if let Some(proxy) = proxy {
            let unreachable = lower.contains("failed to create underlying connection");
            let tunnel = lower.contains("tunnel") && !unreachable;
            let refused = io_kind.contains(&io::ErrorKind::ConnectionRefused);
            if unreachable || (!tunnel && (timed_out || refused || looks_like_dns(&lower))) {
                let what = if timed_out {
                    format!("did not answer within {}", secs(connect_timeout))
                } else if refused {
                    "refused the connection".to_owned()
                } else if looks_like_dns(&lower) {
                    "could not be found".to_owned()
                } else {
                    format!("could not be reached ({innermost})")
                };
                return (
                    TransportKind::Connect,
                    format!(
                        "the proxy {proxy} {what}. Check the proxy setting (HTTPS_PROXY, or this computer's proxy settings) with your IT team, and try again."
                    ),
                );
            }
            if lower.contains("proxy authorization required") {
                return (
                    TransportKind::Connect,
                    format!(
                        "the proxy {proxy} asks for a sign-in that Offboard cannot give. Ask your IT team how programs on this computer should use the proxy."
                    ),
                );
            }
            if tunnel {
                return (
                    TransportKind::Connect,
                    format!(
                        "the proxy {proxy} would not connect to {host} ({innermost}). Check the site address and the proxy setting, and try again."
                    ),
                );
            }
        }
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
        } else if looks_like_dns(&lower) {
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

/// Name-lookup failures, in the words the resolvers of the three systems use.
fn looks_like_dns(lower: &str) -> bool {
    [
        "dns",
        "lookup",
        "name or service",
        "no such host",
        "resolve",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// What was wrong with the certificate the site presented, as far as an admin can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertificateProblem {
    /// No trusted root vouches for it (an inspecting proxy's root not installed, or self-signed).
    Untrusted,
    /// Out of its dates: often this computer's clock.
    Dates,
    /// Issued for another name.
    OtherName,
}

impl CertificateProblem {
    fn describe(self, host: &str) -> String {
        match self {
            CertificateProblem::Untrusted => UNTRUSTED.to_owned(),
            CertificateProblem::Dates => format!(
                "the certificate of {host} has expired or is not valid yet. Check that this computer's date and time are right, then try again."
            ),
            CertificateProblem::OtherName => format!(
                "the certificate presented for {host} was issued for another address. Check the site address; if your company inspects secure traffic, tell your IT team."
            ),
        }
    }
}

/// The rustls verdict on the server's certificate, if that is why the connection failed.
/// rustls' error travels inside an `io::Error`, whose `source()` skips it: `get_ref` reaches it.
fn certificate_problem(err: &reqwest::Error) -> Option<CertificateProblem> {
    use rustls::CertificateError as C;
    let mut cause: Option<&(dyn StdError + 'static)> = err.source();
    for _ in 0..MAX_CHAIN {
        let current = cause?;
        let tls = current.downcast_ref::<rustls::Error>().or_else(|| {
            current
                .downcast_ref::<io::Error>()
                .and_then(io::Error::get_ref)
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(problem)) = tls {
            return Some(match problem {
                C::Expired
                | C::ExpiredContext { .. }
                | C::NotValidYet
                | C::NotValidYetContext { .. } => CertificateProblem::Dates,
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    CertificateProblem::OtherName
                }
                // UnknownIssuer above all; a bad signature or an unusable chain is as untrusted.
                _ => CertificateProblem::Untrusted,
            });
        }
        cause = current.source();
    }
    None
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
