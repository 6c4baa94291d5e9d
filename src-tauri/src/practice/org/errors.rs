//! The practice organization's refusals and their replies, in Atlassian's shapes (ORG-API.md
//! §8): `ProxyError` (`{"code":401,"message":…}`, a number) for the gateway's 401 and the v1
//! 429, the `Errors` envelope (`{"errors":[{id,status,code,title,detail}]}`, strings) for
//! everything else under `/admin/`, and the user-management API's `{"key":…,"context":…}`
//! (shape 5) under `/users/` (whose 429 is the gateway's `ProxyError` too). Where Atlassian
//! documents no code, the one used here is the practice site's assumption, marked as such:
//! clients must read the status and the detail, not rely on these codes.

use super::lifecycle::{Ineligible, Reason, INELIGIBLE_LINK};
use crate::practice::reply::Reply;
use serde_json::{json, Value};

/// Which generation of the API a path belongs to (their 429 bodies differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiGen {
    /// `/admin/v1/…`
    V1,
    /// `/admin/v2/…` (and any other `/admin/` path)
    V2,
    /// `/users/…`: the user-management API.
    Users,
}

/// Why the practice organization refuses a request; the message is the `detail` an admin reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OrgRefusal {
    /// No key, not a Bearer key, or not a key of this organization.
    #[error("Unauthorized")]
    Unauthorized,
    /// The org id in the path is not the practice organization's.
    #[error("Organization not found")]
    OrgNotFound,
    /// The directory id in the path is not one of the organization's.
    #[error("The directory {0} was not found in this organization.")]
    DirectoryNotFound(String),
    /// The account is not in this directory (never was, or was removed).
    #[error("The user {0} was not found in this directory.")]
    UserNotFound(String),
    /// A managed account that belongs to no directory: there is nothing to suspend or remove.
    #[error("The user {0} is not a member of any directory of this organization.")]
    NoMembership(String),
    /// `-` (every directory) in the path of a suspend, restore or remove.
    #[error(
        "Name one directory to change a user: use the Get directories endpoint to find its ID."
    )]
    AnyDirectoryOnWrite,
    /// The target holds the organization admin role.
    #[error(
        "You can't suspend or remove an organization admin. Remove their organization admin \
         role first."
    )]
    OrgAdmin,
    /// The target is the key's owner.
    #[error("You can't suspend or remove yourself.")]
    Yourself,
    /// The target is provisioned by an identity provider (`managementSource: synced`).
    #[error(
        "{0} is synced from an identity provider. Remove this user in your identity provider \
         instead."
    )]
    Synced(String),
    /// A key created with scopes asked for a write.
    #[error(
        "The API key does not have the required scope (insufficientScope) for this operation."
    )]
    InsufficientScope,
    /// Restoring would take the organization past its licensed users.
    #[error(
        "License limit exceeded: the organization has no free licence for this user. Free a \
         licence (suspend or remove someone) or raise the limit, then restore again."
    )]
    LicenceLimit,
    /// A cursor this site did not hand out, or handed out for other filters.
    #[error(
        "The cursor is not valid for this request. Start again without a cursor, and send the \
         same filters with every page."
    )]
    InvalidCursor,
    /// A body or parameter the endpoint cannot read; the text says which.
    #[error("{0}")]
    InvalidRequest(String),
    /// The token bucket is empty.
    #[error("Rate limit exceeded. Wait for the counter to reset, then try again.")]
    RateLimited,
    /// A path under `/admin/` that the practice site does not play.
    #[error("The practice organization has no such endpoint.")]
    UnknownPath,
    /// A known path with another method.
    #[error("This endpoint does not accept that method.")]
    WrongMethod,
    /// A drawn fault (or a change the site could not save).
    #[error("{0}")]
    Internal(String),
    /// The user-management API does not know this account (or it was permanently deleted).
    #[error("The account {0} was not found.")]
    AccountNotFound(String),
    /// The key does not hold the privilege the action needs on this account.
    #[error("You can't do this to this account ({}).", .0.key())]
    ActionForbidden(Reason),
    /// The account is not eligible for the action right now.
    #[error("{}", .1.message())]
    Ineligible(String, Ineligible),
}

impl OrgRefusal {
    /// The HTTP status, Atlassian's code and title (codes not documented by Atlassian are the
    /// practice site's assumption).
    fn parts(&self) -> (u16, &'static str, &'static str) {
        match self {
            OrgRefusal::Unauthorized => (401, "ADMIN-401-1", "Unauthorized"),
            OrgRefusal::OrgNotFound => (404, "ADMIN-404-2", "Not Found"),
            // Assumption: v2 names no code for an unknown directory.
            OrgRefusal::DirectoryNotFound(_) => (404, "ADMIN-404-3", "Directory not found"),
            OrgRefusal::UserNotFound(_) | OrgRefusal::NoMembership(_) => {
                (404, "ADMIN-404-8", "User not found")
            }
            // Assumption: `-` on a write is refused as an invalid resource.
            OrgRefusal::AnyDirectoryOnWrite => (400, "ADMIN-400-4", "Bad Request"),
            // Assumption: the admin UI refuses these three; the API's codes are unknown.
            OrgRefusal::OrgAdmin => (403, "ADMIN-403-4", "Forbidden"),
            OrgRefusal::Yourself => (403, "ADMIN-403-5", "Forbidden"),
            OrgRefusal::Synced(_) => (403, "ADMIN-403-6", "Forbidden"),
            OrgRefusal::InsufficientScope => (403, "ADMIN-403-7", "Forbidden"),
            OrgRefusal::LicenceLimit => (409, "ADMIN-409-3", "Conflict"),
            OrgRefusal::InvalidCursor => (400, "ADMIN-400-1", "Bad Request"),
            OrgRefusal::InvalidRequest(_) => (400, "ADMIN-400-24", "Bad Request"),
            OrgRefusal::RateLimited => (429, "ADMIN-429-1", "Too Many Requests"),
            OrgRefusal::UnknownPath => (404, "NOT_FOUND", "Not Found"),
            OrgRefusal::WrongMethod => (405, "METHOD_NOT_ALLOWED", "Method Not Allowed"),
            OrgRefusal::Internal(_) => (500, "ADMIN-500-1", "Internal Server Error"),
            OrgRefusal::AccountNotFound(_) => (404, "ADMIN-404-8", "User not found"),
            OrgRefusal::ActionForbidden(_) => (403, "ADMIN-403-3", "Forbidden"),
            OrgRefusal::Ineligible(..) => (409, "ADMIN-409-28", "Conflict"),
        }
    }

    /// The user-management API's body (ORG-API.md §8 shape 5); keys Atlassian does not list
    /// (`notFound` aside) are the practice site's assumption.
    fn users_body(&self) -> Value {
        let message = || json!({ "message": self.to_string() });
        match self {
            OrgRefusal::Unauthorized => json!({ "key": "unauthorized" }),
            OrgRefusal::InsufficientScope => json!({ "key": "forbidden.insufficientScope" }),
            OrgRefusal::AccountNotFound(_) => json!({ "key": "accountNotFound" }),
            OrgRefusal::ActionForbidden(reason) => json!({
                "key": "forbidden.action",
                "context": { "allowed": false, "reason": { "key": reason.key() } },
            }),
            OrgRefusal::Ineligible(account_id, why) => json!({
                "key": "conflict.lifecycleErrors",
                "context": {
                    "message": "This account isn't eligible for the requested action",
                    "accountId": account_id,
                    "errorCodes": [{
                        "code": why.code(),
                        "message": why.message(),
                        "link": INELIGIBLE_LINK,
                    }],
                },
            }),
            OrgRefusal::InvalidRequest(_) => {
                json!({ "key": "bodyParseFailure", "context": message() })
            }
            OrgRefusal::UnknownPath => json!({ "key": "notFound", "context": message() }),
            OrgRefusal::WrongMethod => json!({ "key": "methodNotAllowed", "context": message() }),
            OrgRefusal::Internal(_) => {
                json!({ "key": "internalServerError", "context": message() })
            }
            _ => json!({ "key": "forbidden", "context": message() }),
        }
    }

    /// The reply: `ProxyError` for a 401 (and a 429 outside v2), the `Errors` envelope
    /// otherwise; under `/users/` the user-management API's shape.
    pub(crate) fn reply(&self, api: ApiGen) -> Reply {
        let (status, code, title) = self.parts();
        let rate = matches!(self, OrgRefusal::RateLimited);
        if api == ApiGen::Users && !rate {
            return Reply::json(status, &self.users_body());
        }
        let proxy = matches!(self, OrgRefusal::Unauthorized) || (rate && api != ApiGen::V2);
        if proxy {
            let message = if status == 401 {
                "Unauthorized"
            } else {
                "Rate limit exceeded"
            };
            return Reply::json(status, &json!({ "code": status, "message": message }));
        }
        Reply::json(
            status,
            &json!({ "errors": [{
                "id": uuid::Uuid::new_v4().to_string(),
                "status": status.to_string(),
                "code": code,
                "title": title,
                "detail": self.to_string(),
            }] }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn body(r: &Reply) -> Value {
        serde_json::from_str(&r.body).unwrap()
    }

    #[test]
    fn a_401_is_a_proxy_error_with_a_numeric_code() {
        let r = OrgRefusal::Unauthorized.reply(ApiGen::V2);
        assert_eq!(r.status, 401);
        assert_eq!(body(&r), json!({"code": 401, "message": "Unauthorized"}));
    }

    #[test]
    fn a_429_is_a_proxy_error_on_v1_and_an_errors_body_on_v2() {
        let v1 = OrgRefusal::RateLimited.reply(ApiGen::V1);
        assert_eq!(body(&v1)["code"], 429);
        let v2 = body(&OrgRefusal::RateLimited.reply(ApiGen::V2));
        assert_eq!(v2["errors"][0]["status"], "429");
        assert_eq!(v2["errors"][0]["code"], "ADMIN-429-1");
    }

    #[test]
    fn refusals_carry_string_statuses_codes_and_the_admins_words() {
        let r = OrgRefusal::Synced("Ann Lee".into()).reply(ApiGen::V2);
        assert_eq!(r.status, 403);
        let e = &body(&r)["errors"][0];
        assert_eq!(e["status"], "403");
        assert_eq!(
            e["detail"],
            "Ann Lee is synced from an identity provider. Remove this user in your identity \
             provider instead."
        );
        assert!(e["id"].as_str().is_some_and(|id| !id.is_empty()));
        let e = body(&OrgRefusal::UserNotFound("a1".into()).reply(ApiGen::V2));
        assert_eq!(e["errors"][0]["code"], "ADMIN-404-8");
        assert_eq!(e["errors"][0]["title"], "User not found");
        let e = body(&OrgRefusal::OrgNotFound.reply(ApiGen::V1));
        assert_eq!(e["errors"][0]["code"], "ADMIN-404-2");
        assert_eq!(e["errors"][0]["detail"], "Organization not found");
        let scope = body(&OrgRefusal::InsufficientScope.reply(ApiGen::V2));
        assert_eq!(
            scope["errors"][0]["detail"],
            "The API key does not have the required scope (insufficientScope) for this operation."
        );
        assert_eq!(OrgRefusal::LicenceLimit.reply(ApiGen::V2).status, 409);
    }

    #[test]
    fn the_user_management_api_answers_in_its_own_shape() {
        let users = |r: OrgRefusal| {
            let reply = r.reply(ApiGen::Users);
            (reply.status, body(&reply))
        };
        assert_eq!(
            users(OrgRefusal::Unauthorized),
            (401, json!({"key": "unauthorized"}))
        );
        assert_eq!(
            users(OrgRefusal::InsufficientScope),
            (403, json!({"key": "forbidden.insufficientScope"}))
        );
        assert_eq!(
            users(OrgRefusal::AccountNotFound("a".into())),
            (404, json!({"key": "accountNotFound"}))
        );
        assert_eq!(
            users(OrgRefusal::ActionForbidden(Reason::Scim)),
            (
                403,
                json!({"key": "forbidden.action", "context": {"allowed": false,
                    "reason": {"key": "externalDirectory.scim"}}})
            )
        );
        let (status, conflict) = users(OrgRefusal::Ineligible("a1".into(), Ineligible::OwnsSites));
        assert_eq!(status, 409);
        assert_eq!(conflict["key"], "conflict.lifecycleErrors");
        assert_eq!(conflict["context"]["accountId"], "a1");
        assert_eq!(
            conflict["context"]["errorCodes"][0]["link"],
            "https://confluence.atlassian.com/x/pTgoPQ"
        );
        let (status, rate) = users(OrgRefusal::RateLimited);
        assert_eq!((status, &rate["code"]), (429, &json!(429)), "the gateway's");
        assert_eq!(users(OrgRefusal::UnknownPath).1["key"], "notFound");
    }
}
