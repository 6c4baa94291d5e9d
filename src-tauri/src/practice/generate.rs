//! Realistic generated users for a practice site, reproducible from a seed.

use super::config::{PracticeUser, DEFAULT_CALLER_ID};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

const FIRST: &[&str] = &[
    "Aisha", "Arjun", "Ben", "Chloé", "Dmitri", "Elena", "Fatima", "Gabriel", "Hana", "Ivan",
    "Jamal", "Kenji", "Lena", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sven",
    "Tomás", "Uma", "Victor", "Wei", "Xavier", "Yara", "Zoë",
];
const LAST: &[&str] = &[
    "Patel",
    "Dubois",
    "Kowalski",
    "Nguyen",
    "O'Brien",
    "Müller",
    "Rossi",
    "Tanaka",
    "Okafor",
    "Silva",
    "Johansson",
    "Haddad",
    "Kim",
    "García",
    "Smith",
    "Ivanova",
    "Moreau",
    "Novak",
];
const APPS: &[&str] = &[
    "Automation for Jira",
    "Slack",
    "Jira Cloud for Microsoft Teams",
    "Trello",
    "GitHub for Jira",
    "Zendesk Support",
    "Tempo Timesheets",
];

/// `n` users plus the fixture caller (first), with a mix of id shapes and account types.
pub(crate) fn users(n: usize, seed: u64) -> Vec<PracticeUser> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut users = Vec::with_capacity(n + 1);
    users.push(PracticeUser {
        account_id: DEFAULT_CALLER_ID.into(),
        display_name: "Alex Admin".into(),
        email: Some("admin@example.com".into()),
        account_type: "atlassian".into(),
        active: true,
    });
    let mut ids: HashSet<String> = HashSet::from([DEFAULT_CALLER_ID.to_string()]);
    let mut emails: HashMap<String, usize> = HashMap::new();
    for i in 0..n {
        let kind: f64 = rng.random();
        let mut user = if kind < 0.04 {
            let name = APPS[rng.random_range(0..APPS.len())];
            PracticeUser {
                account_id: format!("557058:{}", uuid_from(&mut rng)),
                display_name: name.into(),
                email: None,
                account_type: "app".into(),
                active: true,
            }
        } else {
            person(&mut rng, kind < 0.06, &mut emails)
        };
        if !ids.insert(user.account_id.clone()) {
            // Random ids practically never collide; if they do, the index keeps them distinct.
            user.account_id = format!("{}{i:x}", &user.account_id[..user.account_id.len() - 8]);
            ids.insert(user.account_id.clone());
        }
        users.push(user);
    }
    users
}

/// An ordinary person (or, when `customer`, a service-desk customer).
fn person(rng: &mut StdRng, customer: bool, emails: &mut HashMap<String, usize>) -> PracticeUser {
    let first = FIRST[rng.random_range(0..FIRST.len())];
    let last = LAST[rng.random_range(0..LAST.len())];
    let local = format!("{first}.{last}").to_lowercase().replace('\'', "");
    let seen = emails.entry(local.clone()).or_insert(0);
    *seen += 1;
    let email = if *seen == 1 {
        format!("{local}@example.com")
    } else {
        format!("{local}{seen}@example.com")
    };
    let account_id = if customer {
        format!("qm:{}:{}", uuid_from(rng), uuid_from(rng))
    } else if rng.random_bool(0.5) {
        // Older accounts: 24 hex characters, starting with 5 like real ones.
        format!("5{:023x}", rng.random::<u128>() >> 36)
    } else {
        format!("712020:{}", uuid_from(rng))
    };
    PracticeUser {
        account_id,
        display_name: format!("{first} {last}"),
        // Some people hide their email in their profile's privacy settings.
        email: Some(email).filter(|_| !rng.random_bool(0.05)),
        account_type: if customer { "customer" } else { "atlassian" }.into(),
        active: !rng.random_bool(0.08),
    }
}

fn uuid_from(rng: &mut StdRng) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_users_and_a_realistic_mix() {
        let a = users(400, 7);
        assert_eq!(a, users(400, 7));
        assert_ne!(a, users(400, 8));
        assert_eq!(a.len(), 401);
        assert_eq!(a[0].account_id, DEFAULT_CALLER_ID);
        let ids: HashSet<_> = a.iter().map(|u| &u.account_id).collect();
        assert_eq!(ids.len(), a.len(), "ids must be distinct");
        let hex = a
            .iter()
            .filter(|u| {
                u.account_id.len() == 24 && u.account_id.chars().all(|c| c.is_ascii_hexdigit())
            })
            .count();
        let uuid_ids = a
            .iter()
            .filter(|u| u.account_id.starts_with("712020:"))
            .count();
        let apps = a.iter().filter(|u| u.account_type == "app").count();
        assert!(hex > 100 && uuid_ids > 100, "hex {hex}, uuid {uuid_ids}");
        assert!((3..40).contains(&apps), "apps {apps}");
        assert!(a
            .iter()
            .all(|u| u.account_type != "app" || u.account_id.starts_with("557058:")));
        assert!(a.iter().any(|u| !u.active));
        assert!(a
            .iter()
            .any(|u| u.email.is_none() && u.account_type == "atlassian"));
    }
}
