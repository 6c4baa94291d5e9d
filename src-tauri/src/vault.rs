//! The OS keychain: one API token per (site, email), and the token type that never shows itself.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// An Atlassian API token. Debug and Display print `[redacted]`; only `expose` reveals it.
#[derive(Clone)]
pub struct ApiToken(SecretString);

impl ApiToken {
    /// Wraps a token, trimming the spaces and line ends that copy and paste bring along.
    pub fn new(token: impl Into<String>) -> Self {
        let raw: String = token.into();
        ApiToken(SecretString::from(raw.trim().to_owned()))
    }

    /// The token itself, for the one place that needs it: the Authorization header.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// True when the token is empty after trimming.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
