//! The organization admin API's objects, as Offboard reads them (ORG-API.md §1–3). Every field
//! Atlassian may leave out has a default, so a reply with fewer fields still reads.

use serde::{Deserialize, Serialize};

/// Admin platform roles that lock a row (ORG-API.md §3, `platformRoles`).
pub const ADMIN_ROLES: [&str; 3] = [
    "atlassian/org-admin",
    "atlassian/site-admin",
    "atlassian/user-access-admin",
];

/// The organization-admin role: the key's owner holds it, so rows with it are never touched.
pub const ORG_ADMIN_ROLE: &str = "atlassian/org-admin";

/// An organization, from `GET /admin/v1/orgs/{orgId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// The org id (a UUID).
    pub id: String,
    /// The organization's name as admin.atlassian.com shows it.
    pub name: String,
}

/// A directory (user base) of the organization, from `GET /admin/v2/orgs/{orgId}/directories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    /// The directory id, used in every user path.
    pub directory_id: String,
    /// Its name as Atlassian names it.
    #[serde(default)]
    pub name: String,
}

/// One product's last activity, from `expand: productAccess`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ProductAccess {
    /// The product key (`jira`, `confluence`, ...).
    #[serde(default)]
    pub key: String,
    /// The site's ARI.
    #[serde(default)]
    pub id: String,
    /// ISO 8601, absent when never active.
    #[serde(default)]
    pub last_active_timestamp: Option<String>,
}

/// One group membership, from `expand: groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GroupRef {
    /// The group id.
    #[serde(default)]
    pub id: String,
    /// The group's name.
    #[serde(default)]
    pub name: Option<String>,
}

/// One user of a directory (`MultiDirectoryUser`, ORG-API.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OrgUser {
    /// The account id.
    pub account_id: String,
    /// `active`, `suspended`, `not_invited`, `deactivated` or `for_deletion`.
    #[serde(default)]
    pub status: String,
    /// `active`, `inactive` or `closed`.
    #[serde(default)]
    pub account_status: String,
    /// `active`, `suspended` or `no_membership`.
    #[serde(default)]
    pub membership_status: String,
    /// The display name.
    #[serde(default)]
    pub name: String,
    /// The email (may be absent).
    #[serde(default)]
    pub email: Option<String>,
    /// `managed` or `unmanaged`.
    #[serde(default)]
    pub claim_status: String,
    /// `invited`, `synced` or absent (managed accounts only).
    #[serde(default)]
    pub management_source: Option<String>,
    /// Admin roles, with `expand: platformRoles`.
    #[serde(default)]
    pub platform_roles: Vec<String>,
    /// Last activity per product, with `expand: productAccess`.
    #[serde(default)]
    pub product_access: Vec<ProductAccess>,
    /// Group memberships, with `expand: groups`.
    #[serde(default)]
    pub groups: Vec<GroupRef>,
    /// When first added to a directory the key can see (ISO 8601).
    #[serde(default)]
    pub added_to_org: Option<String>,
}

impl OrgUser {
    /// The admin roles this user holds (of [`ADMIN_ROLES`]).
    pub fn admin_roles(&self) -> Vec<String> {
        self.platform_roles
            .iter()
            .filter(|r| ADMIN_ROLES.contains(&r.as_str()))
            .cloned()
            .collect()
    }

    /// True when an identity provider (SCIM) provisions this account.
    pub fn is_synced(&self) -> bool {
        self.management_source.as_deref() == Some("synced")
    }

    /// True when the company owns this account (a verified domain).
    pub fn is_managed(&self) -> bool {
        self.claim_status == "managed"
    }

    /// True when the account is not a member of the directory (a managed account listed
    /// without membership, ORG-API.md §9): not someone to suspend or remove.
    pub fn has_no_membership(&self) -> bool {
        self.membership_status == "no_membership"
    }

    /// The latest activity in one product (`jira`, `confluence`, ...), if any.
    pub fn last_active_in(&self, product: &str) -> Option<&str> {
        self.product_access
            .iter()
            .filter(|p| {
                // `jira`, or `jira-software`: no string is built per call (100,000 users).
                p.key
                    .strip_prefix(product)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
            })
            .filter_map(|p| p.last_active_timestamp.as_deref())
            .max()
    }
}

/// Filters of `POST …/users/search` that Offboard uses (ORG-API.md §3; all optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserSearch {
    /// Only these accounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub account_ids: Vec<String>,
    /// Only these statuses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    /// `managed` or `unmanaged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_status: Option<String>,
    /// Display name and email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_term: Option<String>,
}

/// One page of users and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserPage {
    /// The users on this page.
    pub users: Vec<OrgUser>,
    /// The opaque cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_atlassians_example_and_tells_roles_and_sources() {
        let json = r#"{"accountId":"12345678-aaaa","accountType":"atlassian","status":"active",
            "accountStatus":"active","membershipStatus":"active","addedToOrg":"2024-01-01T00:00:00.000Z",
            "name":"John Doe","nickname":"Jonny","email":"email@example.com","emailVerified":true,
            "claimStatus":"managed","managementSource":"synced",
            "platformRoles":["atlassian/org-admin","atlassian/ai-access"],
            "productAccess":[{"key":"jira-software","id":"ari:cloud:jira-software::site/1","lastActiveTimestamp":"2025-11-06T23:07:29.936941226Z"},
                             {"key":"jira-servicedesk","id":"ari:cloud:jira-servicedesk::site/1","lastActiveTimestamp":"2026-01-02T00:00:00Z"},
                             {"key":"confluence","id":"ari:cloud:confluence::site/1"}],
            "links":{"self":"ECg53CukK1twBo0LK1u9nw"}}"#;
        let user: OrgUser = serde_json::from_str(json).unwrap();
        assert_eq!(user.admin_roles(), vec!["atlassian/org-admin".to_owned()]);
        assert!(user.is_synced() && user.is_managed() && !user.has_no_membership());
        assert_eq!(user.last_active_in("jira"), Some("2026-01-02T00:00:00Z"));
        assert_eq!(user.last_active_in("confluence"), None);
        let bare: OrgUser = serde_json::from_str(r#"{"accountId":"x"}"#).unwrap();
        assert!(bare.admin_roles().is_empty() && !bare.is_synced());
    }

    #[test]
    fn a_search_sends_only_the_filters_given() {
        let search = UserSearch {
            account_ids: vec!["a".into()],
            ..UserSearch::default()
        };
        assert_eq!(
            serde_json::to_value(&search).unwrap(),
            serde_json::json!({"accountIds": ["a"]})
        );
    }
}
