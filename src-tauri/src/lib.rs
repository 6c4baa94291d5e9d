//! Offboard: remove many users from an Atlassian Cloud site, safely, from an admin export.
//!
//! The core (`roster`, `atlassian`, `sweep`, `vault`, `connections`, `practice`) knows nothing of Tauri;
//! `cli` and `app` are thin layers over it.

pub mod app;
pub mod atlassian;
pub mod cli;
pub mod connections;
pub mod paths;
pub mod practice;
pub mod roster;
pub mod session;
pub mod sweep;
pub mod vault;
