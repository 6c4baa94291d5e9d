//! What can go wrong when talking to the organization admin API, in an admin's words.

use crate::atlassian::RateLimitInfo;

/// Where an admin makes an organization API key without scopes.
pub const KEY_PAGE_WORDS: &str =
    "admin.atlassian.com → Settings → API keys → Create API key, and do not choose scopes";

/// Errors of the organization client's reads and of its set-up, written for an admin.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum OrgError {
    /// The API address cannot be used (the text is the input, shortened).
    #[error("'{0}' is not the address of Atlassian's organization API. Leave it empty to use https://api.atlassian.com, or use http://127.0.0.1:PORT for the practice site.")]
    BadApi(String),
    /// The org id cannot be used (the text names the input: quoted and shortened, or described).
    #[error("{}", bad_org_id_words(.0))]
    BadOrgId(String),
    /// 401: a wrong, revoked or expired key.
    #[error("Atlassian refused this organization API key (HTTP 401): it is wrong, revoked or expired (keys last a week unless another date was chosen, a year at most). Make a new key at admin.atlassian.com → Settings → API keys, without scopes.")]
    Unauthorized,
    /// The key was made with scopes, which organization mode cannot use.
    #[error("This API key was created with scopes; organization mode needs an API key without scopes: {KEY_PAGE_WORDS}.")]
    ScopedKey,
    /// 403 for the whole key: it may not manage this organization.
    #[error("This API key may not manage this organization (HTTP 403). Use a key made by an organization admin of this organization, without scopes: {KEY_PAGE_WORDS}.")]
    Forbidden,
    /// 404 for the organization itself.
    #[error("No organization with this id was found (HTTP 404), or the API key belongs to another organization. Check the org id: it is the part after /o/ in admin.atlassian.com's address, and is shown when an API key is created.")]
    OrgNotFound,
    /// 429, or 503 with a wait.
    #[error("Atlassian asked us to slow down; try again in a moment.")]
    RateLimited {
        /// What the reply said about waiting.
        info: RateLimitInfo,
    },
    /// Any other unsuccessful status, with what Atlassian said.
    #[error("Atlassian's organization API answered HTTP {status}: {message}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// Atlassian's words (or a note that it gave none).
        message: String,
    },
    /// A reply that did not make sense (a web page, wrong JSON, a list that never ends).
    #[error("Atlassian's organization API answered with something Offboard did not expect (HTTP {status}): {detail}.")]
    BadReply {
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// No reply.
    #[error("Could not reach Atlassian's organization API: {0}")]
    Network(String),
    /// The client could not be prepared (TLS set-up, no key).
    #[error("could not prepare the connection: {0}")]
    Setup(String),
}

impl OrgError {
    /// True when Atlassian refused the key (401, a scoped key) or its rights (403): going on
    /// with it would be refused again.
    pub fn credentials_refused(&self) -> bool {
        matches!(
            self,
            OrgError::Unauthorized | OrgError::ScopedKey | OrgError::Forbidden
        )
    }
}

fn bad_org_id_words(subject: &str) -> String {
    let lead = if subject.is_empty() {
        "Type your organization's id.".to_owned()
    } else {
        format!("{subject} is not an organization id.")
    };
    format!("{lead} Find it at admin.atlassian.com: open your organization and copy the address from the browser (the id is the part after /o/, such as 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d), or copy the Organization ID shown when you create an API key (Settings → API keys). Pasting the whole address works too.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_tell_the_admin_what_to_do_and_which_errors_stop_a_run() {
        assert!(OrgError::Unauthorized
            .to_string()
            .contains("admin.atlassian.com → Settings → API keys"));
        assert!(OrgError::ScopedKey.to_string().contains(
            "API key was created with scopes; organization mode needs an API key without scopes"
        ));
        assert!(OrgError::BadOrgId(String::new())
            .to_string()
            .starts_with("Type your organization's id."));
        assert!(OrgError::BadOrgId("'acme'".into())
            .to_string()
            .contains("'acme' is not an organization id. Find it at admin.atlassian.com"));
        for refused in [
            OrgError::Unauthorized,
            OrgError::ScopedKey,
            OrgError::Forbidden,
        ] {
            assert!(refused.credentials_refused(), "{refused:?}");
        }
        for other in [
            OrgError::OrgNotFound,
            OrgError::Network("x".into()),
            OrgError::Status {
                status: 500,
                message: "x".into(),
            },
        ] {
            assert!(!other.credentials_refused(), "{other:?}");
        }
    }
}
