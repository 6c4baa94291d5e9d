//! Maps header cells to what they hold. Names match case-insensitively, ignoring surrounding
//! spaces, repeated inner spaces and `_` for space (`user_id` = `User id`).

use super::account_id::{check_account_id, shown};
use super::RosterError;

/// Where each known field sits in a row (0-based cell indexes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// Cells in the header row.
    pub width: usize,
    /// The account-id column.
    pub key: usize,
    /// The account-id column's name as written, for messages.
    pub key_name: String,
    /// `User name` / `Name`.
    pub name: Option<usize>,
    /// `email`.
    pub email: Option<usize>,
    /// `User status` / `Status`.
    pub status: Option<usize>,
    /// `Added to org`.
    pub added_to_org: Option<usize>,
    /// `Org role`.
    pub org_role: Option<usize>,
    /// `Last seen in <product>` columns with the product's label.
    pub last_seen: Vec<(usize, String)>,
    /// Product-access columns with the product's label.
    pub products: Vec<(usize, String)>,
    /// `Group name` / `Groups` columns (each cell one name or a comma-separated list).
    pub group_names: Vec<usize>,
    /// `Group id` columns.
    pub group_ids: Vec<usize>,
}

/// What one header cell means.
#[derive(Debug, PartialEq, Eq)]
enum Field {
    Key,
    Name,
    Email,
    Status,
    AddedToOrg,
    OrgRole,
    GroupNames,
    GroupIds,
    Ignored,
    LastSeen(String),
    Product(String),
}

/// Lower case, `_` as space, whitespace (and a stray BOM) trimmed and collapsed.
fn normalise(cell: &str) -> String {
    cell.replace('_', " ")
        .split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The cell as written, without surrounding whitespace or a stray BOM.
fn label(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

fn classify(cell: &str) -> Field {
    let label = label(cell);
    let norm = normalise(cell);
    match norm.as_str() {
        "user id" | "atlassian id" | "account id" => Field::Key,
        "user name" | "name" | "display name" => Field::Name,
        "email" | "email address" | "e-mail" => Field::Email,
        "user status" | "status" => Field::Status,
        "added to org" => Field::AddedToOrg,
        "org role" => Field::OrgRole,
        "group name" | "group names" | "groups" => Field::GroupNames,
        "group id" | "group ids" => Field::GroupIds,
        // Managed-accounts export columns that are neither products nor used here.
        "" | "claimed" | "billable" => Field::Ignored,
        // `Last seen in Jira - acme` is about the product `Jira - acme`.
        _ if norm.starts_with("last seen in ") => Field::LastSeen(
            label
                .replace('_', " ")
                .split_whitespace()
                .skip(3)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        // The managed-accounts export's `Last active date [UTC]`.
        _ if norm.starts_with("last seen") || norm.starts_with("last active") => {
            Field::LastSeen(label.to_owned())
        }
        _ => Field::Product(label.to_owned()),
    }
}

/// Maps a header row (found on `line`) or says why it is not an export's header.
pub fn map_header<'a>(
    cells: impl IntoIterator<Item = &'a str>,
    line: u64,
) -> Result<Columns, RosterError> {
    let cells: Vec<&str> = cells.into_iter().collect();
    let mut cols = Columns {
        width: cells.len(),
        ..Columns::default()
    };
    let mut key = None;
    for (i, cell) in cells.iter().enumerate() {
        // The first column of each single-valued kind wins; later copies are ignored.
        let first = |slot: &mut Option<usize>| {
            slot.get_or_insert(i);
        };
        match classify(cell) {
            Field::Key => {
                if key.is_none() {
                    key = Some(i);
                    cols.key_name = label(cell).to_owned();
                }
            }
            Field::Name => first(&mut cols.name),
            Field::Email => first(&mut cols.email),
            Field::Status => first(&mut cols.status),
            Field::AddedToOrg => first(&mut cols.added_to_org),
            Field::OrgRole => first(&mut cols.org_role),
            Field::GroupNames => cols.group_names.push(i),
            Field::GroupIds => cols.group_ids.push(i),
            Field::Ignored => {}
            Field::LastSeen(product) => cols.last_seen.push((i, product)),
            Field::Product(product) => cols.products.push((i, product)),
        }
    }
    match key {
        Some(key) => {
            cols.key = key;
            Ok(cols)
        }
        None => Err(missing_key_error(&cells, line)),
    }
}

/// The most helpful error for a header without an account-id column.
fn missing_key_error(cells: &[&str], line: u64) -> RosterError {
    let names: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("username") && (has("full name") || has("group name")) {
        return RosterError::LegacyExport;
    }
    if cells
        .first()
        .is_some_and(|c| check_account_id(label(c)).is_ok())
    {
        return RosterError::HeaderIsData { line };
    }
    const LISTED: usize = 8;
    let mut columns = cells
        .iter()
        .take(LISTED)
        .map(|c| shown(label(c)))
        .collect::<Vec<_>>()
        .join(", ");
    if cells.len() > LISTED {
        columns.push_str(&format!(" and {} more", cells.len() - LISTED));
    }
    RosterError::NoAccountIdColumn { columns }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = "User id,User name,email,User status,Added to org,Org role,\
        Last seen in Jira - acme,Last seen in Confluence - acme,Jira - acme,\
        Confluence - acme,Group id,Group name";

    #[test]
    fn maps_the_export_header() {
        let cols = map_header(EXPORT.split(','), 1).unwrap();
        assert_eq!(cols.width, 12);
        assert_eq!((cols.key, cols.key_name.as_str()), (0, "User id"));
        assert_eq!(
            [
                cols.name,
                cols.email,
                cols.status,
                cols.added_to_org,
                cols.org_role
            ],
            [Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert_eq!(
            cols.last_seen,
            [(6, "Jira - acme".into()), (7, "Confluence - acme".into())]
        );
        assert_eq!(
            cols.products,
            [(8, "Jira - acme".into()), (9, "Confluence - acme".into())]
        );
        assert_eq!((cols.group_ids, cols.group_names), (vec![10], vec![11]));
    }

    #[test]
    fn matching_ignores_case_spaces_underscores_and_bom() {
        let cols = map_header(
            [
                "\u{feff} USER_ID ",
                "  NAME",
                "E-Mail",
                "STATUS",
                "Groups",
                "LAST SEEN IN  Jira",
            ],
            1,
        )
        .unwrap();
        assert_eq!(cols.key_name, "USER_ID");
        assert_eq!(
            (cols.name, cols.email, cols.status),
            (Some(1), Some(2), Some(3))
        );
        assert_eq!(cols.group_names, [4]);
        assert_eq!(cols.last_seen, [(5, "Jira".into())]);
        assert!(cols.products.is_empty());
    }

    #[test]
    fn managed_accounts_header() {
        let header = "Name,Email,Atlassian ID,Status,Last active date [UTC],Claimed,Billable,Jira,Confluence";
        let cols = map_header(header.split(','), 1).unwrap();
        assert_eq!((cols.key, cols.key_name.as_str()), (2, "Atlassian ID"));
        assert_eq!(cols.last_seen, [(4, "Last active date [UTC]".into())]);
        assert_eq!(
            cols.products,
            [(7, "Jira".into()), (8, "Confluence".into())]
        );
    }

    #[test]
    fn first_of_duplicate_columns_wins_and_blank_headers_are_ignored() {
        let cols = map_header(["email", "User id", "", "Email", "user id"], 1).unwrap();
        assert_eq!((cols.key, cols.email), (1, Some(0)));
        assert!(cols.products.is_empty());
    }

    #[test]
    fn missing_key_column_errors() {
        let legacy = "group_name,username,full_name,email,active,last_login";
        assert!(matches!(
            map_header(legacy.split(','), 1),
            Err(RosterError::LegacyExport)
        ));
        assert!(matches!(
            map_header(["5b10ac8d82e05b22cc7d4ef5", "Alex"], 3),
            Err(RosterError::HeaderIsData { line: 3 })
        ));
        let many: Vec<String> = (0..20).map(|i| format!("col{i}")).collect();
        match map_header(many.iter().map(String::as_str), 1) {
            Err(RosterError::NoAccountIdColumn { columns }) => {
                assert!(columns.starts_with("\"col0\", \"col1\""), "{columns}");
                assert!(columns.ends_with("and 12 more"), "{columns}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
