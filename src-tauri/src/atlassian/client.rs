//! The HTTP client for one site and one set of credentials.
// PLACEHOLDER: the atlassian helper replaces this file.

use super::{AtlassianError, Myself, Remover, Site, SiteUser, TransportKind, Verdict};
use crate::vault::ApiToken;
use std::time::Duration;

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

/// A client bound to one site and one admin's credentials.
#[derive(Debug, Clone)]
pub struct SiteClient {
    site: Site,
    email: String,
    token: ApiToken,
    config: ClientConfig,
}

impl SiteClient {
    /// Builds a client; fails only when TLS cannot be set up.
    pub fn new(
        site: Site,
        email: &str,
        token: ApiToken,
        config: ClientConfig,
    ) -> Result<Self, AtlassianError> {
        Ok(SiteClient {
            site,
            email: email.to_owned(),
            token,
            config,
        })
    }

    /// The site this client talks to.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// `GET /rest/api/3/myself`.
    pub async fn myself(&self) -> Result<Myself, AtlassianError> {
        let _ = (&self.email, &self.token, &self.config);
        Err(AtlassianError::Network("not built yet".into()))
    }

    /// `GET /rest/api/3/user?accountId=ID`: `None` on 404.
    pub async fn user(&self, _account_id: &str) -> Result<Option<SiteUser>, AtlassianError> {
        Err(AtlassianError::Network("not built yet".into()))
    }

    /// `GET /rest/api/3/user/bulk` in batches: the users that exist among `ids`.
    pub async fn users_bulk(&self, _ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
        Err(AtlassianError::Network("not built yet".into()))
    }
}

impl Remover for SiteClient {
    async fn remove_user(&self, _account_id: &str) -> Verdict {
        Verdict::Transport {
            kind: TransportKind::Connect,
            message: "not built yet".into(),
        }
    }
}
