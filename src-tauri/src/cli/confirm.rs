//! Questions asked on the terminal: the typed confirmation and the hidden token prompt.

use crate::vault::ApiToken;
use std::io::{BufRead, IsTerminal, Write};

/// True when a person can answer on this terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks the admin to type `expected` (e.g. `remove 312`) and returns what was typed; the
/// session core decides whether it confirms the plan.
pub fn typed_line(expected: &str) -> String {
    eprint!("Type '{expected}' to go on, or anything else to cancel: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return String::new();
    }
    line
}

/// Reads a token at a hidden prompt on the terminal.
pub fn prompt_token(what: &str) -> Option<ApiToken> {
    match rpassword::prompt_password(format!("API token for {what} (input hidden): ")) {
        Ok(t) if !t.trim().is_empty() => Some(ApiToken::new(t)),
        _ => None,
    }
}

/// Reads a token from piped standard input (its first line).
pub fn read_token_from_stdin() -> Option<ApiToken> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    let token = ApiToken::new(line);
    (!token.is_empty()).then_some(token)
}
