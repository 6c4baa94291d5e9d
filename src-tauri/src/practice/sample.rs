//! The sample export practice mode offers: the practice site's users in the full shape of an
//! admin.atlassian.com export (org roles, last-seen dates, product access, groups), so every
//! filter of the window has something to work on. Its admins are the ones
//! `PracticeConfig::generated` puts in the live `site-admins` group (see `admins`).

use super::{PracticeError, PracticeUser};
use crate::atlassian::SITE_ADMINS_GROUP;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

const SITE: &str = "practice";
const GROUPS: &[&str] = &[
    "jira-users-practice",
    "confluence-users-practice",
    "engineering",
    "support",
    "finance",
    "contractors",
    "marketing",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Writes `users` as an export with group membership and product access to `path`; the caller
/// and the org admins `practice_admin_ids` names are marked, and the group-only admin's row
/// lists `site-admins` without an org role.
pub fn write_sample_export(
    users: &[PracticeUser],
    caller_account_id: &str,
    seed: u64,
    path: &Path,
) -> Result<(), PracticeError> {
    let csv_error = |e: csv::Error| PracticeError::Csv {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let admins = super::admins::pick(users, caller_account_id, seed);
    let mut rng = StdRng::seed_from_u64(seed ^ 0x05a4_d91e);
    let mut w = csv::Writer::from_path(path).map_err(csv_error)?;
    w.write_record([
        "User id",
        "User name",
        "email",
        "User status",
        "Added to org",
        "Org role",
        &format!("Last seen in Jira - {SITE}"),
        &format!("Last seen in Confluence - {SITE}"),
        &format!("Jira - {SITE}"),
        &format!("Confluence - {SITE}"),
        "Group name",
    ])
    .map_err(csv_error)?;
    for u in users {
        let is_person = u.account_type == "atlassian";
        let id = u.account_id.as_str();
        let org_admin = id == caller_account_id || admins.org_admins.iter().any(|a| a == id);
        let role = if org_admin { "Organization admin" } else { "" };
        // The live-only admin gets no admin group here: only the site itself tells.
        let in_admin_group = org_admin || admins.group_only.as_deref() == Some(id);
        let status = if u.active { "Active" } else { "Deactivated" };
        let jira = is_person || rng.random_bool(0.5);
        let confluence = is_person && rng.random_bool(0.6);
        let groups: Vec<&str> = in_admin_group
            .then_some(SITE_ADMINS_GROUP)
            .into_iter()
            .chain(
                GROUPS
                    .iter()
                    .copied()
                    .filter(|_| is_person && rng.random_bool(0.3)),
            )
            .collect();
        w.write_record([
            u.account_id.as_str(),
            &u.display_name,
            u.email.as_deref().unwrap_or_default(),
            status,
            &date(&mut rng, 2018),
            role,
            &seen(&mut rng, jira),
            &seen(&mut rng, confluence),
            if jira { "User" } else { "" },
            if confluence { "User" } else { "" },
            &groups.join(", "),
        ])
        .map_err(csv_error)?;
    }
    w.flush().map_err(|e| csv_error(e.into()))
}

fn seen(rng: &mut StdRng, has_access: bool) -> String {
    if !has_access || rng.random_bool(0.15) {
        "Never accessed".into()
    } else {
        date(rng, 2021)
    }
}

// A date in the export's own format, e.g. `7 May 2023`.
fn date(rng: &mut StdRng, from_year: i32) -> String {
    format!(
        "{} {} {}",
        rng.random_range(1..=28),
        MONTHS[rng.random_range(0..12)],
        rng.random_range(from_year..=2025)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::admins::EXTRA_ORG_ADMINS;
    use crate::practice::{practice_admin_ids, PracticeConfig};

    #[test]
    fn the_sample_imports_with_the_caller_and_the_chosen_admins_locked() {
        let config = PracticeConfig::generated(300, 7);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.csv");
        write_sample_export(&config.users, &config.caller_account_id, 7, &path).unwrap();
        let roster = crate::roster::import_file(&path).unwrap();
        assert_eq!(roster.users.len(), config.users.len());
        assert!(roster.summary.skipped.is_empty());
        let chosen = practice_admin_ids(&config);
        let marked = |pick: fn(&crate::roster::RosterUser) -> bool| {
            let mut ids: Vec<&str> = roster
                .users
                .iter()
                .filter(|u| pick(u))
                .map(|u| u.account_id.as_str())
                .collect();
            ids.sort_unstable();
            ids
        };
        let mut org: Vec<&str> = chosen.org_admins.iter().map(String::as_str).collect();
        org.push(&config.caller_account_id);
        org.sort_unstable();
        assert_eq!(org.len(), 1 + EXTRA_ORG_ADMINS);
        assert_eq!(marked(|u| !u.org_role.is_empty()), org);
        let group_only = chosen.group_only.as_deref().unwrap();
        let mut in_group = org.clone();
        in_group.push(group_only);
        in_group.sort_unstable();
        assert_eq!(
            marked(|u| u.groups.iter().any(|g| g == SITE_ADMINS_GROUP)),
            in_group
        );
        assert!(chosen.live_only.is_some());
        assert!(roster.users.iter().any(|u| !u.groups.is_empty()));
        assert!(roster.users.iter().any(|u| !u.last_seen.is_empty()));
    }
}
