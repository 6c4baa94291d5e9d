//! The practice organization's accounts, seeded reproducibly from the site's people
//! (`config.users` plus the caller, as on the site). Only people (`atlassian` accounts) are
//! directory members: apps and service-desk customers live on the site, not in a directory.
//!
//! What each account gets (the recipe): managed when its email is on the caller's
//! domain; the caller `org-admin`; the site's `site-admins` `site-admin` (and those a generated
//! site marks as organization admins, `org-admin` too, as its sample export says); one more
//! person `user-access-admin`; about 1 in 8 managed accounts synced from an identity provider,
//! the rest invited; about 1 in 20 already suspended; 2–3 extra managed accounts without
//! membership; product activity spread over the 18 months before 2026-11-30; a few groups.
//!
//! For the managed-account lifecycle, among the plain invited people (managed, not synced, no
//! role, not the caller, not suspended): 1–2 own sites they created (disable and delete answer
//! 409), and about 1 in 10 (at least 2 when there are enough) are left unclaimed by the
//! organization (`claimStatus: unmanaged`, as when a domain is verified but not all of its
//! accounts are claimed), on top of the people without a visible email on the domain. These
//! draws use their own generator, so every other draw is what it was before them. Each account
//! gets a `Kind` naming what it is, for tests.

use super::state::{
    Activity, Kind, OrgDirectory, OrgGroup, OrgMember, OrgSetup, ORG_ADMIN, SITE_ADMIN,
    USER_ACCESS_ADMIN,
};
use crate::practice::{PracticeConfig, PracticeUser};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use time::macros::datetime;
use time::OffsetDateTime;

/// Mixed into the seed so the organization's draws are its own, not the site's.
const ORG_SALT: u64 = 0x0a6d_17a1_5eed_0001;
/// Mixed into the seed for the lifecycle draws (site owners, unclaimed accounts).
const LIFECYCLE_SALT: u64 = 0x0a6d_17a1_5eed_0002;
/// "Today" for activity dates: fixed, so a seed tells the same story on every day it runs.
pub(crate) const ACTIVITY_NOW: OffsetDateTime = datetime!(2026-11-30 00:00 UTC);
/// How far back activity goes: about 18 months.
const ACTIVITY_DAYS: i64 = 548;
/// Directory names; the first is the one a centralized organization has.
const DIRECTORY_NAMES: &[&str] = &[
    "Practice Directory",
    "Contractors Directory",
    "Acquired Company Directory",
];
/// Groups members may belong to, with their descriptions.
const GROUPS: &[(&str, &str)] = &[
    ("jira-software-users", "Grants access to Jira"),
    ("confluence-users", "Grants access to Confluence"),
    ("engineering", "Engineering team"),
    ("support", "Support team"),
    ("finance", "Finance team"),
    ("contractors", "External contractors"),
];
/// The site's admin group, which its admins belong to here too.
const SITE_ADMINS_GROUP: (&str, &str) = ("site-admins", "Administrators of the practice site");
/// Managed accounts that belong to no directory.
const NO_MEMBERSHIP: &[(&str, &str)] =
    &[("Robin", "Archer"), ("Sam", "Former"), ("Kai", "Dormant")];

/// The organization's fixed parts (without a changes file) and its accounts, seed order.
pub(crate) fn seed(config: &PracticeConfig) -> (OrgSetup, Vec<OrgMember>) {
    let mut rng = StdRng::seed_from_u64(config.seed ^ ORG_SALT);
    let domain = domain_of(&config.admin_email);
    let directories: Vec<OrgDirectory> = (0..config.org_directories.max(1))
        .map(|i| OrgDirectory {
            id: uuid_from(&mut rng),
            name: DIRECTORY_NAMES.get(i).map_or_else(
                || format!("Practice Directory {}", i + 1),
                |n| n.to_string(),
            ),
        })
        .collect();
    let groups: Vec<OrgGroup> = GROUPS
        .iter()
        .chain([&SITE_ADMINS_GROUP])
        .map(|(name, description)| OrgGroup {
            id: uuid_from(&mut rng),
            name: name.to_string(),
            description: description.to_string(),
        })
        .collect();
    let admin_group = groups.len() - 1;
    let cloud_id = uuid_from(&mut rng);

    let people = people(config);
    let site_admins: HashSet<&str> = config.site_admins.iter().map(String::as_str).collect();
    let org_admins: HashSet<String> =
        crate::practice::admins::pick(&config.users, &config.caller_account_id, config.seed)
            .org_admins
            .into_iter()
            .filter(|id| site_admins.contains(id.as_str()))
            .collect();
    let caller = config.caller_account_id.as_str();
    let mut roles: Vec<Vec<&'static str>> = people
        .iter()
        .map(|p| {
            let id = p.account_id.as_str();
            let mut r = Vec::new();
            if id == caller || org_admins.contains(id) {
                r.push(ORG_ADMIN);
            }
            if id == caller || site_admins.contains(id) {
                r.push(SITE_ADMIN);
            }
            r
        })
        .collect();
    let plain: Vec<usize> = (0..people.len()).filter(|&i| roles[i].is_empty()).collect();
    if !plain.is_empty() {
        roles[plain[rng.random_range(0..plain.len())]].push(USER_ACCESS_ADMIN);
    }

    let mut members = Vec::with_capacity(people.len() + NO_MEMBERSHIP.len());
    for (person, roles) in people.iter().zip(roles) {
        let is_caller = person.account_id == caller;
        let managed = person
            .email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .is_some_and(|(_, d)| d.trim().eq_ignore_ascii_case(&domain));
        let synced = managed && !is_caller && rng.random_bool(1.0 / 8.0);
        let directory = if is_caller || directories.len() == 1 {
            0
        } else {
            rng.random_range(0..directories.len())
        };
        let suspended = roles.is_empty() && rng.random_bool(0.05);
        let mut member_groups: Vec<usize> = (0..GROUPS.len())
            .filter(|_| rng.random_bool(0.25))
            .collect();
        if roles.contains(&SITE_ADMIN) {
            member_groups.push(admin_group);
        }
        let kind = match () {
            _ if is_caller || !roles.is_empty() || suspended => Kind::Other,
            _ if !managed => Kind::Unmanaged,
            _ if synced => Kind::Synced,
            _ => Kind::Managed,
        };
        members.push(OrgMember {
            account_id: person.account_id.clone(),
            name: person.display_name.clone(),
            nickname: first_word(&person.display_name),
            email: person.email.clone(),
            managed,
            source: managed.then_some(if synced { "synced" } else { "invited" }),
            directory: Some(directory),
            suspended,
            gone: false,
            roles,
            products: products(&mut rng),
            groups: member_groups,
            added_to_org: added_to_org(&mut rng),
            mfa: managed && rng.random_bool(0.7),
            kind,
            deactivated_on: None,
            deletion_requested: None,
        });
    }
    lifecycle_kinds(&mut members, config.seed);
    let extras = 2 + usize::from(rng.random_bool(0.5));
    for (first, last) in &NO_MEMBERSHIP[..extras] {
        members.push(OrgMember {
            account_id: format!("712020:{}", uuid_from(&mut rng)),
            name: format!("{first} {last}"),
            nickname: first.to_string(),
            email: Some(format!("{}.{}@{domain}", first, last).to_lowercase()),
            managed: true,
            source: Some("invited"),
            directory: None,
            suspended: false,
            gone: false,
            roles: Vec::new(),
            products: Vec::new(),
            groups: Vec::new(),
            added_to_org: added_to_org(&mut rng),
            mfa: false,
            kind: Kind::Other,
            deactivated_on: None,
            deletion_requested: None,
        });
    }
    let setup = OrgSetup {
        directories,
        groups,
        cloud_id,
        changes: None,
        max_account_ids: config.org_search_max_ids,
    };
    (setup, members)
}

/// Picks the site owners and the unclaimed accounts among the plain invited people.
fn lifecycle_kinds(members: &mut [OrgMember], seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ LIFECYCLE_SALT);
    let mut plain: Vec<usize> = (0..members.len())
        .filter(|&i| members[i].kind == Kind::Managed)
        .collect();
    plain.shuffle(&mut rng);
    let n = plain.len();
    let owners = match n {
        0..=2 => 0,
        3..=5 => 1,
        _ => 1 + usize::from(rng.random_bool(0.5)),
    };
    // Leave at least two plain managed people for everything else.
    let unclaimed = (n / 10).max(2).min(n.saturating_sub(owners + 2));
    let google = usize::from(n >= owners + unclaimed + 4);
    for (k, &i) in plain.iter().take(owners + unclaimed + google).enumerate() {
        let m = &mut members[i];
        if k < owners {
            m.kind = Kind::SiteOwner;
        } else if k == owners + unclaimed {
            m.kind = Kind::GoogleSynced;
        } else {
            m.kind = Kind::Unmanaged;
            m.managed = false;
            m.source = None;
            m.mfa = false;
        }
    }
}

/// The people of the site (the caller added as the site adds it), each once, in order.
fn people(config: &PracticeConfig) -> Vec<PracticeUser> {
    let mut seen = HashSet::new();
    let mut people: Vec<PracticeUser> = config
        .users
        .iter()
        .filter(|u| u.account_type == "atlassian" && seen.insert(u.account_id.as_str()))
        .cloned()
        .collect();
    if !seen.contains(config.caller_account_id.as_str()) {
        people.insert(
            0,
            PracticeUser {
                account_id: config.caller_account_id.clone(),
                display_name: "Practice Admin".into(),
                email: Some(config.admin_email.clone()),
                account_type: "atlassian".into(),
                active: true,
            },
        );
    }
    people
}

/// Jira and Confluence activity: most people have Jira, fewer Confluence, some never used one.
fn products(rng: &mut StdRng) -> Vec<Activity> {
    let mut products = Vec::new();
    for (product, access, never) in [("jira-software", 0.9, 0.1), ("confluence", 0.65, 0.15)] {
        if rng.random_bool(access) {
            let seen = !rng.random_bool(never);
            let last_active = seen.then(|| {
                let ago = rng.random_range(0..ACTIVITY_DAYS * 86_400);
                let millis = rng.random_range(0..1000);
                iso(ACTIVITY_NOW
                    - time::Duration::seconds(ago)
                    - time::Duration::milliseconds(millis))
            });
            products.push(Activity {
                product,
                last_active,
            });
        }
    }
    products
}

/// A date between 2018 and the start of the activity window.
fn added_to_org(rng: &mut StdRng) -> String {
    let start = datetime!(2018-01-01 00:00 UTC);
    let span = (ACTIVITY_NOW - start).whole_seconds() - ACTIVITY_DAYS * 86_400;
    iso(start + time::Duration::seconds(rng.random_range(0..span)))
}

/// ISO 8601 UTC, e.g. `2026-03-04T05:06:07.089Z`.
pub(crate) fn iso(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The lower-cased domain of an email (`example.com` when there is none).
fn domain_of(email: &str) -> String {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "example.com".into())
}

fn first_word(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_string()
}

fn uuid_from(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

#[cfg(test)]
#[path = "seed_tests.rs"]
mod tests;
