//! `offboard org key set|forget`: an organization's API key in the keychain, one per org id.
//! The key is typed at a hidden prompt or piped in, never given as an argument.

use super::args::{KeyAction, KeyArgs};
use super::{failed, prompt_key};
use crate::atlassian::ClientConfig;
use crate::cli::confirm::{interactive, read_token_from_stdin};
use crate::cli::{EXIT_BAD_INPUT, EXIT_OK};
use crate::session::org::OrgConnector;
use crate::vault::OsKeychain;
use std::sync::Arc;

/// Runs `offboard org key …`.
pub async fn key(args: KeyArgs) -> i32 {
    let (target, set) = match &args.action {
        KeyAction::Set(t) => (t, true),
        KeyAction::Forget(t) => (t, false),
    };
    let connector = OrgConnector::new(Arc::new(OsKeychain), ClientConfig::default());
    let org_id = match connector.org_id(&target.org) {
        Ok(id) => id,
        Err(e) => return failed(e),
    };
    if set {
        let key = if interactive() {
            prompt_key(&org_id)
        } else {
            read_token_from_stdin()
        };
        let Some(key) = key else {
            eprintln!("offboard: no key given; nothing was saved.");
            return EXIT_BAD_INPUT;
        };
        match connector.save_key(&org_id, &key).await {
            Ok(()) => {
                eprintln!(
                    "Saved the organization API key for {org_id} in this computer's keychain."
                );
                EXIT_OK
            }
            Err(e) => failed(e),
        }
    } else {
        match connector.forget_key(&org_id).await {
            Ok(true) => {
                eprintln!("Forgot the organization API key for {org_id}: it is no longer in this computer's keychain.");
                EXIT_OK
            }
            Ok(false) => {
                eprintln!("No organization API key was saved for {org_id}; nothing to forget.");
                EXIT_OK
            }
            Err(e) => failed(e),
        }
    }
}
