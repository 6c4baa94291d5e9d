//! What the practice site holds and how it misbehaves: users, logins, pace, latency, faults.

use super::PracticeError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The caller's account id in the shipped fixtures (`admin@example.com`).
pub const DEFAULT_CALLER_ID: &str = "5b10ac8d82e05b22cc7d4ef5";

/// The practice organization's id unless configured otherwise.
pub const DEFAULT_ORG_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// The practice organization's name unless configured otherwise.
pub const DEFAULT_ORG_NAME: &str = "Practice Organization";

/// The practice org API key unless configured otherwise (a made-up value that only opens the
/// practice site).
pub const DEFAULT_ORG_API_KEY: &str = "practice-org-key";

/// One user of the practice site, in the terms Jira's user endpoints use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PracticeUser {
    /// The Atlassian account id.
    pub account_id: String,
    /// The name shown in Jira.
    pub display_name: String,
    /// The email address, or `None` when the user's privacy settings hide it.
    pub email: Option<String>,
    /// `atlassian`, `app` or `customer`; `app` accounts cannot be removed (400).
    pub account_type: String,
    /// Whether the account is active; inactive users can still be removed.
    pub active: bool,
}

/// Fault knobs, each a probability in 0..=1 drawn once per DELETE request (the site's, and the
/// organization API's suspend, restore and remove alike) from the site's
/// seeded random generator. One draw picks at most one fault, checked in field order, so the
/// probabilities should add up to at most 1 (a later knob only gets what the earlier ones leave).
/// `Default` is all zero: no faults.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// 503 with `Retry-After` (the site's `retry_after_secs`); the user is NOT removed.
    pub p_503_retry_after: f64,
    /// 503 without `Retry-After` and with a non-JSON gateway page; the user is NOT removed.
    pub p_503_bare: f64,
    /// 500 "internal error". Half of these (a second seeded draw) happen AFTER the delete was
    /// applied: the realistic lost response, where a retry then meets 404. The other half change
    /// nothing.
    pub p_500: f64,
    /// The connection is closed without any reply. As with 500, half of these happen after the
    /// delete was applied, half before.
    pub p_drop: f64,
    /// The delete IS applied, but the reply is held back for `slow_delay` (make it longer than
    /// the client's timeout to simulate a timeout whose request still worked).
    pub p_slow: f64,
    /// How long a slow reply is held back.
    pub slow_delay: Duration,
}

impl Faults {
    /// True when no fault can ever be drawn.
    pub fn is_none(&self) -> bool {
        self.p_503_retry_after <= 0.0
            && self.p_503_bare <= 0.0
            && self.p_500 <= 0.0
            && self.p_drop <= 0.0
            && self.p_slow <= 0.0
    }

    /// Checks every probability is a number in 0..=1.
    pub(crate) fn validate(&self) -> Result<(), PracticeError> {
        let knobs = [
            ("p503", self.p_503_retry_after),
            ("p503-bare", self.p_503_bare),
            ("p500", self.p_500),
            ("pdrop", self.p_drop),
            ("pslow", self.p_slow),
        ];
        for (setting, p) in knobs {
            if !(0.0..=1.0).contains(&p) {
                return Err(PracticeError::InvalidSetting {
                    setting,
                    reason: format!("{p} is not a probability; use a number from 0 to 1"),
                });
            }
        }
        Ok(())
    }
}

/// Everything the practice site is started with. `Default` gives an empty site with the
/// fixture caller, `admin@example.com` / `practice-token`, no rate limit and no faults.
#[derive(Clone)]
pub struct PracticeConfig {
    /// The site's users (the caller is added if absent when the site starts).
    pub users: Vec<PracticeUser>,
    /// The site admin's email (the caller's login).
    pub admin_email: String,
    /// The site admin's practice API token.
    pub admin_token: String,
    /// The caller's account id: `myself` returns it and it cannot remove itself (400).
    pub caller_account_id: String,
    /// A valid login WITHOUT site-admin: reads work, DELETE answers 403.
    pub weak_email: String,
    /// The weak login's practice API token.
    pub weak_token: String,
    /// Steady DELETE rate of the token bucket, per second (`None` = unlimited). The
    /// organization API has its own bucket at the same rate, which every `/admin/` request
    /// draws from.
    pub rate_per_sec: Option<f64>,
    /// Bucket size; `None` means `max(1, floor(rate))`.
    pub burst: Option<u32>,
    /// `Retry-After` on 429 and on a 503 that carries one; `X-RateLimit-Reset` is now + this.
    pub retry_after_secs: u64,
    /// Each reply is delayed by `latency` ± `latency_jitter` (uniform, never below zero).
    pub latency: Duration,
    /// See `latency`.
    pub latency_jitter: Duration,
    /// Fault knobs for DELETE requests and the organization's writes.
    pub faults: Faults,
    /// After this many applied deletes the admin token stops working (401 on everything).
    pub revoke_token_after_deletes: Option<u64>,
    /// After this many applied deletes the admin loses site-admin (403 on DELETE; reads work).
    pub demote_after_deletes: Option<u64>,
    /// Seed of the random generator behind faults, jitter and generated users.
    pub seed: u64,
    /// Account ids in the site's `site-admins` group; the caller is added when the site starts.
    pub site_admins: Vec<String>,
    /// True when the site has no `site-admins` group at all (reading it answers 404).
    pub groupless: bool,
    /// Account ids whose DELETE answers 204 like a success, yet the user stays on the site.
    pub keep_after_delete: Vec<String>,
    /// Tokens that, with the admin email, are scoped tokens: 401
    /// `{"code":401,"message":"Unauthorized; scope does not match"}` on every request.
    pub scoped_tokens: Vec<String>,
    /// Tokens that, with the admin email, have expired: 401 naming the expiry on every request.
    pub expired_tokens: Vec<String>,
    /// A Confluence-only site: every `/rest/api/*` path answers a 404 page, and
    /// `GET /wiki/rest/api/user/current` answers the caller (404 without this knob).
    pub confluence_only: bool,
    /// Where the site remembers whom it removed, so a restarted site holds the same users
    /// (practice mode keeps it in the practice data folder); `None`: every start is fresh.
    /// The organization's suspensions, restores and removals are kept beside it, in the same
    /// name with `-org` added (`removed.txt` → `removed-org.txt`).
    pub removals_file: Option<PathBuf>,
    /// The practice organization's id (the organization admin API under `/admin/`).
    pub org_id: String,
    /// The practice organization's name, as `GET /admin/v1/orgs/{orgId}` reports it.
    pub org_name: String,
    /// The org API key without scopes (Bearer): reads and writes.
    pub org_api_key: String,
    /// A key created WITH scopes: reads work, `GET /admin/v1/orgs` lists nothing, every write
    /// answers 403 `insufficientScope`.
    pub scoped_org_key: Option<String>,
    /// How many directories the org has: 1 is the centralized user management; 2 or more the
    /// original one, with the users spread over them.
    pub org_directories: usize,
    /// True: the org API's 429s carry `Retry-After`; false: only `X-RateLimit-Reset` (ISO 8601
    /// UTC) with `X-RateLimit-Limit` and `X-RateLimit-Remaining`.
    pub org_retry_after: bool,
    /// A restore that would take the org's active members past this many answers 409
    /// `ADMIN-409-3` (licence limit exceeded); `None`: no limit.
    pub org_licence_limit: Option<usize>,
    /// Most `accountIds` one `users/search` takes; more is a 400. `None` (the default): no cap.
    /// Atlassian documents a cap of 10 for the GET listing only; this plays a search that
    /// shares it (ORG-API.md "to verify" 4).
    pub org_search_max_ids: Option<usize>,
    /// Days the practice clock starts ahead of the computer's, at least (it only moves
    /// forward: `POST /practice/clock` with `{"advanceDays": N}` moves it on while the site
    /// runs). A deleted managed account is pending deletion for 14 days on this clock.
    pub org_clock_days: u32,
}

impl Default for PracticeConfig {
    fn default() -> Self {
        PracticeConfig {
            users: Vec::new(),
            admin_email: "admin@example.com".into(),
            admin_token: "practice-token".into(),
            caller_account_id: DEFAULT_CALLER_ID.into(),
            weak_email: "member@example.com".into(),
            weak_token: "member-token".into(),
            rate_per_sec: None,
            burst: None,
            retry_after_secs: 1,
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            faults: Faults::default(),
            revoke_token_after_deletes: None,
            demote_after_deletes: None,
            seed: 1,
            site_admins: Vec::new(),
            groupless: false,
            keep_after_delete: Vec::new(),
            scoped_tokens: Vec::new(),
            expired_tokens: Vec::new(),
            confluence_only: false,
            removals_file: None,
            org_id: DEFAULT_ORG_ID.into(),
            org_name: DEFAULT_ORG_NAME.into(),
            org_api_key: DEFAULT_ORG_API_KEY.into(),
            scoped_org_key: None,
            org_directories: 1,
            org_retry_after: true,
            org_licence_limit: None,
            org_search_max_ids: None,
            org_clock_days: 0,
        }
    }
}

// Hand-written so the practice tokens never reach logs through `{:?}`.
impl fmt::Debug for PracticeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PracticeConfig")
            .field("users", &self.users.len())
            .field("admin_email", &self.admin_email)
            .field("admin_token", &"[redacted]")
            .field("caller_account_id", &self.caller_account_id)
            .field("weak_email", &self.weak_email)
            .field("weak_token", &"[redacted]")
            .field("rate_per_sec", &self.rate_per_sec)
            .field("burst", &self.burst)
            .field("retry_after_secs", &self.retry_after_secs)
            .field("latency", &self.latency)
            .field("latency_jitter", &self.latency_jitter)
            .field("faults", &self.faults)
            .field(
                "revoke_token_after_deletes",
                &self.revoke_token_after_deletes,
            )
            .field("demote_after_deletes", &self.demote_after_deletes)
            .field("seed", &self.seed)
            .field("site_admins", &self.site_admins.len())
            .field("groupless", &self.groupless)
            .field("keep_after_delete", &self.keep_after_delete)
            .field("scoped_tokens", &self.scoped_tokens.len())
            .field("expired_tokens", &self.expired_tokens.len())
            .field("confluence_only", &self.confluence_only)
            .field("removals_file", &self.removals_file)
            .field("org_id", &self.org_id)
            .field("org_name", &self.org_name)
            .field("org_api_key", &"[redacted]")
            .field(
                "scoped_org_key",
                &self.scoped_org_key.as_ref().map(|_| "[redacted]"),
            )
            .field("org_directories", &self.org_directories)
            .field("org_retry_after", &self.org_retry_after)
            .field("org_licence_limit", &self.org_licence_limit)
            .field("org_search_max_ids", &self.org_search_max_ids)
            .field("org_clock_days", &self.org_clock_days)
            .finish()
    }
}

impl PracticeConfig {
    /// Seeds the users from an admin.atlassian.com export (`557058:` ids become app accounts,
    /// `qm:` ids customers, the rest `atlassian`); every other setting is the default.
    pub fn from_csv(path: &Path) -> Result<Self, PracticeError> {
        let csv_error = |reason: String| PracticeError::Csv {
            path: path.display().to_string(),
            reason,
        };
        let roster = crate::roster::import_file(path).map_err(|e| csv_error(e.to_string()))?;
        if roster.users.is_empty() {
            return Err(csv_error(
                "the file holds no users with an account id".into(),
            ));
        }
        let users = roster
            .users
            .iter()
            .map(|u| PracticeUser {
                account_id: u.account_id.clone(),
                display_name: u.name.clone(),
                email: Some(u.email.trim().to_string()).filter(|e| !e.is_empty()),
                account_type: account_type_of(&u.account_id).into(),
                // Exports say `Active`, `Suspended`, `Deactivated`...; only the first is active.
                active: u.status.trim().eq_ignore_ascii_case("active") || u.status.is_empty(),
            })
            .collect();
        Ok(PracticeConfig {
            users,
            ..PracticeConfig::default()
        })
    }

    /// A site of `n` realistic generated users plus the caller, reproducible from `seed`; its
    /// `site-admins` group holds the caller and the admins `practice_admin_ids` names.
    pub fn generated(n: usize, seed: u64) -> Self {
        let mut config = PracticeConfig {
            seed,
            ..PracticeConfig::default()
        };
        config.users = super::generate::users(n, seed);
        let admins = super::admins::pick(&config.users, &config.caller_account_id, seed);
        config.site_admins = std::iter::once(config.caller_account_id.as_str())
            .chain(admins.all())
            .map(str::to_string)
            .collect();
        config
    }

    /// The bucket size in force for a given rate.
    pub(crate) fn burst_for(&self, rate: f64) -> u32 {
        self.burst.unwrap_or_else(|| (rate.floor() as u32).max(1))
    }

    /// Checks the numeric settings before the site starts.
    pub(crate) fn validate(&self) -> Result<(), PracticeError> {
        self.faults.validate()?;
        super::admins::check_known(self)?;
        super::org::validate(self)?;
        if let Some(rate) = self.rate_per_sec {
            check_rate(rate)?;
        }
        if self.burst == Some(0) {
            return Err(PracticeError::InvalidSetting {
                setting: "burst",
                reason: "the bucket must hold at least 1 request".into(),
            });
        }
        Ok(())
    }
}

/// Checks a DELETE rate is a positive, finite number.
pub(crate) fn check_rate(rate: f64) -> Result<(), PracticeError> {
    if rate.is_finite() && rate > 0.0 {
        Ok(())
    } else {
        Err(PracticeError::InvalidSetting {
            setting: "rate",
            reason: format!("{rate} requests per second; use a number above 0"),
        })
    }
}

/// Jira's `accountType` for an account id, from the prefixes Atlassian uses.
///
/// Only `557058:` marks an app (bot) account: `557057:` ids belong to ordinary people too
/// (older accounts), and the shipped fixtures list them as members.
pub(crate) fn account_type_of(account_id: &str) -> &'static str {
    if account_id.starts_with("557058:") {
        "app"
    } else if account_id.starts_with("qm:") {
        "customer"
    } else {
        "atlassian"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_types_follow_id_prefixes() {
        assert_eq!(account_type_of("557058:4dabb481-7253-4dc6"), "app");
        assert_eq!(account_type_of("557057:90f5380e-12b2-4414"), "atlassian");
        assert_eq!(account_type_of("qm:abc:def"), "customer");
        assert_eq!(account_type_of("712020:830c71c2"), "atlassian");
        assert_eq!(account_type_of(DEFAULT_CALLER_ID), "atlassian");
    }

    #[test]
    fn debug_hides_tokens() {
        let config = PracticeConfig {
            scoped_tokens: vec!["scoped-secret".into()],
            expired_tokens: vec!["expired-secret".into()],
            scoped_org_key: Some("scoped-org-secret".into()),
            ..PracticeConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains(DEFAULT_ORG_API_KEY), "{shown}");
        assert!(!shown.contains("scoped-org-secret"), "{shown}");
        assert!(!shown.contains("practice-token"), "{shown}");
        assert!(!shown.contains("member-token"), "{shown}");
        assert!(!shown.contains("scoped-secret"), "{shown}");
        assert!(!shown.contains("expired-secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn burst_defaults_to_rate_but_never_zero() {
        let c = PracticeConfig::default();
        assert_eq!(c.burst_for(50.0), 50);
        assert_eq!(c.burst_for(0.2), 1);
        let c = PracticeConfig {
            burst: Some(7),
            ..c
        };
        assert_eq!(c.burst_for(50.0), 7);
    }

    #[test]
    fn bad_settings_are_refused() {
        let mut c = PracticeConfig::default();
        c.faults.p_500 = 1.5;
        assert!(c.validate().is_err());
        let c = PracticeConfig {
            rate_per_sec: Some(0.0),
            ..PracticeConfig::default()
        };
        assert!(c.validate().is_err());
        let c = PracticeConfig {
            burst: Some(0),
            ..PracticeConfig::default()
        };
        assert!(c.validate().is_err());
        assert!(PracticeConfig::default().validate().is_ok());
    }
}
