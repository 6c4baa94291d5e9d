//! Builds users from rows and merges rows that share an account id.

use std::collections::{HashMap, HashSet};

use super::admins::admin_reason;
use super::dates::{parse_seen, SeenDate};
use super::headers::Columns;
use super::RosterUser;

/// Builds the user a row describes; `account_id` is already validated and canonical.
pub fn user_from_row(
    row: &csv::StringRecord,
    cols: &Columns,
    account_id: &str,
    line: u64,
) -> RosterUser {
    let cell = |i: usize| row.get(i).map_or("", str::trim);
    let scalar = |i: Option<usize>| i.map_or_else(String::new, |i| cell(i).to_owned());
    let labelled = |pairs: &[(usize, String)]| {
        pairs
            .iter()
            .filter(|(i, _)| !cell(*i).is_empty())
            .map(|(i, label)| (label.clone(), cell(*i).to_owned()))
            .collect()
    };
    let list = |columns: &[usize]| {
        columns
            .iter()
            .flat_map(|&i| cell(i).split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    RosterUser {
        account_id: account_id.to_owned(),
        name: scalar(cols.name),
        email: scalar(cols.email),
        status: scalar(cols.status),
        added_to_org: scalar(cols.added_to_org),
        org_role: scalar(cols.org_role),
        last_seen: labelled(&cols.last_seen),
        products: labelled(&cols.products),
        groups: list(&cols.group_names),
        group_ids: list(&cols.group_ids),
        line,
        // Both depend on every row of the user: `Merger::finish` sets them.
        admin: None,
        last_active: SeenDate::Never,
    }
}

/// Collects users in file order, folding repeated account ids into the first.
#[derive(Debug, Default)]
pub struct Merger {
    users: Vec<RosterUser>,
    index: HashMap<String, usize>,
    duplicates_merged: u64,
}

impl Merger {
    /// Adds a row's user, merging it into an earlier user with the same id.
    pub fn add(&mut self, user: RosterUser) {
        let Some(&at) = self.index.get(&user.account_id) else {
            self.index.insert(user.account_id.clone(), self.users.len());
            self.users.push(user);
            return;
        };
        self.duplicates_merged += 1;
        let first = &mut self.users[at];
        // The first row wins, but a later row may fill in what it left blank.
        for (mine, theirs) in [
            (&mut first.name, user.name),
            (&mut first.email, user.email),
            (&mut first.status, user.status),
            (&mut first.added_to_org, user.added_to_org),
            (&mut first.org_role, user.org_role),
        ] {
            if mine.is_empty() {
                *mine = theirs;
            }
        }
        // Lists are appended here and de-duplicated once in `finish`, which keeps a user
        // repeated on thousands of rows linear rather than quadratic.
        first.last_seen.extend(user.last_seen);
        first.products.extend(user.products);
        first.groups.extend(user.groups);
        first.group_ids.extend(user.group_ids);
    }

    /// The users in file order and how many rows were merged, with each user's admin reason
    /// and last activity settled.
    pub fn finish(mut self) -> (Vec<RosterUser>, u64) {
        for user in &mut self.users {
            // Read before the per-product de-duplication below: a later row's date, or an
            // unreadable cell on any row, must count too.
            user.last_active =
                SeenDate::latest_of(user.last_seen.iter().map(|(_, seen)| parse_seen(seen)));
            // Per product the first row's value wins; groups are a union.
            dedup_first(&mut user.last_seen, |(product, _)| product);
            dedup_first(&mut user.products, |(product, _)| product);
            dedup_first(&mut user.groups, |g| g);
            dedup_first(&mut user.group_ids, |g| g);
            user.admin = admin_reason(&user.org_role, &user.groups);
        }
        (self.users, self.duplicates_merged)
    }
}

/// Removes later items whose key repeats an earlier one, keeping order.
fn dedup_first<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    // Short lists (the usual case) are cheaper to scan than to hash.
    const LINEAR: usize = 16;
    if items.len() < 2 {
        return;
    }
    let keep: Vec<bool> = if items.len() <= LINEAR {
        let repeats = |i: usize| items[..i].iter().any(|p| key(p) == key(&items[i]));
        // Most users have no repeat at all: find that out without allocating.
        if !(1..items.len()).any(repeats) {
            return;
        }
        (0..items.len()).map(|i| !repeats(i)).collect()
    } else {
        let mut seen = HashSet::with_capacity(items.len());
        items.iter().map(|it| seen.insert(key(it))).collect()
    };
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::headers::map_header;

    fn row(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    fn cols() -> Columns {
        map_header(
            [
                "User id",
                "User name",
                "email",
                "Org role",
                "Jira - acme",
                "Last seen in Jira - acme",
                "Group name",
                "Group id",
            ],
            1,
        )
        .unwrap()
    }

    #[test]
    fn row_fields_are_trimmed_and_lists_split() {
        let user = user_from_row(
            &row(&["x", " Ann ", "a@x", "", "User", " ", "eng, , ops,eng", "g1"]),
            &cols(),
            "x",
            7,
        );
        assert_eq!(
            (user.name.as_str(), user.email.as_str(), user.line),
            ("Ann", "a@x", 7)
        );
        assert_eq!(
            user.products,
            [("Jira - acme".to_owned(), "User".to_owned())]
        );
        assert!(user.last_seen.is_empty());
        assert_eq!(user.groups, ["eng", "ops", "eng"]);
        assert_eq!(user.group_ids, ["g1"]);
    }

    #[test]
    fn merging_keeps_first_scalars_and_unions_lists() {
        let cols = cols();
        let mut merger = Merger::default();
        merger.add(user_from_row(
            &row(&["x", "Ann", "", "", "User", "", "eng", "g1"]),
            &cols,
            "x",
            2,
        ));
        merger.add(user_from_row(
            &row(&["y", "Bob", "b@x", "", "", "", "", ""]),
            &cols,
            "y",
            3,
        ));
        merger.add(user_from_row(
            &row(&[
                "x",
                "Other",
                "a@x",
                "Organization admin",
                "Product admin",
                "1 Jan 2024",
                "ops, eng",
                "g2, g1",
            ]),
            &cols,
            "x",
            4,
        ));
        let (users, merged) = merger.finish();
        assert_eq!(merged, 1);
        assert_eq!(
            users
                .iter()
                .map(|u| u.account_id.as_str())
                .collect::<Vec<_>>(),
            ["x", "y"]
        );
        let x = &users[0];
        assert_eq!((x.name.as_str(), x.line), ("Ann", 2));
        // Blank in the first row, filled from the later one.
        assert_eq!(
            (x.email.as_str(), x.org_role.as_str()),
            ("a@x", "Organization admin")
        );
        assert_eq!(x.products, [("Jira - acme".to_owned(), "User".to_owned())]);
        assert_eq!(
            x.last_seen,
            [("Jira - acme".to_owned(), "1 Jan 2024".to_owned())]
        );
        assert_eq!(x.groups, ["eng", "ops"]);
        assert_eq!(x.group_ids, ["g1", "g2"]);
    }

    #[test]
    fn admin_and_last_active_are_settled_over_all_rows() {
        let cols = cols();
        let mut merger = Merger::default();
        for cells in [
            ["x", "Ann", "", "", "User", "3 Jan 2024", "staff", ""],
            ["x", "", "", "", "", "5 Feb 2025", "jira-admins-acme", ""],
            ["y", "Bob", "", "", "User", "Never accessed", "staff", ""],
            ["z", "Cy", "", "", "User", "4 Jan 2024", "", ""],
            ["z", "", "", "", "", "03/01/2024", "", ""],
        ] {
            merger.add(user_from_row(&row(&cells), &cols, cells[0], 2));
        }
        let (users, _) = merger.finish();
        assert_eq!(
            users[0].last_active,
            SeenDate::Date(time::macros::date!(2025 - 02 - 05))
        );
        // The first row's value is still the one shown for the product.
        assert_eq!(users[0].last_seen[0].1, "3 Jan 2024");
        assert_eq!(
            users[0].admin.as_deref(),
            Some("member of the \"jira-admins-acme\" group")
        );
        assert_eq!(
            (users[1].last_active, users[1].admin.as_deref()),
            (SeenDate::Never, None)
        );
        assert_eq!(users[2].last_active, SeenDate::Unreadable);
    }

    #[test]
    fn dedup_first_short_and_long_lists() {
        let mut short = vec!["a", "b", "a", "c", "b"];
        dedup_first(&mut short, |s| s);
        assert_eq!(short, ["a", "b", "c"]);
        let mut long: Vec<String> = (0..1000).map(|i| (i % 37).to_string()).collect();
        dedup_first(&mut long, |s| s);
        assert_eq!(long, (0..37).map(|i| i.to_string()).collect::<Vec<_>>());
    }
}
