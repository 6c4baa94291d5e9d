//! An in-memory token store for tests (keyring's own mock forgets across `Entry` objects).

use super::{ApiToken, TokenStore, VaultError, VaultKey};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// Tokens kept in this process only; behaves like the keychain, minus persistence.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<VaultKey, ApiToken>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// How many tokens are stored.
    pub fn len(&self) -> usize {
        self.tokens().len()
    }

    /// True when no token is stored.
    pub fn is_empty(&self) -> bool {
        self.tokens().is_empty()
    }

    // A panic elsewhere cannot leave a HashMap half-updated, so a poisoned lock is still usable.
    fn tokens(&self) -> MutexGuard<'_, HashMap<VaultKey, ApiToken>> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TokenStore for MemoryStore {
    fn save(&self, key: &VaultKey, token: &ApiToken) -> Result<(), VaultError> {
        if token.is_empty() {
            return Err(VaultError::EmptyToken);
        }
        self.tokens().insert(key.clone(), token.clone());
        Ok(())
    }

    fn load(&self, key: &VaultKey) -> Result<Option<ApiToken>, VaultError> {
        Ok(self.tokens().get(key).cloned())
    }

    fn has(&self, key: &VaultKey) -> Result<bool, VaultError> {
        Ok(self.tokens().contains_key(key))
    }

    fn forget(&self, key: &VaultKey) -> Result<bool, VaultError> {
        Ok(self.tokens().remove(key).is_some())
    }
}
