//! Who administers a generated practice site. One seeded choice, shared by
//! `PracticeConfig::generated` (the live `site-admins` group) and the sample export (its
//! `Org role` and group columns), so the two always tell the same story.

use super::{PracticeConfig, PracticeError, PracticeUser};
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::HashSet;

/// Org admins among the generated people, besides the caller: enough to see the locks at work.
pub(crate) const EXTRA_ORG_ADMINS: usize = 3;

/// The site admins of a generated practice site, besides the caller (who is all three kinds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminIds {
    /// Marked `Organization admin` in the sample export, `site-admins` in its group cell.
    pub org_admins: Vec<String>,
    /// Empty `Org role`, but the sample export's group cell lists `site-admins`.
    pub group_only: Option<String>,
    /// Empty `Org role` and no admin group in the sample export: only the live group tells.
    pub live_only: Option<String>,
}

impl AdminIds {
    /// Every id here, in the order above.
    pub(crate) fn all(&self) -> impl Iterator<Item = &str> {
        self.org_admins
            .iter()
            .chain(&self.group_only)
            .chain(&self.live_only)
            .map(String::as_str)
    }
}

/// The admins `PracticeConfig::generated` put in the `site-admins` group and the sample export
/// marks, for this config's users and seed (only meaningful for a generated config).
pub fn practice_admin_ids(config: &PracticeConfig) -> AdminIds {
    pick(&config.users, &config.caller_account_id, config.seed)
}

/// Picks the admins among active people other than the caller, reproducibly from `seed`; a
/// site with few people gets the org admins first, then the group-only, then the live-only.
pub(crate) fn pick(users: &[PracticeUser], caller: &str, seed: u64) -> AdminIds {
    let people: Vec<&str> = users
        .iter()
        .filter(|u| u.account_type == "atlassian" && u.active && u.account_id != caller)
        .map(|u| u.account_id.as_str())
        .collect();
    // Its own generator, so the choice does not depend on how the export draws its columns.
    let mut rng = StdRng::seed_from_u64(seed ^ 0x51_7e_ad_31);
    let wanted = (EXTRA_ORG_ADMINS + 2).min(people.len());
    let mut chosen = rand::seq::index::sample(&mut rng, people.len(), wanted)
        .into_iter()
        .map(|i| people[i].to_string());
    AdminIds {
        org_admins: chosen.by_ref().take(EXTRA_ORG_ADMINS).collect(),
        group_only: chosen.next(),
        live_only: chosen.next(),
    }
}

/// The caller first (when absent), then `ids` without repeats: the group as the site serves it.
pub(crate) fn group_with_caller(ids: &[String], caller: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let caller_first = (!ids.iter().any(|id| id == caller)).then(|| caller.to_string());
    caller_first
        .into_iter()
        .chain(ids.iter().cloned())
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// Checks that the `site-admins` and keep-after-delete ids name users of the site.
pub(crate) fn check_known(config: &PracticeConfig) -> Result<(), PracticeError> {
    let known: HashSet<&str> = config
        .users
        .iter()
        .map(|u| u.account_id.as_str())
        .chain([config.caller_account_id.as_str()])
        .collect();
    let lists = [
        ("site-admin", &config.site_admins),
        ("keep-after-delete", &config.keep_after_delete),
    ];
    for (setting, ids) in lists {
        if let Some(id) = ids.iter().find(|id| !known.contains(id.as_str())) {
            return Err(PracticeError::InvalidSetting {
                setting,
                reason: format!(
                    "no practice user has the account id {id}; use the id of one of its users"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_reproducible_distinct_and_active_people_only() {
        let users = super::super::generate::users(200, 5);
        let caller = &users[0].account_id;
        let a = pick(&users, caller, 5);
        assert_eq!(a, pick(&users, caller, 5));
        assert_ne!(a, pick(&users, caller, 6));
        let ids: Vec<&str> = a.all().collect();
        assert_eq!(ids.len(), EXTRA_ORG_ADMINS + 2);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        for id in ids {
            let user = users.iter().find(|u| u.account_id == id).unwrap();
            assert!(user.active && user.account_type == "atlassian" && id != caller);
        }
    }

    #[test]
    fn a_small_site_fills_org_admins_first() {
        let users = super::super::generate::users(200, 5);
        let people: Vec<PracticeUser> = users
            .into_iter()
            .filter(|u| u.active && u.account_type == "atlassian")
            .take(4)
            .collect();
        let a = pick(&people[1..], &people[0].account_id, 1);
        assert_eq!(a.org_admins.len(), 3);
        assert!(a.group_only.is_none() && a.live_only.is_none());
    }

    #[test]
    fn ids_the_site_does_not_hold_are_refused() {
        let mut config = PracticeConfig::generated(5, 1);
        assert!(check_known(&config).is_ok());
        config.keep_after_delete = vec![config.users[1].account_id.clone()];
        config.site_admins.push(config.caller_account_id.clone());
        assert!(check_known(&config).is_ok());
        config.keep_after_delete.push("712020:nobody".into());
        let err = check_known(&config).unwrap_err().to_string();
        assert!(
            err.contains("keep-after-delete") && err.contains("712020:nobody"),
            "{err}"
        );
    }

    #[test]
    fn the_caller_leads_the_group_once() {
        let ids = ["b".to_string(), "a".into(), "b".into()];
        assert_eq!(group_with_caller(&ids, "me"), ["me", "b", "a"]);
        let ids = ["b".to_string(), "me".into()];
        assert_eq!(group_with_caller(&ids, "me"), ["b", "me"]);
    }
}
