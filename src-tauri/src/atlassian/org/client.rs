//! The HTTP client for one organization and one org API key.
//!
//! Built like the site client (`atlassian/client.rs`, which says why in full): one pooled
//! reqwest client with rustls, bundled and system roots, the system proxy except for the
//! practice site on this computer, no redirects (the key must only reach api.atlassian.com),
//! timeouts from [`ClientConfig`], bounded bodies, and the key redacted from every text a
//! reply could echo it into. Each call sends one request and does not retry, except where a
//! method says so.

use super::{OrgApi, OrgError};
use crate::atlassian::ClientConfig;
use crate::vault::ApiToken;
use std::fmt;
use std::sync::Arc;

#[path = "client_lifecycle.rs"]
mod lifecycle;
#[path = "client_reads.rs"]
mod reads;
#[path = "client_send.rs"]
mod send;
#[path = "client_writes.rs"]
mod writes;

use send::parse_json;

/// A client bound to one organization and its API key; cheap to clone and share.
#[derive(Clone)]
pub struct OrgClient {
    inner: Arc<Inner>,
    /// The directory that [`crate::sweep::Actor`] writes and read-backs act on.
    directory: Option<Arc<str>>,
}

struct Inner {
    api: OrgApi,
    org_id: String,
    key: ApiToken,
    config: ClientConfig,
    /// The proxy requests go through, as `scheme://host:port` (no credentials), for messages.
    proxy: Option<String>,
    http: reqwest::Client,
}

impl OrgClient {
    /// Builds a client for the org `org_id` (a bare id or a pasted admin.atlassian.com address);
    /// fails when the id cannot be used, no key was given, or TLS cannot be set up.
    pub fn new(
        api: OrgApi,
        org_id: &str,
        key: ApiToken,
        config: ClientConfig,
    ) -> Result<OrgClient, OrgError> {
        let org_id = super::parse_org_id(org_id)?;
        if key.is_empty() {
            return Err(OrgError::Setup(
                "no organization API key was given. Paste the key made at admin.atlassian.com → Settings → API keys."
                    .into(),
            ));
        }
        let (http, proxy) =
            crate::atlassian::transport::http_client(&config, api.base_url(), api.is_loopback())
                .map_err(OrgError::Setup)?;
        Ok(OrgClient {
            inner: Arc::new(Inner {
                api,
                org_id,
                key,
                config,
                proxy,
                http,
            }),
            directory: None,
        })
    }

    /// The same client, acting on `directory_id` for [`crate::sweep::Actor`] writes and
    /// read-backs (trimmed; `-` is accepted here for reads and refused by every write).
    pub fn with_directory(self, directory_id: &str) -> OrgClient {
        OrgClient {
            directory: Some(Arc::from(directory_id.trim())),
            ..self
        }
    }

    /// The org id, as parsed from what was typed.
    pub fn org_id(&self) -> &str {
        &self.inner.org_id
    }

    /// The directory chosen with [`OrgClient::with_directory`], if any.
    pub fn directory(&self) -> Option<&str> {
        self.directory.as_deref()
    }

    /// The API this client talks to.
    pub fn api(&self) -> &OrgApi {
        &self.inner.api
    }

    /// `admin/v2/orgs/{org}/directories/{dir}/users/{id}` as path segments.
    fn user_path<'a>(&'a self, directory_id: &'a str, account_id: &'a str) -> Vec<&'a str> {
        let mut path = self.directory_path(directory_id);
        path.extend(["users", account_id]);
        path
    }

    /// `admin/v2/orgs/{org}/directories/{dir}` as path segments.
    fn directory_path<'a>(&'a self, directory_id: &'a str) -> Vec<&'a str> {
        vec![
            "admin",
            "v2",
            "orgs",
            &self.inner.org_id,
            "directories",
            directory_id,
        ]
    }
}

impl fmt::Debug for OrgClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrgClient")
            .field("api", &self.inner.api.base_url())
            .field("org_id", &self.inner.org_id)
            .field("directory", &self.directory)
            .field("key", &self.inner.key)
            .field("config", &self.inner.config)
            .field("proxy", &self.inner.proxy)
            .finish()
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
