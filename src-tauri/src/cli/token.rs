//! `offboard token set|forget`: the keychain from the terminal. The token is never an argument.

use super::confirm::{interactive, prompt_token, read_token_from_stdin};
use super::{TokenAction, TokenArgs, TokenTarget, EXIT_BAD_INPUT, EXIT_OK};
use crate::atlassian::Site;
use crate::vault::{OsKeychain, TokenStore, VaultKey};

/// Runs `offboard token ...`.
pub async fn token(args: TokenArgs) -> i32 {
    let (target, set) = match &args.action {
        TokenAction::Set(t) => (t, true),
        TokenAction::Forget(t) => (t, false),
    };
    let key = match key_for(target) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let what = format!("{} on {}", key.email(), key.site());
    if set {
        let token = if interactive() {
            prompt_token(&what)
        } else {
            read_token_from_stdin()
        };
        let Some(token) = token else {
            eprintln!("offboard: no token given; nothing was saved.");
            return EXIT_BAD_INPUT;
        };
        match tokio::task::spawn_blocking(move || OsKeychain.save(&key, &token)).await {
            Ok(Ok(())) => {
                eprintln!("Saved the API token for {what} in this computer's keychain.");
                EXIT_OK
            }
            Ok(Err(e)) => fail(&e.to_string()),
            Err(e) => fail(&e.to_string()),
        }
    } else {
        match tokio::task::spawn_blocking(move || OsKeychain.forget(&key)).await {
            Ok(Ok(true)) => {
                eprintln!(
                    "Forgot the API token for {what}: it is no longer in this computer's keychain."
                );
                EXIT_OK
            }
            Ok(Ok(false)) => {
                eprintln!("No API token was saved for {what}; nothing to forget.");
                EXIT_OK
            }
            Ok(Err(e)) => fail(&e.to_string()),
            Err(e) => fail(&e.to_string()),
        }
    }
}

fn key_for(target: &TokenTarget) -> Result<VaultKey, i32> {
    let site = Site::parse(&target.site).map_err(|e| fail(&e.to_string()))?;
    super::check_email(&target.email).map_err(|e| fail(&e))?;
    Ok(VaultKey::new(site.base_url(), &target.email))
}

fn fail(message: &str) -> i32 {
    eprintln!("offboard: {message}");
    EXIT_BAD_INPUT
}
