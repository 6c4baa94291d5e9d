//! What can go wrong with the keychain, worded for a site administrator.

use thiserror::Error;

/// A keychain problem. No variant ever carries the token.
#[derive(Debug, Error)]
pub enum VaultError {
    /// Nothing to save: the token was blank.
    #[error(
        "The API token is empty. Copy it again from \
         https://id.atlassian.com/manage-profile/security/api-tokens and paste the whole token."
    )]
    EmptyToken,

    /// The keychain exists but is locked or refused access.
    #[error(
        "The keychain on this computer is locked or refused access, so Offboard could not \
         {operation} the API token for {account}. Unlock the keychain (or allow Offboard when \
         asked) and try again, or give the token with the OFFBOARD_API_TOKEN environment \
         variable instead. Details: {detail}"
    )]
    Locked {
        /// What Offboard was doing: save, read, check for, forget.
        operation: &'static str,
        /// The `<email> on <site>` entry.
        account: String,
        /// The keychain's own words.
        detail: String,
    },

    /// No keychain could be reached at all.
    #[error(
        "No keychain is available on this computer (on Linux: no Secret Service such as \
         GNOME Keyring or KWallet is running), so Offboard could not {operation} the API token \
         for {account}. Start or install a keychain and try again, or give the token with the \
         OFFBOARD_API_TOKEN environment variable instead. Details: {detail}"
    )]
    Unavailable {
        /// What Offboard was doing: save, read, check for, forget.
        operation: &'static str,
        /// The `<email> on <site>` entry.
        account: String,
        /// The keychain's own words.
        detail: String,
    },

    /// The saved entry is not text, so it cannot be a token Offboard saved.
    #[error(
        "The token saved in the keychain for {account} is not readable text; another program \
         may have changed it. Forget this connection and save the token again."
    )]
    BadEncoding {
        /// The `<email> on <site>` entry.
        account: String,
    },

    /// The keychain refused a name or value as too long.
    #[error(
        "The keychain refused the entry for {account}: its {attribute} is longer than the \
         {limit} characters this keychain allows. Check the site address and email, or give \
         the token with the OFFBOARD_API_TOKEN environment variable instead."
    )]
    TooLong {
        /// The `<email> on <site>` entry.
        account: String,
        /// Which part was too long.
        attribute: String,
        /// The keychain's limit.
        limit: u32,
    },

    /// The keychain refused a name or value as invalid.
    #[error(
        "The keychain refused the entry for {account} ({attribute}: {reason}). Check the site \
         address and email, or give the token with the OFFBOARD_API_TOKEN environment variable \
         instead."
    )]
    Invalid {
        /// The `<email> on <site>` entry.
        account: String,
        /// Which part was refused.
        attribute: String,
        /// The keychain's reason.
        reason: String,
    },

    /// Several entries match, so Offboard cannot tell which token is right.
    #[error(
        "The keychain holds {count} tokens for {account}, so Offboard cannot tell which one to \
         use. Forget this connection and save the token again."
    )]
    Ambiguous {
        /// The `<email> on <site>` entry.
        account: String,
        /// How many entries matched.
        count: usize,
    },

    /// A keychain error this version of Offboard does not know.
    #[error(
        "The keychain reported an unexpected problem with the entry for {account}: {detail}. \
         Try again, or give the token with the OFFBOARD_API_TOKEN environment variable instead."
    )]
    Other {
        /// The `<email> on <site>` entry.
        account: String,
        /// The keychain's own words.
        detail: String,
    },
}

impl VaultError {
    /// A stable machine-readable name for the page and scripts (`keychain_locked`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            VaultError::EmptyToken => "empty_token",
            VaultError::Locked { .. } => "keychain_locked",
            VaultError::Unavailable { .. } => "keychain_unavailable",
            VaultError::BadEncoding { .. } => "keychain_bad_entry",
            VaultError::TooLong { .. } => "keychain_too_long",
            VaultError::Invalid { .. } => "keychain_invalid",
            VaultError::Ambiguous { .. } => "keychain_ambiguous",
            VaultError::Other { .. } => "keychain_other",
        }
    }

    /// True when no keychain could be used at all, so `OFFBOARD_API_TOKEN` is the way forward.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            VaultError::Locked { .. } | VaultError::Unavailable { .. }
        )
    }
}
