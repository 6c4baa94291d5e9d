//! The organization client's writes: suspend, restore and remove one user of a directory,
//! each one request, classified for the engine.

use super::send::Expect;
use super::OrgClient;
use crate::atlassian::org::reply::classify_write;
use crate::atlassian::org::{signals, OrgError};
use crate::atlassian::Verdict;
use reqwest::Method;
use time::OffsetDateTime;

impl OrgClient {
    /// `POST …/directories/{dir}/users/{id}/suspend` once, classified for the engine.
    pub async fn suspend(&self, directory_id: &str, account_id: &str) -> Verdict {
        self.write(
            Method::POST,
            Some("suspend"),
            "suspend",
            directory_id,
            account_id,
        )
        .await
    }

    /// `POST …/directories/{dir}/users/{id}/restore` once, classified for the engine.
    pub async fn restore(&self, directory_id: &str, account_id: &str) -> Verdict {
        self.write(
            Method::POST,
            Some("restore"),
            "restore",
            directory_id,
            account_id,
        )
        .await
    }

    /// `DELETE …/directories/{dir}/users/{id}` once (removes the user from the directory),
    /// classified for the engine.
    pub async fn remove(&self, directory_id: &str, account_id: &str) -> Verdict {
        self.write(Method::DELETE, None, "remove", directory_id, account_id)
            .await
    }

    async fn write(
        &self,
        method: Method,
        last: Option<&str>,
        verb: &str,
        directory_id: &str,
        account_id: &str,
    ) -> Verdict {
        let account_id = account_id.trim();
        if account_id.is_empty() {
            return Verdict::CannotRemove {
                message: format!("This row has no account id, so there is no user to {verb}."),
            };
        }
        if let Err(words) = signals::directory_for_writes(directory_id) {
            return Verdict::Unexpected {
                status: 0,
                message: words,
            };
        }
        let mut path = self.user_path(directory_id.trim(), account_id);
        path.extend(last);
        let url = self.inner.api.endpoint(&path, &[]);
        match self.send(method, url, None, Expect::Write).await {
            // Once the status line is in, it decides: a body cut short changes nothing.
            Ok(reply) => classify_write(
                reply.status,
                &reply.headers,
                &reply.body,
                OffsetDateTime::now_utc(),
            ),
            Err((kind, detail)) => Verdict::Transport {
                kind,
                message: OrgError::Network(detail).to_string(),
            },
        }
    }
}
