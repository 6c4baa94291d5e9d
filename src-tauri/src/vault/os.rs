//! The operating system's keychain through `keyring` 3: macOS Keychain, Windows Credential
//! Manager, Secret Service (GNOME Keyring, KWallet) on Linux.

use super::turns;
use super::{ApiToken, TokenStore, VaultError, VaultKey};
use keyring::{Credential, Entry};

/// The keychain service name under which every Offboard token is filed.
pub const KEYCHAIN_SERVICE: &str = "Offboard";

/// The OS keychain; entries are service `Offboard`, account `<email> on <site>`. Every request
/// waits its turn: one at a time per process (see `turns` for the keyring crash this avoids).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeychain;

impl OsKeychain {
    /// The keychain of the user running Offboard.
    pub fn new() -> Self {
        OsKeychain
    }

    /// Runs `work` while no other keychain request from Offboard is in flight: for code that
    /// reaches the keychain directly (another tool, a test) beside Offboard's own requests.
    pub fn exclusive<T>(work: impl FnOnce() -> T) -> T {
        turns::KEYCHAIN.take(work)
    }

    fn entry(&self, key: &VaultKey, operation: &'static str) -> Result<Entry, VaultError> {
        Entry::new(KEYCHAIN_SERVICE, &key.account()).map_err(|e| map_error(e, key, operation, None))
    }

    /// `forget`, inside a turn already taken (it may ask the keychain twice).
    fn forget_now(&self, key: &VaultKey) -> Result<bool, VaultError> {
        let entry = self.entry(key, "forget")?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            // Duplicates (another tool, an older version) would block every later load: clear all.
            Err(keyring::Error::Ambiguous(found)) => match delete_duplicates(&entry, found) {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(true),
                Err(e) => Err(map_error(e, key, "forget", None)),
            },
            Err(e) => Err(map_error(e, key, "forget", None)),
        }
    }
}

impl TokenStore for OsKeychain {
    fn save(&self, key: &VaultKey, token: &ApiToken) -> Result<(), VaultError> {
        if token.is_empty() {
            return Err(VaultError::EmptyToken);
        }
        Self::exclusive(|| {
            self.entry(key, "save")?
                .set_password(token.expose())
                .map_err(|e| map_error(e, key, "save", Some(token.expose())))
        })
    }

    fn load(&self, key: &VaultKey) -> Result<Option<ApiToken>, VaultError> {
        let answer = Self::exclusive(|| self.entry(key, "read").map(|e| e.get_password()))?;
        match answer {
            // A blank entry (made by hand) is as good as none: it cannot authenticate.
            Ok(stored) => Ok(Some(ApiToken::new(stored)).filter(|token| !token.is_empty())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, key, "read", None)),
        }
    }

    fn has(&self, key: &VaultKey) -> Result<bool, VaultError> {
        // Raw bytes, so an entry that is not valid text still counts as "something saved".
        let answer = Self::exclusive(|| self.entry(key, "check for").map(|e| e.get_secret()))?;
        match answer {
            Ok(_) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(keyring::Error::Ambiguous(_)) => Ok(true),
            Err(e) => Err(map_error(e, key, "check for", None)),
        }
    }

    fn forget(&self, key: &VaultKey) -> Result<bool, VaultError> {
        Self::exclusive(|| self.forget_now(key))
    }
}

/// Deletes every item matching `entry`. Secret Service duplicates share the search attributes,
/// so deleting them one by one stays ambiguous: ask the store to delete all matches at once.
#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn delete_duplicates(entry: &Entry, found: Vec<Box<Credential>>) -> keyring::Result<()> {
    use keyring::secret_service::SsCredential;
    match entry.get_credential().downcast_ref::<SsCredential>() {
        Some(credential) => credential.delete_all_passwords(),
        None => delete_each(found),
    }
}

/// Deletes every item matching `entry`, one by one (each is distinct on these platforms).
#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn delete_duplicates(_entry: &Entry, found: Vec<Box<Credential>>) -> keyring::Result<()> {
    delete_each(found)
}

fn delete_each(found: Vec<Box<Credential>>) -> keyring::Result<()> {
    for credential in found {
        match credential.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Turns a keyring error into an admin-readable one; `secret` is scrubbed from any detail text.
pub(crate) fn map_error(
    error: keyring::Error,
    key: &VaultKey,
    operation: &'static str,
    secret: Option<&str>,
) -> VaultError {
    let account = key.account();
    let scrub = |text: String| match secret {
        Some(secret) if !secret.is_empty() => text.replace(secret, "[redacted]"),
        _ => text,
    };
    match error {
        keyring::Error::NoStorageAccess(inner) => VaultError::Locked {
            operation,
            account,
            detail: scrub(inner.to_string()),
        },
        keyring::Error::PlatformFailure(inner) => VaultError::Unavailable {
            operation,
            account,
            detail: scrub(inner.to_string()),
        },
        // The bytes are the stored secret: they are dropped here, never shown.
        keyring::Error::BadEncoding(_) => VaultError::BadEncoding { account },
        keyring::Error::TooLong(attribute, limit) => VaultError::TooLong {
            account,
            attribute,
            limit,
        },
        keyring::Error::Invalid(attribute, reason) => VaultError::Invalid {
            account,
            attribute,
            reason: scrub(reason),
        },
        keyring::Error::Ambiguous(credentials) => VaultError::Ambiguous {
            account,
            count: credentials.len(),
        },
        // NoEntry is handled by each caller; reaching here means an unexpected "not found".
        keyring::Error::NoEntry => VaultError::Other {
            account,
            detail: "no entry found".to_owned(),
        },
        other => VaultError::Other {
            account,
            detail: scrub(other.to_string()),
        },
    }
}
