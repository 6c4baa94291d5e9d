//! Which organization endpoint a request asks for (ORG-API.md's endpoint table), from its
//! method and path alone: the admin API under `/admin/`, the user-management API under
//! `/users/`.

use super::errors::ApiGen;
use super::lifecycle::Action;
use hyper::Method;

/// What a write does to one directory member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteKind {
    /// `POST …/users/{id}/suspend`
    Suspend,
    /// `POST …/users/{id}/restore`
    Restore,
    /// `DELETE …/users/{id}`
    Remove,
}

/// An organization endpoint, with the ids its path names (account ids percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrgRoute {
    /// `GET /admin/v1/orgs`
    Orgs,
    /// `GET /admin/v1/orgs/{orgId}`
    Org { org: String },
    /// `GET /admin/v2/orgs/{orgId}/directories`
    Directories { org: String },
    /// `POST /admin/v2/orgs/{orgId}/directories/{dir|-}/users/search`
    Search { org: String, dir: String },
    /// `GET /admin/v2/orgs/{orgId}/directories/{dir|-}/users/{accountId}`
    User {
        org: String,
        dir: String,
        account: String,
    },
    /// Suspend, restore or remove one user of a directory.
    Write {
        org: String,
        dir: String,
        account: String,
        kind: WriteKind,
    },
    /// `GET /users/{accountId}/manage[?privileges=…]`
    Privileges { account: String },
    /// `POST /users/{accountId}/manage/lifecycle/{action}`
    Lifecycle { account: String, action: Action },
    /// A known path asked with another method.
    WrongMethod,
    /// Anything else under `/admin/`.
    Unknown,
}

impl OrgRoute {
    /// The account id a user path names (recorded with the request).
    pub(crate) fn account_id(&self) -> Option<&str> {
        match self {
            OrgRoute::User { account, .. }
            | OrgRoute::Write { account, .. }
            | OrgRoute::Privileges { account }
            | OrgRoute::Lifecycle { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// The API generation of a path, for the shape of its 429.
pub(crate) fn api_gen(path: &str) -> ApiGen {
    if super::is_manage_path(path) {
        ApiGen::Users
    } else if path.starts_with("/admin/v1/") || path == "/admin/v1" {
        ApiGen::V1
    } else {
        ApiGen::V2
    }
}

/// Routes one request under `/admin/` or `/users/`.
pub(crate) fn route(method: &Method, path: &str) -> OrgRoute {
    let segments: Vec<&str> = path
        .trim_end_matches('/')
        .split('/')
        .skip(1) // the empty segment before the leading slash
        .collect();
    if segments.first() == Some(&"users") {
        return users_route(method, &segments);
    }
    let get = method == Method::GET;
    let owned = |s: &str| s.to_string();
    let (expected_get, found) = match segments.as_slice() {
        ["admin", "v1", "orgs"] => (true, OrgRoute::Orgs),
        ["admin", "v1", "orgs", org] => (true, OrgRoute::Org { org: owned(org) }),
        ["admin", "v2", "orgs", org, "directories"] => {
            (true, OrgRoute::Directories { org: owned(org) })
        }
        ["admin", "v2", "orgs", org, "directories", dir, "users", "search"] => {
            let route = OrgRoute::Search {
                org: owned(org),
                dir: owned(dir),
            };
            return if method == Method::POST {
                route
            } else {
                OrgRoute::WrongMethod
            };
        }
        ["admin", "v2", "orgs", org, "directories", dir, "users", account] => {
            let (org, dir, account) = (owned(org), owned(dir), percent_decode(account));
            return match *method {
                Method::GET => OrgRoute::User { org, dir, account },
                Method::DELETE => OrgRoute::Write {
                    org,
                    dir,
                    account,
                    kind: WriteKind::Remove,
                },
                _ => OrgRoute::WrongMethod,
            };
        }
        ["admin", "v2", "orgs", org, "directories", dir, "users", account, action] => {
            let kind = match *action {
                "suspend" => WriteKind::Suspend,
                "restore" => WriteKind::Restore,
                _ => return OrgRoute::Unknown,
            };
            if method != Method::POST {
                return OrgRoute::WrongMethod;
            }
            return OrgRoute::Write {
                org: owned(org),
                dir: owned(dir),
                account: percent_decode(account),
                kind,
            };
        }
        _ => return OrgRoute::Unknown,
    };
    if expected_get == get {
        found
    } else {
        OrgRoute::WrongMethod
    }
}

/// Routes one request of the user-management API (ORG-API.md §6).
fn users_route(method: &Method, segments: &[&str]) -> OrgRoute {
    match segments {
        ["users", account, "manage"] if method == Method::GET => OrgRoute::Privileges {
            account: percent_decode(account),
        },
        ["users", _, "manage"] => OrgRoute::WrongMethod,
        ["users", account, "manage", "lifecycle", action] => {
            match (Action::from_segment(action), method == Method::POST) {
                (None, _) => OrgRoute::Unknown,
                (Some(_), false) => OrgRoute::WrongMethod,
                (Some(action), true) => OrgRoute::Lifecycle {
                    account: percent_decode(account),
                    action,
                },
            }
        }
        _ => OrgRoute::Unknown,
    }
}

/// Decodes `%XX` escapes in a path segment (a client may send `712020%3A…` for `712020:…`);
/// anything that is not a valid escape is kept as it is.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "/admin/v2/orgs/o1/directories";

    #[test]
    fn every_endpoint_is_recognised_with_its_ids() {
        assert_eq!(route(&Method::GET, "/admin/v1/orgs"), OrgRoute::Orgs);
        assert_eq!(
            route(&Method::GET, "/admin/v1/orgs/o1/"),
            OrgRoute::Org { org: "o1".into() }
        );
        assert_eq!(
            route(&Method::GET, ORG),
            OrgRoute::Directories { org: "o1".into() }
        );
        assert_eq!(
            route(&Method::POST, &format!("{ORG}/-/users/search")),
            OrgRoute::Search {
                org: "o1".into(),
                dir: "-".into()
            }
        );
        let user = route(&Method::GET, &format!("{ORG}/d1/users/712020%3Aab"));
        assert_eq!(user.account_id(), Some("712020:ab"));
        assert!(matches!(user, OrgRoute::User { ref dir, .. } if dir == "d1"));
        let kinds = [
            (Method::POST, "/suspend", WriteKind::Suspend),
            (Method::POST, "/restore", WriteKind::Restore),
            (Method::DELETE, "", WriteKind::Remove),
        ];
        for (method, tail, want) in kinds {
            match route(&method, &format!("{ORG}/d1/users/a1{tail}")) {
                OrgRoute::Write { kind, account, .. } => {
                    assert_eq!((kind, account.as_str()), (want, "a1"))
                }
                other => panic!("{tail}: {other:?}"),
            }
        }
    }

    #[test]
    fn wrong_methods_and_unknown_paths() {
        assert_eq!(
            route(&Method::POST, "/admin/v1/orgs"),
            OrgRoute::WrongMethod
        );
        let search = format!("{ORG}/-/users/search");
        assert_eq!(route(&Method::GET, &search), OrgRoute::WrongMethod);
        let suspend = format!("{ORG}/d1/users/a1/suspend");
        assert_eq!(route(&Method::GET, &suspend), OrgRoute::WrongMethod);
        let put = format!("{ORG}/d1/users/a1");
        assert_eq!(route(&Method::PUT, &put), OrgRoute::WrongMethod);
        let other = format!("{ORG}/d1/users/a1/promote");
        assert_eq!(route(&Method::POST, &other), OrgRoute::Unknown);
        assert_eq!(route(&Method::GET, "/admin/v3/orgs"), OrgRoute::Unknown);
        assert_eq!(route(&Method::GET, "/admin/"), OrgRoute::Unknown);
    }

    #[test]
    fn user_management_paths() {
        assert_eq!(
            route(&Method::GET, "/users/712020%3Aab/manage"),
            OrgRoute::Privileges {
                account: "712020:ab".into()
            }
        );
        let actions = [
            ("disable", Action::Disable),
            ("enable", Action::Enable),
            ("delete", Action::Delete),
            ("cancel-delete", Action::CancelDelete),
        ];
        for (segment, action) in actions {
            let path = format!("/users/a1/manage/lifecycle/{segment}");
            let got = route(&Method::POST, &path);
            assert_eq!(got.account_id(), Some("a1"));
            assert_eq!(
                got,
                OrgRoute::Lifecycle {
                    account: "a1".into(),
                    action
                }
            );
            assert_eq!(route(&Method::GET, &path), OrgRoute::WrongMethod);
        }
        assert_eq!(
            route(&Method::POST, "/users/a1/manage"),
            OrgRoute::WrongMethod
        );
        let unknown = [
            "/users/a1/manage/lifecycle/explode",
            "/users/a1",
            "/users",
            "/users/a1/manage/lifecycle",
        ];
        for path in unknown {
            assert_eq!(route(&Method::POST, path), OrgRoute::Unknown, "{path}");
        }
        assert_eq!(api_gen("/users/a1/manage"), ApiGen::Users);
    }

    #[test]
    fn generations_and_escapes() {
        assert_eq!(api_gen("/admin/v1/orgs/x"), ApiGen::V1);
        assert_eq!(api_gen("/admin/v2/orgs/x/directories"), ApiGen::V2);
        assert_eq!(percent_decode("a%3Ab%3a"), "a:b:");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
