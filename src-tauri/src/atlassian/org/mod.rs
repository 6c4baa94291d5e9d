//! The organization admin API client (DESIGN.md §6, ORG-API.md): Bearer org API key, the org
//! and its directories, paged user search, and suspend / restore / remove per directory.

mod actor;
mod api;
mod client;
mod error;
pub mod lifecycle;
mod model;
mod reply;
pub mod signals;

/// The engine's verdict for a failed organization read.
pub use actor::verdict_of_org;
/// The API's base URL and the org id rules.
pub use api::{parse_org_id, OrgApi, PRODUCTION_API};
/// The client.
pub use client::OrgClient;
/// What can go wrong, in an admin's words, and where keys without scopes are made.
pub use error::{OrgError, KEY_PAGE_WORDS};
/// What the user-management API allows per account, and its reasons in words.
pub use lifecycle::{reason_words, Permission, Privileges};
pub use model::{
    Directory, GroupRef, Org, OrgUser, ProductAccess, UserPage, UserSearch, ADMIN_ROLES,
    ORG_ADMIN_ROLE,
};
/// Reading replies: error bodies, rate-limit headers, and a write's verdict.
pub use reply::{classify_write, parse_error_body, rate_limit_info, ErrorBody};
/// Assumptions about undocumented replies that callers need by name.
pub use signals::{key_has_scopes, SEARCH_PAGE};
