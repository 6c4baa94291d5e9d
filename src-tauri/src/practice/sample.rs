//! The sample export practice mode offers: the practice site's users in the full shape of an
//! admin.atlassian.com export (org roles, last-seen dates, product access, groups), so every
//! filter of the window has something to work on.

use super::{PracticeError, PracticeUser};
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
/// Org admins among the generated people, besides the caller: enough to see the locks at work.
const EXTRA_ORG_ADMINS: usize = 3;

/// Writes `users` as an export with group membership and product access to `path`.
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
    let mut admins_left = EXTRA_ORG_ADMINS;
    for u in users {
        let is_person = u.account_type == "atlassian";
        let role = if u.account_id == caller_account_id {
            "Organization admin"
        } else if is_person && admins_left > 0 && rng.random_bool(0.05) {
            admins_left -= 1;
            "Organization admin"
        } else {
            ""
        };
        let status = if u.active { "Active" } else { "Deactivated" };
        let jira = is_person || rng.random_bool(0.5);
        let confluence = is_person && rng.random_bool(0.6);
        let groups: Vec<&str> = GROUPS
            .iter()
            .copied()
            .filter(|_| is_person && rng.random_bool(0.3))
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
    use crate::practice::PracticeConfig;

    #[test]
    fn the_sample_imports_with_the_caller_and_some_admins_locked() {
        let config = PracticeConfig::generated(300, 7);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.csv");
        write_sample_export(&config.users, &config.caller_account_id, 7, &path).unwrap();
        let roster = crate::roster::import_file(&path).unwrap();
        assert_eq!(roster.users.len(), config.users.len());
        assert!(roster.summary.skipped.is_empty());
        let admins: Vec<_> = roster
            .users
            .iter()
            .filter(|u| !u.org_role.is_empty())
            .collect();
        assert!(admins
            .iter()
            .any(|u| u.account_id == config.caller_account_id));
        assert!(admins.len() > 1 && admins.len() <= 1 + EXTRA_ORG_ADMINS);
        assert!(roster.users.iter().any(|u| !u.groups.is_empty()));
        assert!(roster.users.iter().any(|u| !u.last_seen.is_empty()));
    }
}
