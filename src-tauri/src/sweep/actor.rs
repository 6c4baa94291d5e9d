//! What the engine needs from whoever carries out its action: one request per account, and a
//! way to read accounts back. The site client and the organization client are the real ones;
//! engine unit tests use scripted fakes.

use super::action::Action;
use crate::atlassian::{AtlassianError, SiteClient, Verdict};
use crate::roster::canonical_account_id;
use std::collections::HashSet;
use std::future::Future;

/// Carries out one action on one account at a time, and reads accounts back.
pub trait Actor: Send + Sync + 'static {
    /// Sends `action`'s one request for `account_id` (no retries) and classifies the reply.
    fn apply(&self, action: Action, account_id: &str) -> impl Future<Output = Verdict> + Send;

    /// Reads `ids` back (reads only) and returns those for which `action`'s end state holds
    /// now: gone from the site or directory, suspended, restored. Used to settle a lost reply
    /// before any retry, and to verify a run afterwards. A failed read is classified like any
    /// reply (a 401 stops the run, a 429 waits, a 5xx or timeout is retried).
    fn read_back(
        &self,
        action: Action,
        ids: &[String],
    ) -> impl Future<Output = Result<HashSet<String>, Verdict>> + Send;
}

impl Actor for SiteClient {
    async fn apply(&self, action: Action, account_id: &str) -> Verdict {
        match action {
            Action::SiteRemove => self.remove_user(account_id).await,
            // The engine refuses such a plan before any request; this is the last line.
            other => Verdict::Unexpected {
                status: 0,
                message: format!(
                    "'{}' is an organization action; a site connection cannot carry it out",
                    other.title()
                ),
            },
        }
    }

    async fn read_back(&self, action: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        if action != Action::SiteRemove {
            return Ok(HashSet::new());
        }
        let present: HashSet<String> = self
            .users_bulk(ids)
            .await
            .map_err(|e| verdict_of(&e))?
            .into_iter()
            .map(|u| canonical_account_id(&u.account_id))
            .collect();
        Ok(ids
            .iter()
            .filter(|id| !present.contains(&canonical_account_id(id)))
            .cloned()
            .collect())
    }
}

/// A failed read as the engine's retry rules read a reply: refused credentials stop the run,
/// a rate limit waits, anything else is a fault worth another try.
pub fn verdict_of(error: &AtlassianError) -> Verdict {
    let message = error.to_string();
    match error {
        AtlassianError::Unauthorized
        | AtlassianError::ScopedToken
        | AtlassianError::ExpiredToken => Verdict::Unauthorized { message },
        AtlassianError::Forbidden => Verdict::Forbidden { message },
        AtlassianError::RateLimited { status, info } => Verdict::RateLimited {
            status: *status,
            info: info.clone(),
        },
        AtlassianError::Network(_) => Verdict::Transport {
            kind: crate::atlassian::TransportKind::Broken,
            message,
        },
        AtlassianError::Status { status, .. } | AtlassianError::BadReply { status, .. }
            if *status >= 500 =>
        {
            Verdict::ServerError {
                status: *status,
                message,
            }
        }
        AtlassianError::Status { status, .. } | AtlassianError::BadReply { status, .. } => {
            Verdict::Unexpected {
                status: *status,
                message,
            }
        }
        AtlassianError::Site(_) | AtlassianError::Setup(_) | AtlassianError::NoJira => {
            Verdict::Unexpected { status: 0, message }
        }
    }
}
