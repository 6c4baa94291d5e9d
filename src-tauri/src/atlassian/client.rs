//! The HTTP client for one site and one set of credentials.
//!
//! One reqwest client per `SiteClient` (connections are pooled and reused; clones share it).
//! Redirects are never followed, so credentials cannot travel to another host (DESIGN.md §5);
//! plain http is refused by reqwest itself unless the site is on this computer.
//!
//! Company networks (issue "Robust under failure, and at home on real company networks"):
//! - Trust: the bundled Mozilla roots *and* the operating system's store (reqwest's
//!   `rustls-tls-native-roots`: rustls-native-certs reads the Windows and macOS stores, and on
//!   Linux the OpenSSL locations, honouring SSL_CERT_FILE and SSL_CERT_DIR). A TLS-inspecting
//!   proxy (Zscaler, Netskope) re-signs every site with a root IT installs in that store; the
//!   bundled roots keep Atlassian reachable on a machine whose store is empty or unreadable.
//!   Native roots rather than rustls-platform-verifier: reqwest 0.12 loads native roots itself,
//!   while the platform verifier would need a hand-built rustls config; what it would add is
//!   the platform's own checks, revocation (OCSP/CRL) above all, which Offboard, like most
//!   rustls clients, goes without.
//! - Proxy: reqwest's default honours HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, and with
//!   `system-proxy` also the Windows (registry) and macOS (System Configuration) settings. Only
//!   a site on this computer opts out (`no_proxy`). A proxy sees the CONNECT line, never the
//!   request: the token travels inside the TLS tunnel.

use super::reply::{classify, looks_like_html};
use super::{AtlassianError, Myself, Site, SiteUser, TransportKind, Verdict};
use crate::vault::ApiToken;
use base64::Engine as _;
use reqwest::Method;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use url::Url;

// Shared with the organization client (org/client_send.rs): the same words for no reply.
#[path = "client_failure.rs"]
pub(super) mod failure;
#[path = "client_group.rs"]
mod group;
#[path = "client_json.rs"]
mod json;
#[path = "client_probe.rs"]
mod probe;

pub use group::{GROUP_PAGE, SITE_ADMINS_GROUP};

use crate::atlassian::transport::Reply;
use json::parse_json;

/// Sent with every request, so Atlassian can tell Offboard's traffic apart.
pub const USER_AGENT: &str = concat!("Offboard/", env!("CARGO_PKG_VERSION"));

/// Ids per `/user/bulk` call. Jira caps bulk lookups (and pages them); 100 ids keep the URL
/// near 6 KB, well under the 8 KB that gateways commonly accept.
pub const BULK_BATCH: usize = 100;

/// Most bytes read from an error reply or a DELETE reply: enough for any ErrorCollection,
/// small enough that a giant gateway page cannot fill memory.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Most bytes read from a successful lookup (a page of up to 100 users is about 100 KB).
pub const JSON_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Timeouts and identity of the client.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request and its reply.
    pub request_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// A client bound to one site and one admin's credentials; cheap to clone and share.
#[derive(Clone)]
pub struct SiteClient {
    inner: Arc<Inner>,
}

struct Inner {
    site: Site,
    email: String,
    token: ApiToken,
    config: ClientConfig,
    /// The proxy requests go through, as `scheme://host:port` (no credentials), for messages.
    proxy: Option<String>,
    http: reqwest::Client,
}

/// One page of `GET /rest/api/3/user/bulk`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkPage {
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<u64>,
    values: Vec<SiteUser>,
}

impl SiteClient {
    /// Builds a client; fails only when TLS cannot be set up.
    pub fn new(
        site: Site,
        email: &str,
        token: ApiToken,
        config: ClientConfig,
    ) -> Result<Self, AtlassianError> {
        let (http, proxy) =
            crate::atlassian::transport::http_client(&config, site.base_url(), site.is_loopback())
                .map_err(AtlassianError::Setup)?;
        Ok(SiteClient {
            inner: Arc::new(Inner {
                site,
                email: email.trim().to_owned(),
                token,
                config,
                proxy,
                http,
            }),
        })
    }

    /// The site this client talks to.
    pub fn site(&self) -> &Site {
        &self.inner.site
    }

    /// The admin email the client signs in with.
    pub fn email(&self) -> &str {
        &self.inner.email
    }

    /// `GET /rest/api/3/myself`: who the credentials belong to (the connection check). A site
    /// without Jira is told apart from a wrong address by asking Confluence (client_probe.rs).
    pub async fn myself(&self) -> Result<Myself, AtlassianError> {
        let url = self.inner.site.endpoint("/rest/api/3/myself", &[]);
        let reply = self.fetch(Method::GET, url).await?;
        if super::credential_signals::jira_missing(reply.status) {
            return Err(self.without_jira(reply).await);
        }
        parse_json(reply)
    }

    /// `GET /rest/api/3/user?accountId=ID`: `None` on 404.
    pub async fn user(&self, account_id: &str) -> Result<Option<SiteUser>, AtlassianError> {
        let url = self
            .inner
            .site
            .endpoint("/rest/api/3/user", &[("accountId", account_id)]);
        let reply = self.fetch(Method::GET, url).await?;
        if reply.status == 404 && !looks_like_html(&reply.headers, &reply.body) {
            return Ok(None);
        }
        parse_json(reply).map(Some)
    }

    /// `GET /rest/api/3/user/bulk` in batches of [`BULK_BATCH`], following each batch's pages:
    /// the users the site reports among `ids` (duplicates and empty ids are asked once / never).
    pub async fn users_bulk(&self, ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
        let mut asked = HashSet::new();
        let unique: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| !id.is_empty() && asked.insert(*id))
            .collect();
        let mut found = HashSet::new();
        let mut users = Vec::new();
        for batch in unique.chunks(BULK_BATCH) {
            for user in self.bulk_batch(batch).await? {
                if found.insert(user.account_id.clone()) {
                    users.push(user);
                }
            }
        }
        Ok(users)
    }

    async fn bulk_batch(&self, batch: &[&str]) -> Result<Vec<SiteUser>, AtlassianError> {
        let mut users = Vec::new();
        let mut start = 0usize;
        let max = BULK_BATCH.to_string();
        // Every page must bring at least one user, so a batch needs at most batch.len() pages.
        for _ in 0..batch.len() {
            let start_text = start.to_string();
            let mut query = vec![
                ("startAt", start_text.as_str()),
                ("maxResults", max.as_str()),
            ];
            query.extend(batch.iter().map(|id| ("accountId", *id)));
            let url = self.inner.site.endpoint("/rest/api/3/user/bulk", &query);
            let reply = self.fetch(Method::GET, url).await?;
            let page: BulkPage = parse_json(reply)?;
            let count = page.values.len();
            users.extend(page.values);
            start += count;
            let last = page
                .is_last
                .unwrap_or_else(|| page.total.is_none_or(|total| start as u64 >= total));
            if last || start >= batch.len() {
                return Ok(users);
            }
            if count == 0 {
                break;
            }
        }
        // Missing users would be reported as "already gone": better to stop and say so.
        Err(AtlassianError::BadReply {
            status: 200,
            detail:
                "the list of users stopped part-way (a page said more would follow, but none came)"
                    .into(),
        })
    }

    /// Sends one request; a missing reply becomes `AtlassianError::Network`.
    async fn fetch(&self, method: Method, url: Url) -> Result<Reply, AtlassianError> {
        self.send(method, url)
            .await
            .map_err(|(_, detail)| AtlassianError::Network(detail))
    }

    async fn send(&self, method: Method, url: Url) -> Result<Reply, (TransportKind, String)> {
        let inner = &self.inner;
        let path = url.path().to_owned();
        let big = method == Method::GET;
        let request = inner
            .http
            .request(method.clone(), url)
            .basic_auth(&inner.email, Some(inner.token.expose()));
        crate::atlassian::transport::exchange(self, request, &method, &path, big).await
    }
}

impl crate::atlassian::transport::Wire for SiteClient {
    fn failure(&self, err: &reqwest::Error) -> (TransportKind, String) {
        let inner = &self.inner;
        let (kind, detail) = failure::describe(
            err,
            &inner.site.authority(),
            inner.site.is_loopback(),
            inner.proxy.as_deref(),
            inner.config.connect_timeout,
            inner.config.request_timeout,
        );
        (kind, self.redact(detail))
    }

    /// Belt and braces: a server that echoes our Authorization header must not put the token
    /// into a message, the journal or the results.
    fn redact(&self, text: String) -> String {
        let token = self.inner.token.expose();
        if token.is_empty() {
            return text;
        }
        let basic = format!("{}:{}", self.inner.email, token);
        let encoded = base64::engine::general_purpose::STANDARD.encode(basic);
        text.replace(&encoded, "[redacted]")
            .replace(token, "[redacted]")
    }
}

impl fmt::Debug for SiteClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteClient")
            .field("site", &self.inner.site.base_url())
            .field("email", &self.inner.email)
            .field("token", &self.inner.token)
            .field("config", &self.inner.config)
            .field("proxy", &self.inner.proxy)
            .finish()
    }
}

impl SiteClient {
    /// Sends `DELETE /rest/api/3/user?accountId=ID` once (no retries) and classifies the reply.
    pub async fn remove_user(&self, account_id: &str) -> Verdict {
        if account_id.trim().is_empty() {
            return Verdict::CannotRemove {
                message: "This row has no account id, so there is no user to remove.".into(),
            };
        }
        let url = self
            .inner
            .site
            .endpoint("/rest/api/3/user", &[("accountId", account_id)]);
        match self.send(Method::DELETE, url).await {
            // Once the status line is in, it decides: a body cut short changes nothing.
            Ok(reply) => classify(
                reply.status,
                &reply.headers,
                &reply.body,
                OffsetDateTime::now_utc(),
            ),
            Err((kind, detail)) => Verdict::Transport {
                kind,
                message: AtlassianError::Network(detail).to_string(),
            },
        }
    }
}
