//! The rehearsal is a person: before a one-row rehearsal plan is handed out, the site is asked
//! what the account is (`accountType`, GET only), and an app or customer account is refused. The
//! export does not say which accounts are apps or customers, so only the site can tell; a
//! rehearsal on one would show the admin nothing about the people they are about to remove
//! (Atlassian refuses to remove app accounts at all).

use super::SessionError;
use crate::atlassian::waiting_out_rate_limits;
use crate::roster::canonical_account_id;
use crate::sweep::{Lookup, PlanRow};

/// Rate-limit waits tolerated for the one lookup before the check gives up.
const MAX_WAITS: u32 = 3;

/// Refuses `row` as the rehearsal's person when the site says it is an app or customer account.
/// An account the site does not know passes: the rehearsal then reports it already gone.
pub async fn check_rehearsal_person<L: Lookup>(
    lookup: &L,
    row: &PlanRow,
) -> Result<(), SessionError> {
    let ids = [row.account_id.clone()];
    let found = waiting_out_rate_limits(MAX_WAITS, || lookup.lookup(&ids)).await?;
    let wanted = canonical_account_id(&row.account_id);
    let kind = found
        .iter()
        .find(|u| canonical_account_id(&u.account_id) == wanted)
        .and_then(|u| match u.account_type.as_str() {
            "app" => Some("an app account"),
            "customer" => Some("a customer account (Jira Service Management)"),
            _ => None,
        });
    match kind {
        Some(kind) => Err(SessionError::NotAPersonRehearsal {
            name: if row.name.trim().is_empty() {
                row.account_id.clone()
            } else {
                row.name.clone()
            },
            kind,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::{AtlassianError, SiteUser};
    use std::sync::Mutex;

    /// The site as the check sees it: these users, and the ids each call asked for.
    struct FakeSite {
        users: Vec<SiteUser>,
        asked: Mutex<Vec<Vec<String>>>,
    }

    impl Lookup for FakeSite {
        async fn lookup(&self, ids: &[String]) -> Result<Vec<SiteUser>, AtlassianError> {
            self.asked.lock().unwrap().push(ids.to_vec());
            Ok(self
                .users
                .iter()
                .filter(|u| ids.contains(&u.account_id))
                .cloned()
                .collect())
        }
    }

    fn user(id: &str, account_type: &str) -> SiteUser {
        SiteUser {
            account_id: id.into(),
            account_type: account_type.into(),
            display_name: format!("Site name of {id}"),
            email_address: None,
            active: true,
        }
    }

    fn row(id: &str, name: &str) -> PlanRow {
        PlanRow {
            account_id: id.into(),
            name: name.into(),
            email: String::new(),
            org_role: String::new(),
            admin: None,
            org: None,
        }
    }

    const PERSON: &str = "5c9e2a41b3f0d2001f6e8a04";
    // An app's id shaped like a person's: only the site's accountType tells them apart.
    const APP: &str = "5c9e2a41b3f0d2001f6e8a05";
    const CUSTOMER: &str =
        "qm:bf869e44-40a0-4477-b7e7-0bad3f9c17d5:236e57db-f416-4771-8dd1-63de3b6e32d5";
    const GONE: &str = "5c9e2a41b3f0d2001f6e8a06";

    fn site() -> FakeSite {
        FakeSite {
            users: vec![
                user(PERSON, "atlassian"),
                user(APP, "app"),
                user(CUSTOMER, "customer"),
            ],
            asked: Mutex::new(Vec::new()),
        }
    }

    #[tokio::test]
    async fn an_app_or_customer_account_is_refused_with_its_name_and_kind() {
        let site = site();
        let err = check_rehearsal_person(&site, &row(APP, "Automation for Jira"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SessionError::NotAPersonRehearsal { name, kind } if name == "Automation for Jira" && kind.contains("app")),
            "{err:?}"
        );
        assert!(err.to_string().contains("Automation for Jira"), "{err}");
        let err = check_rehearsal_person(&site, &row(CUSTOMER, ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SessionError::NotAPersonRehearsal { name, kind } if name == CUSTOMER && kind.contains("customer")),
            "{err:?}"
        );
        // One GET of the one account each time.
        assert_eq!(
            *site.asked.lock().unwrap(),
            vec![vec![APP.to_owned()], vec![CUSTOMER.to_owned()]]
        );
    }

    #[tokio::test]
    async fn a_person_passes_and_so_does_an_account_the_site_no_longer_has() {
        let site = site();
        check_rehearsal_person(&site, &row(PERSON, "Plain A"))
            .await
            .unwrap();
        check_rehearsal_person(&site, &row(GONE, "Gone G"))
            .await
            .unwrap();
    }
}
