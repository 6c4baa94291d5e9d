//! The Atlassian site client: site URL rules, Basic auth, the user endpoints, the live
//! `site-admins` group (`group/member`), and the classification of every reply into a
//! [`Verdict`] the engine can act on.
//!
//! Kept apart from the deletion engine so that a second client (the organization admin API,
//! DESIGN.md §6) can sit beside this one later.

mod client;
pub mod credential_signals;
pub mod org;
pub mod rate_limit_waits;
mod reply;
mod site;
mod transport;

pub use client::{
    ClientConfig, SiteClient, BULK_BATCH, ERROR_BODY_LIMIT, GROUP_PAGE, JSON_BODY_LIMIT,
    SITE_ADMINS_GROUP, USER_AGENT,
};
pub use credential_signals::{AdminStanding, ConfluenceProbe, CredentialRefusal};
pub use rate_limit_waits::{waiting_out, waiting_out_rate_limits, MayBeRateLimited};
pub use reply::{classify, parse_error_messages, RateLimitInfo};
pub use site::{Site, SiteError};

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The account behind the credentials, from `GET /rest/api/3/myself`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    /// The caller's account id: the one row the engine never removes.
    pub account_id: String,
    /// May be absent when the caller's privacy settings hide it.
    #[serde(default)]
    pub email_address: Option<String>,
    /// The caller's display name.
    #[serde(default)]
    pub display_name: String,
    /// Whether the account is active.
    #[serde(default)]
    pub active: bool,
    /// `atlassian`, `app`, `customer` or `unknown`.
    #[serde(default)]
    pub account_type: String,
}

/// One user as `GET /rest/api/3/user` and `/user/bulk` return it (the fields Offboard reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteUser {
    /// The account id.
    pub account_id: String,
    /// `atlassian`, `app`, `customer` or `unknown`.
    #[serde(default)]
    pub account_type: String,
    /// The display name.
    #[serde(default)]
    pub display_name: String,
    /// Null when the user's privacy settings hide it.
    #[serde(default)]
    pub email_address: Option<String>,
    /// Whether the account is active.
    #[serde(default)]
    pub active: bool,
}

/// How a request failed to get an HTTP reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// The connection could not be made: the request was certainly not sent.
    Connect,
    /// No reply in time: the request may have been carried out.
    Timeout,
    /// The connection broke after the request may have been sent.
    Broken,
}

/// The meaning of one reply (or of its absence), as the deletion engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// 2xx: the user was removed (DELETE) or the call worked.
    Done { status: u16 },
    /// 404: no such user on the site.
    NotFound { message: String },
    /// 400: Atlassian refuses to remove this user, with its reason.
    CannotRemove { message: String },
    /// 401: the email or token is wrong, missing, expired or scoped (the message says which
    /// when the reply told, see `credential_signals`).
    Unauthorized { message: String },
    /// 403: the account lacks site-administration rights.
    Forbidden { message: String },
    /// 429, or 503 with Retry-After: slow down and try again later.
    RateLimited { status: u16, info: RateLimitInfo },
    /// Another 5xx: a passing fault on Atlassian's side, worth retrying.
    ServerError { status: u16, message: String },
    /// Any other status: not retried.
    Unexpected { status: u16, message: String },
    /// No HTTP reply at all.
    Transport {
        kind: TransportKind,
        message: String,
    },
    /// A reply (never a 401, 403 or rate limit) whose headers also said the site's rate budget
    /// is nearly spent: the reply inside decides the row, the hint slows the pace.
    NearLimit(Box<Verdict>),
}

impl Verdict {
    /// The HTTP status behind this verdict, if a reply came.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Verdict::Done { status }
            | Verdict::RateLimited { status, .. }
            | Verdict::ServerError { status, .. }
            | Verdict::Unexpected { status, .. } => Some(*status),
            Verdict::NotFound { .. } => Some(404),
            Verdict::CannotRemove { .. } => Some(400),
            Verdict::Unauthorized { .. } => Some(401),
            Verdict::Forbidden { .. } => Some(403),
            Verdict::Transport { .. } => None,
            Verdict::NearLimit(answer) => answer.http_status(),
        }
    }

    /// The reply itself, without a near-limit hint around it.
    pub fn answer(&self) -> &Verdict {
        match self {
            Verdict::NearLimit(answer) => answer.answer(),
            other => other,
        }
    }

    /// True when the reply said the site's rate budget is nearly spent.
    pub fn near_limit(&self) -> bool {
        matches!(self, Verdict::NearLimit(_))
    }

    /// True when the request may have reached Atlassian and been carried out although we got
    /// no clear answer: a later 404 for the same user then means our earlier attempt worked.
    /// Any 5xx counts, a 503 with Retry-After included: a gateway may answer 503 after the
    /// site acted. A 429, 401 or 403 is a definite refusal, and a refused connection sent nothing.
    pub fn may_have_applied(&self) -> bool {
        match self {
            Verdict::Transport { kind, .. } => *kind != TransportKind::Connect,
            Verdict::ServerError { .. } => true,
            Verdict::RateLimited { status, .. } => *status >= 500,
            Verdict::NearLimit(answer) => answer.may_have_applied(),
            _ => false,
        }
    }

    /// The server's requested wait, for rate limits and 503s that carry one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Verdict::RateLimited { info, .. } => info.wait_hint(),
            Verdict::NearLimit(answer) => answer.retry_after(),
            _ => None,
        }
    }

    /// A one-line description for an admin: what happened, without secrets.
    pub fn describe(&self) -> String {
        match self {
            Verdict::Done { status } => format!("done (HTTP {status})"),
            Verdict::NotFound { message } => non_empty(message, "not found on the site"),
            Verdict::CannotRemove { message } => non_empty(message, "Atlassian refused to remove this user"),
            Verdict::Unauthorized { message } => non_empty(
                message,
                "the site rejected the email or API token (HTTP 401): check both, or make a new token",
            ),
            Verdict::Forbidden { message } => non_empty(
                message,
                "this account is not allowed to remove users (HTTP 403): it needs site-admin rights",
            ),
            Verdict::RateLimited { status, .. } => format!("Atlassian asked us to slow down (HTTP {status})"),
            Verdict::ServerError { status, message } => {
                non_empty(message, &format!("Atlassian had a temporary problem (HTTP {status})"))
            }
            Verdict::Unexpected { status, message } => {
                non_empty(message, &format!("unexpected reply from the site (HTTP {status})"))
            }
            Verdict::Transport { message, .. } => message.clone(),
            Verdict::NearLimit(answer) => answer.describe(),
        }
    }
}

fn non_empty(message: &str, fallback: &str) -> String {
    if message.trim().is_empty() {
        fallback.to_owned()
    } else {
        message.to_owned()
    }
}

/// Errors of calls other than DELETE (`myself`, lookups), written for an admin.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum AtlassianError {
    /// The site address cannot be used.
    #[error(transparent)]
    Site(#[from] SiteError),
    /// The HTTP client could not be built (TLS set-up).
    #[error("could not prepare the connection: {0}")]
    Setup(String),
    /// 401, for no reason the reply named (a wrong email or token, or an unnamed expiry).
    #[error("{}", CredentialRefusal::Rejected.message())]
    Unauthorized,
    /// 401 for a token with scopes, which the site's address does not accept.
    #[error("{}", CredentialRefusal::Scoped.message())]
    ScopedToken,
    /// 401 for a token past its expiry date.
    #[error("{}", CredentialRefusal::Expired.message())]
    ExpiredToken,
    /// 403.
    #[error("This account may not manage users on this site (HTTP 403). Use an account in the site-admins group.")]
    Forbidden,
    /// 429 or 503 with a wait.
    #[error("Atlassian asked us to slow down (HTTP {status}); try again in a moment.")]
    RateLimited { status: u16, info: RateLimitInfo },
    /// A reply that did not make sense (HTML page, wrong JSON).
    #[error("The site answered with something Offboard did not expect (HTTP {status}): {detail}. Check the site address.")]
    BadReply { status: u16, detail: String },
    /// Any other unsuccessful status.
    #[error("The site answered HTTP {status}: {message}")]
    Status { status: u16, message: String },
    /// No reply.
    #[error("Could not reach the site: {0}")]
    Network(String),
    /// The site has Confluence but no Jira, whose user API site mode needs.
    #[error("Offboard's site mode removes users through Jira's user API, which this site does not have (it looks like a Confluence-only site). Use organization mode instead: choose \"Organization\" at Connect (or `offboard org` on the command line) and connect with your organization's id and an organization API key made at admin.atlassian.com → Settings → API keys.")]
    NoJira,
}

impl AtlassianError {
    /// True when the site refused the credentials (401, whatever the reason) or their rights
    /// (403): going on with them would be refused again.
    pub fn credentials_refused(&self) -> bool {
        matches!(
            self,
            AtlassianError::Unauthorized
                | AtlassianError::ScopedToken
                | AtlassianError::ExpiredToken
                | AtlassianError::Forbidden
        )
    }
}

impl From<CredentialRefusal> for AtlassianError {
    fn from(refusal: CredentialRefusal) -> Self {
        match refusal {
            CredentialRefusal::Scoped => AtlassianError::ScopedToken,
            CredentialRefusal::Expired => AtlassianError::ExpiredToken,
            CredentialRefusal::Rejected => AtlassianError::Unauthorized,
        }
    }
}
