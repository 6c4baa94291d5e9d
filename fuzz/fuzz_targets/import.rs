//! Fuzzes the export importer (`offboard::roster::import_bytes`) and the account-id check.
//!
//! The roster module is compiled from the app's own source file rather than through the
//! `offboard` crate: a fuzz build instruments every dependency, and the `offboard` library pulls
//! in Tauri and WebKitGTK, which roster does not use. Same source; this build takes about a
//! minute. If roster ever uses another module of the crate, this stops compiling: say so here.
#![no_main]

#[allow(dead_code)]
#[path = "../../src-tauri/src/roster/mod.rs"]
mod roster;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(roster) = roster::import_bytes(data) {
        let s = &roster.summary;
        // Invariants the rest of the app relies on.
        assert_eq!(s.users as usize, roster.users.len());
        // Every data row read is exactly one of: a new user, a merged duplicate, a skip.
        assert_eq!(
            s.users + s.duplicates_merged + s.skipped.len() as u64,
            s.rows_read
        );
        let mut last_line = 0;
        for user in &roster.users {
            assert!(
                roster::is_valid_account_id(&user.account_id),
                "{:?}",
                user.account_id
            );
            // Line numbers are shown to the admin: 1-based, in file order.
            assert!(
                user.line > last_line,
                "line {} after {}",
                user.line,
                last_line
            );
            last_line = user.line;
        }
    }
    // The id check alone, on any text the bytes make (it must never panic either).
    let _ = roster::is_valid_account_id(&String::from_utf8_lossy(data));
});
