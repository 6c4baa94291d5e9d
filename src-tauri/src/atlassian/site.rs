//! Site addresses: what the admin types, normalised to the one URL credentials may go to.
// PLACEHOLDER: the atlassian helper replaces this file.

use url::Url;

/// A site address that passed the rules: https under atlassian.net, or plain http on loopback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    base: Url,
}

/// Why a site address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    /// Not parseable.
    #[error("'{0}' is not a site address. Type your site's name (acme), acme.atlassian.net, or its full URL.")]
    Invalid(String),
}

impl Site {
    /// Normalises `acme`, `acme.atlassian.net` or a full URL to `https://acme.atlassian.net`.
    pub fn parse(input: &str) -> Result<Site, SiteError> {
        let base = Url::parse(input.trim()).map_err(|_| SiteError::Invalid(input.to_owned()))?;
        Ok(Site { base })
    }

    /// The normalised base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The host name.
    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }
}
