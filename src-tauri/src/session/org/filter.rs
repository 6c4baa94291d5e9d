//! Filters over the organization's users, for `offboard org users` (the window filters in the
//! page with the same meaning): last active in a product before a date, status, managed or
//! not, provisioned by an identity provider, admins.

use crate::atlassian::org::OrgUser;

/// Which users to keep; every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Not active in this product (`jira`, `confluence`, ...) since this date (`YYYY-MM-DD`);
    /// never active counts as not active since.
    pub inactive_since: Option<(String, String)>,
    /// Only these statuses (`active`, `suspended`, ...).
    pub status: Vec<String>,
    /// Only managed (true) or unmanaged (false) accounts.
    pub managed: Option<bool>,
    /// Only (true) or never (false) people provisioned by an identity provider.
    pub synced: Option<bool>,
    /// Only (true) or never (false) people with an admin role.
    pub admins: Option<bool>,
}

impl UserFilter {
    /// True when `user` passes every filter.
    pub fn matches(&self, user: &OrgUser) -> bool {
        if let Some((product, date)) = &self.inactive_since {
            let last = user
                .last_active_in(product)
                .map(|t| t.get(..10).unwrap_or(t));
            if last.is_some_and(|day| day >= date.as_str()) {
                return false;
            }
        }
        if !self.status.is_empty() && !self.status.contains(&user.status) {
            return false;
        }
        let holds = |want: Option<bool>, is: bool| want.is_none_or(|w| w == is);
        holds(self.managed, user.is_managed())
            && holds(self.synced, user.is_synced())
            && holds(self.admins, !user.admin_roles().is_empty())
    }

    /// Checks a typed date (`YYYY-MM-DD`), in words for the admin when it is not one.
    pub fn parse_date(input: &str) -> Result<String, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(input.trim(), format)
            .map(|_| input.trim().to_owned())
            .map_err(|_| {
                format!(
                    "'{}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01",
                    input.trim()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::org::ProductAccess;

    fn user(status: &str, jira: Option<&str>) -> OrgUser {
        OrgUser {
            account_id: "a".into(),
            status: status.into(),
            claim_status: "managed".into(),
            product_access: jira
                .map(|t| ProductAccess {
                    key: "jira-software".into(),
                    last_active_timestamp: Some(t.into()),
                    ..ProductAccess::default()
                })
                .into_iter()
                .collect(),
            ..OrgUser::default()
        }
    }

    #[test]
    fn last_active_before_a_date_counts_never_active_and_excludes_that_day() {
        let f = UserFilter {
            inactive_since: Some(("jira".into(), "2026-03-01".into())),
            ..UserFilter::default()
        };
        assert!(f.matches(&user("active", Some("2026-02-28T23:59:59Z"))));
        assert!(!f.matches(&user("active", Some("2026-03-01T00:00:01Z"))));
        assert!(f.matches(&user("active", None)));
    }

    #[test]
    fn every_filter_given_must_hold() {
        let f = UserFilter {
            status: vec!["suspended".into()],
            managed: Some(true),
            synced: Some(false),
            admins: Some(false),
            ..UserFilter::default()
        };
        assert!(f.matches(&user("suspended", None)));
        assert!(!f.matches(&user("active", None)));
        let mut synced = user("suspended", None);
        synced.management_source = Some("synced".into());
        assert!(!f.matches(&synced));
        let mut admin = user("suspended", None);
        admin.platform_roles = vec!["atlassian/site-admin".into()];
        assert!(!f.matches(&admin));
        assert!(UserFilter::parse_date("2026-13-01").is_err());
        assert_eq!(
            UserFilter::parse_date(" 2026-03-01 ").unwrap(),
            "2026-03-01"
        );
    }
}
