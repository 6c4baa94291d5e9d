//! Reading Atlassian's replies: status classes, ErrorCollection bodies, rate-limit headers.
// PLACEHOLDER: the atlassian helper replaces this file.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a 429 (or 503) said about waiting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitInfo {
    /// `Retry-After`, in seconds.
    pub retry_after: Option<Duration>,
    /// Wait until `X-RateLimit-Reset`, measured when the reply arrived.
    pub until_reset: Option<Duration>,
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-NearLimit: true`.
    pub near_limit: bool,
    /// `RateLimit-Reason`, e.g. `jira-burst-based`.
    pub reason: Option<String>,
}

impl RateLimitInfo {
    /// The wait the server asked for: Retry-After, else the time to the reset, else none.
    pub fn wait_hint(&self) -> Option<Duration> {
        self.retry_after.or(self.until_reset)
    }
}

/// Joins the messages of an Atlassian ErrorCollection body; empty for empty or non-JSON bodies.
pub fn parse_error_messages(body: &str) -> String {
    body.trim().to_owned()
}
