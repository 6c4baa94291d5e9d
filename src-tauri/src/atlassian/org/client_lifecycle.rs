//! The organization client's account actions (user-management API, ORG-API.md §6): the
//! per-account privileges read, and deactivate / reactivate / delete / cancel-delete, each one
//! request, classified for the engine in an admin's words.

use super::send::Expect;
use super::OrgClient;
use crate::atlassian::org::lifecycle::{
    lifecycle_verb, reason_in, reason_words, Permission, Privileges, DELETE, ENABLEMENT,
};
use crate::atlassian::org::reply::{classify_write, parse_error_body};
use crate::atlassian::org::{signals, OrgError};
use crate::atlassian::reply::looks_like_html;
use crate::atlassian::Verdict;
use crate::sweep::Action;
use reqwest::Method;
use serde_json::Value;
use time::OffsetDateTime;

impl OrgClient {
    /// `GET /users/{id}/manage?privileges=lifecycle.enablement&privileges=lifecycle.delete`:
    /// what this key may do to the account; `None` when Atlassian has no such account.
    pub async fn privileges(&self, account_id: &str) -> Result<Option<Privileges>, OrgError> {
        let account_id = account_id.trim();
        if account_id.is_empty() {
            return Ok(None);
        }
        let query = [("privileges", ENABLEMENT), ("privileges", DELETE)];
        let url = self
            .inner
            .api
            .endpoint(&["users", account_id, "manage"], &query);
        let reply = self.fetch(Method::GET, url, None).await?;
        let html = looks_like_html(&reply.headers, &reply.body);
        if reply.status == 404 && !html {
            return Ok(None);
        }
        // A 403 about this one account (not the key) is that account's answer, not a failure.
        if reply.status == 403 && !html {
            let said = parse_error_body(&reply.body);
            if signals::read_403(&said) == signals::Refusal403::ThisUser {
                let reason = said.codes.first().cloned().unwrap_or_default();
                let refused = Permission::NotAllowed { reason };
                return Ok(Some(Privileges {
                    enablement: refused.clone(),
                    delete: refused,
                }));
            }
        }
        let value: Value = super::send::parse_json(reply)?;
        Ok(Some(Privileges::from_reply(&value)))
    }

    /// `POST /users/{id}/manage/lifecycle/{disable|enable|delete|cancel-delete}` once.
    pub async fn lifecycle(&self, action: Action, account_id: &str) -> Verdict {
        let Some(verb) = lifecycle_verb(action) else {
            return Verdict::Unexpected {
                status: 0,
                message: format!(
                    "'{}' is not an account action, so nothing was sent",
                    action.title()
                ),
            };
        };
        let account_id = account_id.trim();
        if account_id.is_empty() {
            return Verdict::CannotRemove {
                message: format!(
                    "This row has no account id, so there is no account to {}.",
                    action.phrase_verb()
                ),
            };
        }
        let url = self
            .inner
            .api
            .endpoint(&["users", account_id, "manage", "lifecycle", verb], &[]);
        match self.send(Method::POST, url, None, Expect::Write).await {
            Ok(reply) => lifecycle_verdict(
                classify_write(
                    reply.status,
                    &reply.headers,
                    &reply.body,
                    OffsetDateTime::now_utc(),
                ),
                &reply.body,
            ),
            Err((kind, detail)) => Verdict::Transport {
                kind,
                message: OrgError::Network(detail).to_string(),
            },
        }
    }
}

/// A directory write's verdict in the account actions' words: a refusal names Atlassian's
/// reason, a 404 means Atlassian has no such account (not "not in this directory").
fn lifecycle_verdict(verdict: Verdict, body: &str) -> Verdict {
    match verdict {
        Verdict::CannotRemove { message } => {
            let said = parse_error_body(body);
            let conflict = said
                .codes
                .iter()
                .any(|c| c.eq_ignore_ascii_case("conflict.lifecycleErrors"));
            let message = match reason_in(&said.codes) {
                Some(reason) => format!("Not allowed: {}.", reason_words(reason)),
                None if conflict => format!(
                    "Atlassian cannot do this to this account now (for example, it still owns \
                     sites it created). Atlassian said: {message}"
                ),
                None => message,
            };
            Verdict::CannotRemove { message }
        }
        Verdict::NotFound { .. } => {
            let said = parse_error_body(body).message;
            Verdict::NotFound {
                message: if said.is_empty() {
                    "Atlassian has no such account (HTTP 404): it may have been deleted for good."
                        .into()
                } else {
                    format!(
                        "Atlassian has no such account (HTTP 404): it may have been deleted for \
                         good. Atlassian said: {said}"
                    )
                },
            }
        }
        Verdict::NearLimit(inner) => Verdict::NearLimit(Box::new(lifecycle_verdict(*inner, body))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cannot(body: &str) -> String {
        match lifecycle_verdict(
            Verdict::CannotRemove {
                message: parse_error_body(body).message,
            },
            body,
        ) {
            Verdict::CannotRemove { message } => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refusals_name_atlassians_reason_in_admin_words() {
        let scim = cannot(
            r#"{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"externalDirectory.scim"}}}"#,
        );
        assert!(scim.contains("identity provider"), "{scim}");
        let me = cannot(
            r#"{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"administrative.notMyself"}}}"#,
        );
        assert!(me.contains("API key belongs"), "{me}");
        let conflict = cannot(
            r#"{"key":"conflict.lifecycleErrors","context":{"message":"This account isn't eligible","accountId":"a","errorCodes":[{"code":"x.y","message":"The user still owns sites"}]}}"#,
        );
        assert!(conflict.contains("still owns sites"), "{conflict}");
        assert!(conflict.contains("cannot do this"), "{conflict}");
    }

    #[test]
    fn a_404_means_no_such_account() {
        let v = lifecycle_verdict(
            Verdict::NotFound {
                message: "Not in this directory".into(),
            },
            r#"{"key":"accountNotFound"}"#,
        );
        assert!(
            matches!(&v, Verdict::NotFound { message } if message.contains("no such account") && !message.contains("directory")),
            "{v:?}"
        );
    }
}
