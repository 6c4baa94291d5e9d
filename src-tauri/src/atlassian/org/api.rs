//! Where the organization admin API lives, and what the admin types as the org id.
//!
//! The key goes only to `https://api.atlassian.com` (ORG-API.md, endpoint table), or to the
//! practice site on this computer over plain http. Nothing else is accepted: an org API key can
//! suspend or remove every user of a company, so no typo may send it elsewhere.

use super::OrgError;
use crate::atlassian::site::echo;
use std::fmt;
use url::{Host, Url};

/// Atlassian's organization admin API.
pub const PRODUCTION_API: &str = "https://api.atlassian.com";

/// The host of admin.atlassian.com, whose addresses carry the org id after `/o/`.
const ADMIN_HOST: &str = "admin.atlassian.com";

/// Shortest and longest org id accepted (UUIDs are 36 characters).
const ID_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// The base URL of the organization admin API: production, or the practice site.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgApi {
    base: Url,
}

impl OrgApi {
    /// `https://api.atlassian.com`.
    pub fn production() -> OrgApi {
        OrgApi {
            base: Url::parse(PRODUCTION_API).expect("a valid constant URL"),
        }
    }

    /// Accepts `https://api.atlassian.com` (also when left empty) or `http://127.0.0.1:PORT` /
    /// `http://localhost:PORT` (the practice site); a trailing slash is fine, nothing else is.
    pub fn parse(input: &str) -> Result<OrgApi, OrgError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(OrgApi::production());
        }
        // Checked before anything echoes the input: a user name or password may be in it.
        let refused = || OrgError::BadApi(echo(text));
        if text.contains('@') {
            return Err(OrgError::BadApi(
                "an address with a user name or password".into(),
            ));
        }
        let url = Url::parse(text).map_err(|_| refused())?;
        let bare = (url.path() == "/" || url.path().is_empty())
            && url.query().is_none()
            && url.fragment().is_none();
        if !bare {
            return Err(refused());
        }
        let production = url.scheme() == "https"
            && url.host() == Some(Host::Domain("api.atlassian.com"))
            && url.port().is_none();
        if production {
            return Ok(OrgApi::production());
        }
        let local = match url.host() {
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            _ => false,
        };
        match (url.scheme(), local, url.port()) {
            ("http", true, Some(_)) => Ok(OrgApi { base: url }),
            _ => Err(refused()),
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// True for the practice site on this computer.
    pub fn is_loopback(&self) -> bool {
        self.base.scheme() == "http"
    }

    /// The host and, when not the default, the port: what an admin reads in messages.
    pub fn authority(&self) -> String {
        let host = self.base.host_str().unwrap_or_default();
        match self.base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// A URL under the base: each segment is percent-encoded on its own (a `/`, `?` or `%` in
    /// an id stays inside its segment), then the query pairs are added.
    pub(crate) fn endpoint(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("an http(s) base has a path")
            .clear()
            .extend(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

impl Default for OrgApi {
    fn default() -> Self {
        OrgApi::production()
    }
}

impl fmt::Display for OrgApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base_url())
    }
}

/// The org id from what the admin typed: a bare id (letters, digits and dashes, 8–64 of them,
/// at least one digit) or a pasted admin.atlassian.com address such as
/// `https://admin.atlassian.com/o/<id>/users?status=active` (the segment after `/o/`).
pub fn parse_org_id(input: &str) -> Result<String, OrgError> {
    let text = input.trim();
    if is_org_id(text) {
        return Ok(text.to_owned());
    }
    let lower = text.to_ascii_lowercase();
    let url = if text.contains("://") {
        Url::parse(text).ok()
    } else if lower.starts_with(ADMIN_HOST) {
        Url::parse(&format!("https://{text}")).ok()
    } else {
        None
    };
    let from_url = url
        .filter(|u| u.host_str() == Some(ADMIN_HOST))
        .and_then(|u| {
            let segments: Vec<String> = u.path_segments()?.map(str::to_owned).collect();
            let at = segments.iter().position(|s| s == "o")?;
            segments.get(at + 1).cloned()
        });
    match from_url {
        Some(id) if is_org_id(&id) => Ok(id),
        _ => Err(OrgError::BadOrgId(subject(text))),
    }
}

/// Letters, digits and dashes only, of a UUID-like length, with at least one digit (a word
/// such as a company name is not an id).
fn is_org_id(text: &str) -> bool {
    ID_LEN.contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && text.bytes().any(|b| b.is_ascii_digit())
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// How a refused org id is named in its message. A long text that is no address is not
/// echoed: it is most likely the API key pasted into the wrong field.
fn subject(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else if text.len() > ID_LEN.end() + 16 && !text.contains('/') {
        "The text pasted (too long to be an org id; the API key goes in its own field)".into()
    } else {
        format!("'{}'", echo(text))
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
