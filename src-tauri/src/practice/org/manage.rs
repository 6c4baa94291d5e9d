//! The user-management API's endpoints (ORG-API.md §6), at the server root as in production
//! (`https://api.atlassian.com/users/…`): `GET /users/{id}/manage` and
//! `POST /users/{id}/manage/lifecycle/{disable|enable|delete|cancel-delete}`, opened by the
//! organization's key without scopes (the scoped key gets 403 `forbidden.insufficientScope` on
//! every call). The rules are lifecycle.rs's.
//!
//! Order of checks once the key and the rate are accepted (mod.rs): the key's scopes, then for
//! an action the body (`disable` takes an optional `{"message": "…"}`; anything else there is
//! a 400 `bodyParseFailure`) and the site's fault draw (faults.rs), then the account (404
//! `accountNotFound` when unknown, removed from its directory or permanently deleted), the
//! privilege (403 `forbidden.action` with the reason), and the account's state (409
//! `conflict.lifecycleErrors`). A change is saved before it is applied and answered.

use super::errors::{ApiGen, OrgRefusal};
use super::faults::with_faults;
use super::gate::OrgKey;
use super::lifecycle::{allowed, transition, Action, Privilege};
use super::writes::remember;
use crate::practice::reply::{Outcome, Reply};
use crate::practice::state::{Live, SiteState};
use serde_json::{json, Map, Value};

/// `GET /users/{id}/manage`: each asked privilege (repeatable `privileges`, comma-separated
/// lists accepted too; unknown keys ignored; none asked = every known key) with
/// `{"allowed": true}` or `{"allowed": false, "reason": {"key": …}}`.
pub(crate) fn privileges(
    state: &SiteState,
    live: &Live,
    key: OrgKey,
    account_id: &str,
    query: &[(String, String)],
) -> Result<Value, OrgRefusal> {
    if key == OrgKey::Scoped {
        return Err(OrgRefusal::InsufficientScope);
    }
    let member = live
        .org
        .get(account_id)
        .ok_or_else(|| OrgRefusal::AccountNotFound(account_id.to_string()))?;
    let named: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "privileges")
        .flat_map(|(_, v)| v.split(','))
        .collect();
    let asked: Vec<Privilege> = if named.is_empty() {
        Privilege::ALL.to_vec()
    } else {
        named.into_iter().filter_map(Privilege::from_key).collect()
    };
    let mut out = Map::new();
    for privilege in asked {
        let answer = match allowed(&state.config.caller_account_id, member, privilege) {
            Ok(()) => json!({ "allowed": true }),
            Err(reason) => json!({ "allowed": false, "reason": { "key": reason.key() } }),
        };
        out.insert(privilege.key().to_string(), answer);
    }
    Ok(Value::Object(out))
}

/// `POST /users/{id}/manage/lifecycle/{action}`: 204 for disable and enable, 200
/// `{"message":"Success"}` for delete and cancel-delete, or the refusal.
pub(crate) fn lifecycle(
    state: &SiteState,
    live: &mut Live,
    key: OrgKey,
    account_id: &str,
    action: Action,
    body: Option<&[u8]>,
) -> Outcome {
    let refuse = |r: OrgRefusal| Outcome::Reply(r.reply(ApiGen::Users));
    if key == OrgKey::Scoped {
        return refuse(OrgRefusal::InsufficientScope);
    }
    if action == Action::Disable {
        if let Err(refusal) = read_message(body) {
            return refuse(refusal);
        }
    }
    let internal = OrgRefusal::Internal("Internal server error.".into()).reply(ApiGen::Users);
    with_faults(state, live, internal, |live| {
        act(state, live, account_id, action).unwrap_or_else(|r| r.reply(ApiGen::Users))
    })
}

/// The rules for one account (no pace, no faults).
fn act(
    state: &SiteState,
    live: &mut Live,
    account_id: &str,
    action: Action,
) -> Result<Reply, OrgRefusal> {
    let org = &mut live.org;
    let member = org
        .get(account_id)
        .ok_or_else(|| OrgRefusal::AccountNotFound(account_id.to_string()))?;
    allowed(&state.config.caller_account_id, member, action.privilege())
        .map_err(OrgRefusal::ActionForbidden)?;
    let change = transition(member, action, org.now())
        .map_err(|why| OrgRefusal::Ineligible(account_id.to_string(), why))?;
    if let Some(change) = change {
        remember(state, change, account_id)?;
        org.apply(change, account_id);
    }
    Ok(match action {
        Action::Disable | Action::Enable => Reply::empty(204),
        Action::Delete | Action::CancelDelete => Reply::json(200, &json!({ "message": "Success" })),
    })
}

/// The optional text of a disable (shown to the person in production; the practice site only
/// checks it): an empty body, or a JSON object whose `message`, if any, is a string.
fn read_message(body: Option<&[u8]>) -> Result<Option<String>, OrgRefusal> {
    let invalid = |why: &str| OrgRefusal::InvalidRequest(why.to_string());
    let body = body.ok_or_else(|| invalid("The request body could not be read."))?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        invalid("The request body is not JSON: send {\"message\": \"…\"} or nothing.")
    })?;
    match value.get("message") {
        _ if !value.is_object() => Err(invalid("The request body must be a JSON object.")),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(invalid("message must be text.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disable_message_is_optional_text() {
        assert_eq!(read_message(Some(b"")), Ok(None));
        assert_eq!(read_message(Some(b"{}")), Ok(None));
        assert_eq!(
            read_message(Some(br#"{"message": "On leave"}"#)),
            Ok(Some("On leave".into()))
        );
        for bad in [&br#"{"message": 3}"#[..], b"[1]", b"{oops"] {
            let err = read_message(Some(bad)).unwrap_err();
            assert!(matches!(err, OrgRefusal::InvalidRequest(_)), "{err:?}");
        }
        assert!(read_message(None).is_err());
    }
}
