//! Site addresses: what the admin types, normalised to the one URL credentials may go to.
//!
//! Rules (DESIGN.md §5): `https` only, host `<name>.atlassian.net` (or a custom domain the admin
//! confirmed, through [`Site::parse_custom`]); plain `http` only to this computer (the practice
//! site and tests). Only scheme, host and port are kept: a path, query or fragment pasted from
//! the browser's address bar (`/jira/people?x=1#top`) is dropped, since it never changes which
//! site is meant. A user name or password in the address is refused, never silently dropped,
//! so that nobody believes credentials typed there are used.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use url::{Host, Url};

/// The domain under which every Atlassian Cloud site lives.
const CLOUD_DOMAIN: &str = "atlassian.net";

/// Longest input echoed back in an error message: enough to recognise, short enough to read.
const ECHO_LIMIT: usize = 80;

/// A site address that passed the rules: https under atlassian.net (or a confirmed custom
/// domain), or plain http on loopback.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Site {
    base: Url,
    custom: bool,
}

/// Why a site address cannot be used; each message says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    /// Nothing was typed.
    #[error("Type your site's address, for example acme.atlassian.net.")]
    Empty,
    /// Spaces inside the address.
    #[error("'{0}' contains spaces. Type the site address without spaces, for example acme.atlassian.net.")]
    Spaces(String),
    /// A user name or password inside the URL (never echoed back: it may hold a password).
    #[error("The site address contains a user name or password. Type only the address, for example https://acme.atlassian.net, and put your email and API token in their own fields.")]
    Credentials,
    /// A scheme other than https (or http to this computer).
    #[error("Offboard only talks to sites over https, not '{0}:'. Type the address as https://acme.atlassian.net.")]
    Scheme(String),
    /// Plain http to a host other than this computer.
    #[error("'http://{0}' is not a secure address: your API token would travel unencrypted. Type https://{0} instead.")]
    PlainHttp(String),
    /// Not a host name Offboard can use.
    #[error("'{0}' is not a site address. Type your site's name (acme), acme.atlassian.net, or its full URL.")]
    Invalid(String),
    /// `atlassian.net` without the site's own name in front.
    #[error("atlassian.net alone is not a site. Type your site's name in front of it, for example acme.atlassian.net.")]
    NoSiteName,
    /// A host outside atlassian.net, including look-alikes such as `acme.atlassian.net.evil.com`.
    #[error("'{0}' is not an Atlassian Cloud site address (those look like acme.atlassian.net). Type your site's address; if your site really uses its own domain, confirm it as a custom domain.")]
    NotAtlassian(String),
    /// A port number on an Atlassian Cloud address.
    #[error("Atlassian Cloud sites do not use a port number. Type https://{0} instead.")]
    Port(String),
}

impl Site {
    /// Normalises `acme`, `acme.atlassian.net` or a full URL to `https://acme.atlassian.net`.
    pub fn parse(input: &str) -> Result<Site, SiteError> {
        Site::build(input, false)
    }

    /// Like [`Site::parse`], but also accepts a custom domain the admin confirmed (https only).
    pub fn parse_custom(input: &str) -> Result<Site, SiteError> {
        Site::build(input, true)
    }

    /// The normalised base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The host name (for an IPv6 loopback, with its brackets).
    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }

    /// The host and, when not the default, the port: what an admin reads in messages.
    pub fn authority(&self) -> String {
        match self.base.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host().to_owned(),
        }
    }

    /// True for a site on this computer (`localhost`, `127.0.0.1`, `[::1]`): the practice site.
    pub fn is_loopback(&self) -> bool {
        self.base.host().is_some_and(|h| is_loopback_host(&h))
    }

    /// True when the site was accepted as a confirmed custom domain outside atlassian.net.
    pub fn is_custom(&self) -> bool {
        self.custom
    }

    /// A URL on this site: `path` starts with `/`; `query` pairs are percent-encoded here.
    pub fn endpoint(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    fn build(input: &str, allow_custom: bool) -> Result<Site, SiteError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(SiteError::Empty);
        }
        // Checked before anything echoes the input back: it may hold a password.
        if authority_part(text).contains('@') {
            return Err(SiteError::Credentials);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(SiteError::Spaces(echo(text)));
        }
        let explicit_scheme = text.contains("://");
        let url = if explicit_scheme {
            Url::parse(text)
        } else {
            Url::parse(&format!("https://{text}"))
        }
        .map_err(|_| SiteError::Invalid(echo(text)))?;

        if !url.username().is_empty() || url.password().is_some() {
            return Err(SiteError::Credentials);
        }
        let scheme = url.scheme().to_owned();
        if scheme != "https" && scheme != "http" {
            return Err(SiteError::Scheme(echo(&scheme)));
        }
        let host = url.host().ok_or_else(|| SiteError::Invalid(echo(text)))?;

        if is_loopback_host(&host) {
            // Without a scheme, a local address means the practice site, which speaks http.
            let scheme = if explicit_scheme {
                scheme.as_str()
            } else {
                "http"
            };
            let host = match host {
                Host::Domain(_) => "localhost".to_owned(),
                other => other.to_string(),
            };
            return Site::assemble(scheme, &host, url.port(), false);
        }

        let name = match host {
            Host::Domain(name) => name.trim_end_matches('.').to_owned(),
            Host::Ipv4(_) | Host::Ipv6(_) => return Err(SiteError::NotAtlassian(echo(text))),
        };
        if !is_dns_name(&name) {
            return Err(SiteError::Invalid(echo(text)));
        }
        // A bare word typed without a scheme is the site's name: `acme` → acme.atlassian.net.
        let name = if !explicit_scheme && !name.contains('.') {
            format!("{name}.{CLOUD_DOMAIN}")
        } else {
            name
        };
        if scheme == "http" {
            return Err(SiteError::PlainHttp(name));
        }
        let cloud = match name.strip_suffix(CLOUD_DOMAIN) {
            Some("") => return Err(SiteError::NoSiteName),
            // Exactly one label in front: `x.y.atlassian.net` is no Cloud site address.
            Some(front) => front.strip_suffix('.').is_some_and(|s| !s.contains('.')),
            None => false,
        };
        if cloud {
            if url.port().is_some() {
                return Err(SiteError::Port(name));
            }
            return Site::assemble("https", &name, None, false);
        }
        if allow_custom && name.contains('.') {
            return Site::assemble("https", &name, url.port(), true);
        }
        Err(SiteError::NotAtlassian(name))
    }

    fn assemble(
        scheme: &str,
        host: &str,
        port: Option<u16>,
        custom: bool,
    ) -> Result<Site, SiteError> {
        let text = match port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        };
        let base = Url::parse(&text).map_err(|_| SiteError::Invalid(echo(&text)))?;
        Ok(Site { base, custom })
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base_url())
    }
}

impl FromStr for Site {
    type Err = SiteError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Site::parse(s)
    }
}

fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Letters, digits and inner hyphens, 1–63 per label, 253 in all (RFC 1035, as browsers do).
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The `user:pass@host:port` part of what was typed, with or without a scheme.
fn authority_part(text: &str) -> &str {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    &rest[..end]
}

/// The input as it may appear in a message: shortened, one line.
pub(crate) fn echo(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(ECHO_LIMIT)
        .collect();
    if text.chars().count() > ECHO_LIMIT {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;
