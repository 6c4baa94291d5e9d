//! The organization client as the engine's [`Actor`]: suspend, restore or remove in the chosen
//! directory, and reading accounts back through `users/search`.

use super::{signals, OrgClient, OrgError, OrgUser};
use crate::atlassian::{TransportKind, Verdict};
use crate::roster::canonical_account_id;
use crate::sweep::{Action, Actor};
use std::collections::{HashMap, HashSet};

/// Said when a write or read-back has no directory to act on; nothing is sent.
const NO_DIRECTORY: &str = "No directory was chosen for this organization, so nothing was sent. Check the connection again and pick the directory to act on.";

impl Actor for OrgClient {
    async fn apply(&self, action: Action, account_id: &str) -> Verdict {
        match (action, self.directory()) {
            (Action::Suspend, Some(directory)) => self.suspend(directory, account_id).await,
            (Action::Restore, Some(directory)) => self.restore(directory, account_id).await,
            (Action::Remove, Some(directory)) => self.remove(directory, account_id).await,
            (Action::Suspend | Action::Restore | Action::Remove, None) => Verdict::Unexpected {
                status: 0,
                message: NO_DIRECTORY.into(),
            },
            // Account actions act on the Atlassian account itself, in no one directory.
            (
                Action::Deactivate
                | Action::Reactivate
                | Action::DeleteAccount
                | Action::CancelDelete,
                _,
            ) => self.lifecycle(action, account_id).await,
            // The engine refuses such a plan before any request; this is the last line.
            (Action::SiteRemove, _) => Verdict::Unexpected {
                status: 0,
                message: format!(
                    "'{}' is a site action; an organization connection cannot carry it out, so nothing was sent",
                    action.title()
                ),
            },
        }
    }

    async fn read_back(&self, action: Action, ids: &[String]) -> Result<HashSet<String>, Verdict> {
        if action == Action::SiteRemove {
            return Ok(HashSet::new());
        }
        let Some(directory) = self.directory() else {
            return Err(Verdict::Unexpected {
                status: 0,
                message: NO_DIRECTORY.into(),
            });
        };
        let users = self
            .users_by_id(directory, ids)
            .await
            .map_err(|e| verdict_of_org(&e))?;
        let by_id: HashMap<String, &OrgUser> = users
            .iter()
            .map(|u| (canonical_account_id(&u.account_id), u))
            .collect();
        Ok(ids
            .iter()
            .filter(|id| !id.trim().is_empty())
            .filter(|id| {
                let user = by_id.get(&canonical_account_id(id)).copied();
                signals::end_state_holds(action, user)
            })
            .cloned()
            .collect())
    }
}

/// A failed organization read as the engine's retry rules read a reply: a refused key stops
/// the run, a rate limit waits, a fault is worth another try, anything else fails the row.
pub fn verdict_of_org(error: &OrgError) -> Verdict {
    let message = error.to_string();
    match error {
        OrgError::Unauthorized => Verdict::Unauthorized { message },
        // A scoped key is refused with a 403 on writes (signals point 7).
        OrgError::ScopedKey | OrgError::Forbidden => Verdict::Forbidden { message },
        // A read that was refused is safe to repeat: 429, whatever the status was.
        OrgError::RateLimited { info } => Verdict::RateLimited {
            status: 429,
            info: info.clone(),
        },
        OrgError::Network(_) => Verdict::Transport {
            kind: TransportKind::Broken,
            message,
        },
        OrgError::Status { status, .. } | OrgError::BadReply { status, .. } if *status >= 500 => {
            Verdict::ServerError {
                status: *status,
                message,
            }
        }
        OrgError::Status { status, .. } | OrgError::BadReply { status, .. } => {
            Verdict::Unexpected {
                status: *status,
                message,
            }
        }
        OrgError::OrgNotFound => Verdict::Unexpected {
            status: 404,
            message,
        },
        OrgError::BadApi(_) | OrgError::BadOrgId(_) | OrgError::Setup(_) => {
            Verdict::Unexpected { status: 0, message }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::RateLimitInfo;

    #[test]
    fn errors_become_the_verdicts_the_engine_acts_on() {
        assert!(matches!(
            verdict_of_org(&OrgError::Unauthorized),
            Verdict::Unauthorized { .. }
        ));
        let scoped = verdict_of_org(&OrgError::ScopedKey);
        assert!(
            matches!(&scoped, Verdict::Forbidden { message } if message.contains("without scopes"))
        );
        assert!(matches!(
            verdict_of_org(&OrgError::Forbidden),
            Verdict::Forbidden { .. }
        ));
        let info = RateLimitInfo::default();
        assert_eq!(
            verdict_of_org(&OrgError::RateLimited { info: info.clone() }),
            Verdict::RateLimited { status: 429, info }
        );
        assert!(matches!(
            verdict_of_org(&OrgError::Network("x".into())),
            Verdict::Transport {
                kind: TransportKind::Broken,
                ..
            }
        ));
        let status = |s| OrgError::Status {
            status: s,
            message: "x".into(),
        };
        assert!(matches!(
            verdict_of_org(&status(502)),
            Verdict::ServerError { status: 502, .. }
        ));
        assert!(matches!(
            verdict_of_org(&status(400)),
            Verdict::Unexpected { status: 400, .. }
        ));
        let bad = OrgError::BadReply {
            status: 200,
            detail: "x".into(),
        };
        assert!(matches!(
            verdict_of_org(&bad),
            Verdict::Unexpected { status: 200, .. }
        ));
        assert!(matches!(
            verdict_of_org(&OrgError::OrgNotFound),
            Verdict::Unexpected { status: 404, .. }
        ));
        assert!(matches!(
            verdict_of_org(&OrgError::Setup("x".into())),
            Verdict::Unexpected { status: 0, .. }
        ));
    }
}
