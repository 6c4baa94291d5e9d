//! Who the file itself says is an admin (an Org role, or an admin group), and how much the
//! file can say about that at all.

use serde::{Deserialize, Serialize};

use super::account_id::shown;

/// The admin groups' names, lower case; see [`is_admin_group`].
const ADMIN_GROUPS: [&str; 15] = [
    "site-admins",
    "org-admins",
    "administrators",
    "system-administrators",
    "jira-administrators",
    "jira-admins",
    "confluence-administrators",
    "confluence-admins",
    "jira-servicemanagement-admins",
    "jira-software-admins",
    "jira-core-admins",
    "bitbucket-admins",
    "statuspage-admins",
    "opsgenie-admins",
    "trello-admins",
];

/// The short warning shown next to the table when the file cannot say who the admins are.
pub const NO_ADMIN_INFO_WARNING: &str = "This file does not say who your admins are: it has \
    no Org role column and no group columns. Check the selection yourself.";

/// True when membership of this group makes someone an admin. Names match ignoring case and
/// surrounding spaces: `site-admins`, `org-admins`, `administrators`, `system-administrators`,
/// `jira-administrators`, `jira-admins`, `confluence-administrators`, `confluence-admins`,
/// `jira-servicemanagement-admins`, `jira-software-admins`, `jira-core-admins`,
/// `bitbucket-admins`, `statuspage-admins`, `opsgenie-admins`, `trello-admins`, and each of
/// these followed by `-` and a site name, as sites name their own copies (`jira-admins-acme`,
/// `site-admins-acme`). Other names (`jira-users`, `not-site-admins`) are not admin groups.
pub fn is_admin_group(name: &str) -> bool {
    let name = name.trim().as_bytes();
    ADMIN_GROUPS.iter().any(|group| {
        // Bytes, not str slices: cutting a name with accents at a byte could panic.
        let Some((head, rest)) = name.split_at_checked(group.len()) else {
            return false;
        };
        head.eq_ignore_ascii_case(group.as_bytes())
            && (rest.is_empty() || (rest.len() > 1 && rest[0] == b'-'))
    })
}

/// Why the file says this person is an admin, in the admin's words; `None` for anyone else.
/// The Org role comes first because it is the stronger statement.
pub fn admin_reason(org_role: &str, groups: &[String]) -> Option<String> {
    let role = org_role.trim();
    if !role.is_empty() {
        return Some(format!("org role {}", shown(role)));
    }
    groups
        .iter()
        .find(|g| is_admin_group(g))
        .map(|g| format!("member of the {} group", shown(g.trim())))
}

/// What the file can tell about who the admins are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionInfo {
    /// The header has an `Org role` column.
    pub org_role_column: bool,
    /// The header has group-name columns.
    pub group_columns: bool,
    /// Users the file marks as admins (by Org role or admin group).
    pub admins_in_file: u64,
}

impl ProtectionInfo {
    /// True when the file carries any admin information (an Org role or group column).
    pub fn has_admin_info(&self) -> bool {
        self.org_role_column || self.group_columns
    }

    /// One sentence for the admin: which protective information the file carries.
    pub fn describe(&self) -> String {
        let admins = match self.admins_in_file {
            0 => "nobody in it is marked as an admin".to_owned(),
            1 => "1 admin is protected from it".to_owned(),
            n => format!("{n} admins are protected from it"),
        };
        match (self.org_role_column, self.group_columns) {
            (true, true) => {
                format!("This file lists org roles and group memberships: {admins}.")
            }
            (true, false) => format!(
                "This file lists org roles but no group memberships: {admins}. People who are \
                 admins only through a group are not marked in it; Offboard reads your site's \
                 site-admins group before anything is removed, but check the selection yourself."
            ),
            (false, true) => format!(
                "This file lists group memberships but has no Org role column: {admins}. \
                 Organization admins who are in no admin group are not marked in it, so check \
                 the selection yourself."
            ),
            (false, false) => "This file has no Org role column and no group columns, so it \
                 cannot tell who your admins are. Offboard will read your site's site-admins \
                 group before anything is removed and protect those people, but check the \
                 selection yourself."
                .to_owned(),
        }
    }

    /// [`NO_ADMIN_INFO_WARNING`] when the file has no admin information, else `None`.
    pub fn warning(&self) -> Option<&'static str> {
        (!self.has_admin_info()).then_some(NO_ADMIN_INFO_WARNING)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_groups_table() {
        for name in [
            "site-admins",
            "Site-Admins",
            " SITE-ADMINS ",
            "org-admins",
            "administrators",
            "system-administrators",
            "jira-administrators",
            "jira-admins",
            "confluence-administrators",
            "confluence-admins",
            "jira-servicemanagement-admins",
            "jira-software-admins",
            "jira-core-admins",
            "bitbucket-admins",
            "statuspage-admins",
            "opsgenie-admins",
            "trello-admins",
            // Per-site copies.
            "jira-admins-acme",
            "site-admins-acme",
            "confluence-admins-acme",
            "Jira-Administrators-Acme-Staging",
            "site-admins-requests",
            "administrators-club",
        ] {
            assert!(is_admin_group(name), "{name:?} should be an admin group");
        }
        for name in [
            "",
            "admins",
            "admin",
            "not-site-admins",
            "my-jira-admins",
            "site-admin",
            "site-adminsx",
            "site-admins-",
            "site-admins_acme",
            "jira-users",
            "jira-users-acme",
            "trusted-users",
            "confluence-users",
            "jira-servicemanagement-users-acme",
            "org-admin",
            "jira-software-users",
            "administrator",
            "siteé-admins",
            "é",
        ] {
            assert!(!is_admin_group(name), "{name:?} is not an admin group");
        }
    }

    #[test]
    fn reasons_name_the_role_first_then_the_group() {
        let groups = |names: &[&str]| names.iter().map(|g| g.to_string()).collect::<Vec<_>>();
        assert_eq!(admin_reason("", &groups(&["jira-users", "staff"])), None);
        assert_eq!(
            admin_reason(" Organization admin ", &groups(&["site-admins"])).as_deref(),
            Some("org role \"Organization admin\"")
        );
        assert_eq!(
            admin_reason("", &groups(&["staff", "jira-admins-acme", "site-admins"])).as_deref(),
            Some("member of the \"jira-admins-acme\" group")
        );
    }

    #[test]
    fn describe_says_what_the_file_carries() {
        let info = |org_role_column, group_columns, admins_in_file| ProtectionInfo {
            org_role_column,
            group_columns,
            admins_in_file,
        };
        assert_eq!(
            info(true, true, 4).describe(),
            "This file lists org roles and group memberships: 4 admins are protected from it."
        );
        assert!(info(true, true, 1)
            .describe()
            .contains("1 admin is protected"));
        assert!(info(true, false, 0)
            .describe()
            .contains("org roles but no group memberships: nobody in it is marked"));
        assert!(info(false, true, 2)
            .describe()
            .starts_with("This file lists group memberships but has no Org role column: 2 admins"));
        let none = info(false, false, 0);
        assert!(!none.has_admin_info());
        assert!(none.describe().contains("cannot tell who your admins are"));
        assert_eq!(none.warning(), Some(NO_ADMIN_INFO_WARNING));
        for partial in [info(true, false, 0), info(false, true, 0)] {
            assert!(partial.has_admin_info());
            assert_eq!(partial.warning(), None);
        }
    }
}
