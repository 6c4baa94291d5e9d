//! Members, the organization and its directories in the API's JSON (ORG-API.md §1–3), with the
//! camelCase names of `atlassian::org::OrgUser`. Roles, product access, groups and counts
//! appear only when the search asks for them with `expand` (§3: without it, `platformRoles`
//! is not returned).

use super::state::{OrgMember, OrgSetup};
use crate::atlassian::org::OrgUser;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

/// Which optional parts of a user a reply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Expand {
    /// `platformRoles`
    pub(crate) roles: bool,
    /// `productAccess`
    pub(crate) products: bool,
    /// `groups`
    pub(crate) groups: bool,
    /// `counts.resources`
    pub(crate) counts: bool,
}

impl Expand {
    /// Every optional part.
    pub(crate) const ALL: Expand = Expand {
        roles: true,
        products: true,
        groups: true,
        counts: true,
    };

    /// Adds one `expand` value; `false` for a value the API does not know.
    pub(crate) fn add(&mut self, value: &str) -> bool {
        match value {
            "platformRoles" => self.roles = true,
            "productAccess" => self.products = true,
            "groups" => self.groups = true,
            "counts.resources" => self.counts = true,
            _ => return false,
        }
        true
    }
}

/// One member as `users/search` lists it.
pub(crate) fn user_json(setup: &OrgSetup, m: &OrgMember, expand: Expand) -> Value {
    let picture = format!(
        "https://avatar-management.example.invalid/{}/128",
        URL_SAFE_NO_PAD.encode(&m.account_id)
    );
    let mut v = json!({
        "accountId": m.account_id,
        "accountType": "atlassian",
        "status": m.status(),
        "accountStatus": m.account_status(),
        "membershipStatus": m.membership_status(),
        "addedToOrg": m.added_to_org,
        "name": m.name,
        "nickname": m.nickname,
        "emailVerified": m.email.is_some(),
        "claimStatus": if m.managed { "managed" } else { "unmanaged" },
        "picture": picture,
        "avatar": picture,
        "links": { "self": URL_SAFE_NO_PAD.encode(format!("user.{}", m.account_id)) },
    });
    if let Some(email) = &m.email {
        v["email"] = json!(email);
    }
    if m.managed {
        v["managementSource"] = json!(m.source);
        v["mfaEnabled"] = json!(m.mfa);
    }
    if expand.roles {
        v["platformRoles"] = json!(m.roles);
    }
    if expand.products {
        let products: Vec<Value> = m
            .products
            .iter()
            .map(|p| {
                let mut a = json!({
                    "key": p.product,
                    "id": format!("ari:cloud:{}::site/{}", p.product, setup.cloud_id),
                });
                if let Some(t) = &p.last_active {
                    a["lastActiveTimestamp"] = json!(t);
                }
                a
            })
            .collect();
        v["productAccess"] = json!(products);
    }
    if expand.groups {
        let groups: Vec<Value> = m
            .groups
            .iter()
            .filter_map(|&g| setup.groups.get(g))
            .map(|g| json!({ "id": g.id, "name": g.name, "description": g.description }))
            .collect();
        v["groups"] = json!(groups);
    }
    if expand.counts {
        v["counts"] = json!({ "resources": m.products.len() });
    }
    v
}

/// One member with every field filled, as an expanded search reads it.
pub(crate) fn org_user(setup: &OrgSetup, m: &OrgMember) -> OrgUser {
    // The reply's own JSON read back, so the accessor and the wire can never disagree.
    serde_json::from_value(user_json(setup, m, Expand::ALL))
        .expect("a practice member reads as an OrgUser")
}

/// The `OrgModel` of `GET /admin/v1/orgs[/{orgId}]`.
pub(crate) fn org_json(base_url: &str, org_id: &str, name: &str) -> Value {
    let me = format!("{base_url}/admin/v1/orgs/{org_id}");
    json!({
        "id": org_id,
        "type": "orgs",
        "attributes": { "name": name },
        "relationships": {
            "domains": { "links": { "related": format!("{me}/domains") } },
            "users": { "links": { "related": format!("{me}/users") } },
        },
        "links": { "self": me },
    })
}

#[cfg(test)]
mod tests {
    use super::super::seed::seed;
    use super::*;
    use crate::practice::PracticeConfig;

    #[test]
    fn expanded_parts_appear_only_when_asked() {
        let (setup, members) = seed(&PracticeConfig::generated(30, 3));
        let caller = &members[0];
        let bare = user_json(&setup, caller, Expand::default());
        for key in ["platformRoles", "productAccess", "groups", "counts"] {
            assert!(bare.get(key).is_none(), "{key}: {bare}");
        }
        assert_eq!(bare["claimStatus"], "managed");
        assert_eq!(bare["managementSource"], "invited");
        let mut roles_only = Expand::default();
        assert!(roles_only.add("platformRoles") && !roles_only.add("roles"));
        let v = user_json(&setup, caller, roles_only);
        assert_eq!(
            v["platformRoles"],
            json!(["atlassian/org-admin", "atlassian/site-admin"])
        );
        assert!(v.get("groups").is_none());
        let all = user_json(&setup, caller, Expand::ALL);
        let product = &all["productAccess"][0];
        assert!(product["id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("::site/{}", setup.cloud_id)));
    }

    #[test]
    fn the_accessor_reads_every_field_of_the_wire_shape() {
        let (setup, members) = seed(&PracticeConfig::generated(30, 3));
        let user = org_user(&setup, &members[0]);
        assert_eq!(user.account_id, members[0].account_id);
        assert_eq!(
            (user.status.as_str(), user.membership_status.as_str()),
            ("active", "active")
        );
        assert_eq!(user.account_status, "active");
        assert!(user.is_managed() && !user.is_synced());
        assert_eq!(user.admin_roles().len(), 2);
        assert!(user.added_to_org.is_some());
        let with_groups = members.iter().find(|m| !m.groups.is_empty()).unwrap();
        assert!(!org_user(&setup, with_groups).groups.is_empty());
        let unmanaged_json = user_json(
            &setup,
            &OrgMember {
                managed: false,
                source: None,
                ..members[1].clone()
            },
            Expand::default(),
        );
        assert!(unmanaged_json.get("managementSource").is_none());
    }

    #[test]
    fn the_org_model_has_its_five_parts() {
        let v = org_json("http://127.0.0.1:9", "o1", "Practice Organization");
        assert_eq!(v["type"], "orgs");
        assert_eq!(v["attributes"]["name"], "Practice Organization");
        assert_eq!(v["links"]["self"], "http://127.0.0.1:9/admin/v1/orgs/o1");
        assert!(v["relationships"]["users"]["links"]["related"].is_string());
    }
}
