//! Organization users as the page takes them (`OrgUsers`, `OrgImport` in
//! docs/window-contract.md): columns written as JSON a person at a time, so that a load of
//! 100,000 users writes each page as it comes and sends the page one compact answer.

use super::org_dto::NotInDirectoryDto;
use crate::atlassian::org::{OrgUser, ADMIN_ROLES};
use crate::roster::RosterUser;
use serde::Serialize;
use std::collections::HashMap;

/// `flags` bit: the company owns the account (a verified domain).
pub const MANAGED: u8 = 1;
/// `flags` bit: an identity provider provisions the account.
pub const SYNCED: u8 = 2;
/// `flags` bit: a managed account that is not a member of the directory.
pub const NO_MEMBERSHIP: u8 = 4;

/// Users of the directory as the Choose step's table takes them, written as JSON a person at a
/// time (a load writes each page as it comes, so nothing is left to write after the last one):
/// one array per column, the same index the same person, and the few values that repeat over
/// 100,000 rows (statuses, sets of admin roles) sent once and numbered: two fifths of the bytes
/// of one object per person, which repeats every key name. The shape (docs/window-contract.md):
///
/// `{ id, name, email: [string], status, membership: [index into words], roles: [index into
/// roleSets], flags: [MANAGED | SYNCED | NO_MEMBERSHIP], lastActiveJira, lastActiveConfluence,
/// addedToOrg: ["YYYY-MM-DD" | null], words: [string], roleSets: [[string]] }`
///
/// where a status is `active`, `suspended`, `not_invited`, `deactivated` or `for_deletion`, a
/// membership `active`, `suspended` or `no_membership`, an email `""` when Atlassian shows none,
/// a day `null` when never active, and role sets name admin roles without `atlassian/`.
#[derive(Default)]
pub struct OrgUserColumns {
    /// The columns' JSON so far, without their brackets, in [`COLUMNS`] order.
    cells: [Vec<u8>; COLUMNS.len()],
    len: usize,
    words: Vec<String>,
    word_index: HashMap<String, u32>,
    /// Sets of admin roles, one bit per [`ADMIN_ROLES`] entry, numbered.
    role_sets: Vec<u8>,
}

/// The per-person columns, in the order they are written.
const COLUMNS: [&str; 10] = [
    "id",
    "name",
    "email",
    "status",
    "membership",
    "roles",
    "flags",
    "lastActiveJira",
    "lastActiveConfluence",
    "addedToOrg",
];

impl OrgUserColumns {
    /// No users yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The columns of `users`, in their order.
    pub fn of<'a>(users: impl IntoIterator<Item = &'a OrgUser>) -> Self {
        let mut columns = Self::new();
        columns.extend(users);
        columns
    }

    /// Adds `users` after those written so far.
    pub fn extend<'a>(&mut self, users: impl IntoIterator<Item = &'a OrgUser>) {
        for u in users {
            self.push(u);
        }
    }

    /// Adds one person.
    pub fn push(&mut self, u: &OrgUser) {
        let status = self.word(&u.status);
        let membership = self.word(&u.membership_status);
        let roles = admin_roles(u);
        let roles = match self.role_sets.iter().position(|&r| r == roles) {
            Some(k) => k,
            None => {
                self.role_sets.push(roles);
                self.role_sets.len() - 1
            }
        };
        let first = self.len == 0;
        let [id, name, email, st, mem, rol, fl, jira, confluence, added] = &mut self.cells;
        cell(id, first, &u.account_id);
        cell(name, first, &u.name);
        cell(email, first, u.email.as_deref().unwrap_or(""));
        cell(st, first, &status);
        cell(mem, first, &membership);
        cell(rol, first, &roles);
        cell(fl, first, &flags(u));
        cell(jira, first, &last_day(u, "jira"));
        cell(confluence, first, &last_day(u, "confluence"));
        cell(added, first, &u.added_to_org.as_deref().map(day));
        self.len += 1;
    }

    /// How many users.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The JSON object.
    pub fn into_json(self) -> String {
        let mut out = Vec::with_capacity(self.json_len());
        self.write_into(&mut out);
        // Only JSON written by serde_json and ASCII punctuation went in.
        String::from_utf8(out).expect("JSON text is UTF-8")
    }

    /// About how long the JSON object is.
    fn json_len(&self) -> usize {
        self.cells.iter().map(Vec::len).sum::<usize>() + 512
    }

    /// Writes the JSON object at the end of `out`.
    fn write_into(self, out: &mut Vec<u8>) {
        out.push(b'{');
        for (name, cells) in COLUMNS.iter().zip(&self.cells) {
            out.extend_from_slice(format!("\"{name}\":[").as_bytes());
            out.extend_from_slice(cells);
            out.extend_from_slice(b"],");
        }
        let role_sets: Vec<Vec<&str>> = self
            .role_sets
            .iter()
            .map(|mask| {
                ADMIN_ROLES
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| mask & (1 << k) != 0)
                    .map(|(_, r)| r.trim_start_matches("atlassian/"))
                    .collect()
            })
            .collect();
        out.extend_from_slice(b"\"words\":");
        out.extend_from_slice(&json(&self.words));
        out.extend_from_slice(b",\"roleSets\":");
        out.extend_from_slice(&json(&role_sets));
        out.push(b'}');
    }

    /// The number of a status, given once.
    fn word(&mut self, word: &str) -> u32 {
        if let Some(&k) = self.word_index.get(word) {
            return k;
        }
        let k = self.words.len() as u32;
        self.words.push(word.to_owned());
        self.word_index.insert(word.to_owned(), k);
        k
    }
}

/// Appends `value` to a column (after a comma unless it is the first).
fn cell(column: &mut Vec<u8>, first: bool, value: &(impl Serialize + ?Sized)) {
    if !first {
        column.push(b',');
    }
    // A string, a number or `null` into memory: this cannot fail.
    serde_json::to_writer(column, value).expect("plain values always write as JSON");
}

/// `value` as JSON; strings, numbers and `null`, into memory, so it cannot fail.
fn json(value: &(impl Serialize + ?Sized)) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain values always write as JSON")
}

/// The admin roles a user holds, one bit per [`ADMIN_ROLES`] entry.
fn admin_roles(u: &OrgUser) -> u8 {
    let mut mask = 0;
    for (k, role) in ADMIN_ROLES.iter().enumerate() {
        if u.platform_roles.iter().any(|r| r == role) {
            mask |= 1 << k;
        }
    }
    mask
}

/// [`MANAGED`], [`SYNCED`] and [`NO_MEMBERSHIP`], or-ed.
fn flags(u: &OrgUser) -> u8 {
    (if u.is_managed() { MANAGED } else { 0 })
        | (if u.is_synced() { SYNCED } else { 0 })
        | (if u.has_no_membership() {
            NO_MEMBERSHIP
        } else {
            0
        })
}

/// The day of the latest activity in `product`.
fn last_day<'a>(u: &'a OrgUser, product: &str) -> Option<&'a str> {
    u.last_active_in(product).map(day)
}

/// The date part of an ISO 8601 timestamp.
fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

/// A field of an answer: a value, or users' columns.
enum Field {
    /// Written as JSON.
    Value(Vec<u8>),
    /// Written when the answer is.
    Users(Box<OrgUserColumns>),
}

/// `{ "name": field, ... }`, written once into a buffer of the right size: 100,000 users are
/// megabytes, copied once here.
fn object(fields: Vec<(&str, Field)>) -> String {
    let len = fields.iter().map(|(name, field)| {
        name.len()
            + 4
            + match field {
                Field::Value(v) => v.len(),
                Field::Users(u) => u.json_len(),
            }
    });
    let mut out = Vec::with_capacity(len.sum::<usize>() + 2);
    out.push(b'{');
    for (k, (name, field)) in fields.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&json(name));
        out.push(b':');
        match field {
            Field::Value(v) => out.extend_from_slice(&v),
            Field::Users(u) => u.write_into(&mut out),
        }
    }
    out.push(b'}');
    // Only JSON written by serde_json and ASCII punctuation went in.
    String::from_utf8(out).expect("JSON text is UTF-8")
}

/// `OrgUsers`, the users loaded from the organization: `{ directoryName, users }` as JSON.
pub fn org_users_json(directory_name: &str, users: OrgUserColumns) -> String {
    object(vec![
        ("directoryName", Field::Value(json(directory_name))),
        ("users", Field::Users(Box::new(users))),
    ])
}

/// `OrgImport`, an export matched to the directory, as JSON: the export's people found in it
/// (as the directory describes them now), those it does not hold (listed, never planned), the
/// file's name and the directory's.
pub fn org_import_json(
    users: OrgUserColumns,
    not_in_directory: &[RosterUser],
    file_name: &str,
    directory_name: &str,
) -> String {
    let missing: Vec<NotInDirectoryDto> = not_in_directory.iter().map(Into::into).collect();
    object(vec![
        ("users", Field::Users(Box::new(users))),
        ("notInDirectory", Field::Value(json(&missing))),
        ("fileName", Field::Value(json(file_name))),
        ("directoryName", Field::Value(json(directory_name))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::org::ProductAccess;

    fn ada() -> OrgUser {
        OrgUser {
            account_id: "a-1".into(),
            name: "Ada".into(),
            status: "active".into(),
            membership_status: "active".into(),
            claim_status: "managed".into(),
            management_source: Some("synced".into()),
            platform_roles: vec!["atlassian/site-admin".into(), "atlassian/ai-access".into()],
            product_access: vec![ProductAccess {
                key: "jira-software".into(),
                last_active_timestamp: Some("2026-03-04T05:06:07.089Z".into()),
                ..ProductAccess::default()
            }],
            added_to_org: Some("2019-01-02T00:00:00Z".into()),
            ..OrgUser::default()
        }
    }

    #[test]
    fn users_go_as_columns_with_days_roles_without_prefix_and_repeats_numbered() {
        let bob = OrgUser {
            account_id: "b-2".into(),
            name: "Bob".into(),
            email: Some("bob@example.com".into()),
            status: "suspended".into(),
            membership_status: "no_membership".into(),
            ..OrgUser::default()
        };
        let cy = OrgUser {
            account_id: "c-3".into(),
            name: "Cy".into(),
            ..ada()
        };
        let users = [ada(), bob, cy];
        let json: serde_json::Value =
            serde_json::from_str(&OrgUserColumns::of(&users).into_json()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = vec![
            "id",
            "name",
            "email",
            "status",
            "membership",
            "roles",
            "flags",
            "lastActiveJira",
            "lastActiveConfluence",
            "addedToOrg",
            "words",
            "roleSets",
        ];
        want.sort_unstable();
        assert_eq!(keys, want, "camelCase column names, nothing else");
        assert_eq!(json["id"], serde_json::json!(["a-1", "b-2", "c-3"]));
        assert_eq!(
            json["email"],
            serde_json::json!(["", "bob@example.com", ""])
        );
        // Each status once, numbered in order of first appearance.
        assert_eq!(
            json["words"],
            serde_json::json!(["active", "suspended", "no_membership"])
        );
        assert_eq!(json["status"], serde_json::json!([0, 1, 0]));
        assert_eq!(json["membership"], serde_json::json!([0, 2, 0]));
        // Admin roles only, without Atlassian's prefix; each set once.
        assert_eq!(json["roleSets"], serde_json::json!([["site-admin"], []]));
        assert_eq!(json["roles"], serde_json::json!([0, 1, 0]));
        assert_eq!(
            json["flags"],
            serde_json::json!([MANAGED | SYNCED, NO_MEMBERSHIP, MANAGED | SYNCED])
        );
        assert_eq!(
            json["lastActiveJira"],
            serde_json::json!(["2026-03-04", null, "2026-03-04"])
        );
        assert_eq!(
            json["lastActiveConfluence"],
            serde_json::json!([null, null, null])
        );
        assert_eq!(
            json["addedToOrg"],
            serde_json::json!(["2019-01-02", null, "2019-01-02"])
        );
    }

    #[test]
    fn a_column_answer_costs_little_more_than_its_own_words() {
        // Over many people, what is sent beyond their ids, names, emails and days is a few
        // bytes each: no key name or status word is repeated per person.
        let users: Vec<OrgUser> = (0..2_000)
            .map(|i| OrgUser {
                account_id: format!("712020:{i:08}-aaaa-4bbb-8ccc-dddddddddddd"),
                name: format!("Person {i}"),
                email: Some(format!("person.{i}@example.com")),
                status: ["active", "suspended", "not_invited"][i % 3].into(),
                ..ada()
            })
            .collect();
        // Written a page at a time, as a load writes them.
        let mut cols = OrgUserColumns::new();
        assert!(cols.is_empty());
        for page in users.chunks(100) {
            cols.extend(page);
        }
        assert_eq!((cols.len(), cols.is_empty()), (2_000, false));
        let own: usize = users
            .iter()
            .map(|u| u.account_id.len() + u.name.len() + u.email.as_ref().map_or(0, String::len))
            .sum::<usize>()
            + users.len() * 2 * "2026-03-04".len();
        let text = cols.into_json();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["id"][1_999], users[1_999].account_id.as_str());
        assert_eq!(
            back["words"],
            serde_json::json!(["active", "suspended", "not_invited"])
        );
        let bytes = text.len();
        let overhead = (bytes - own) as f64 / users.len() as f64;
        assert!(
            overhead < 40.0,
            "{overhead:.1} bytes per person beyond their own words"
        );
    }

    #[test]
    fn the_answers_are_json_objects_with_every_text_escaped() {
        let odd = OrgUser {
            account_id: "a\"1".into(),
            name: "Zoë \\ \"Quote\"\n".into(),
            ..ada()
        };
        let loaded = org_users_json("Dir \"A\"", OrgUserColumns::of([&odd]));
        let v: serde_json::Value = serde_json::from_str(&loaded).unwrap();
        assert_eq!(v["directoryName"], "Dir \"A\"");
        assert_eq!(v["users"]["id"][0], "a\"1");
        assert_eq!(v["users"]["name"][0], "Zoë \\ \"Quote\"\n");
        let stranger = RosterUser {
            account_id: "x-9".into(),
            name: "Pat".into(),
            email: "pat@example.com".into(),
            ..RosterUser::default()
        };
        let matched = org_import_json(OrgUserColumns::new(), &[stranger], "e.csv", "Dir");
        let v: serde_json::Value = serde_json::from_str(&matched).unwrap();
        assert_eq!(v["users"]["id"], serde_json::json!([]));
        assert_eq!(v["users"]["roleSets"], serde_json::json!([]));
        assert_eq!(
            v["notInDirectory"],
            serde_json::json!([{"accountId": "x-9", "name": "Pat", "email": "pat@example.com"}])
        );
        assert_eq!(
            (v["fileName"].as_str(), v["directoryName"].as_str()),
            (Some("e.csv"), Some("Dir"))
        );
    }
}
