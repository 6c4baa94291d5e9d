//! The practice site's shared state: users, logins, knobs, the random generator and the record.

use super::bucket::TokenBucket;
use super::config::{Faults, PracticeConfig, PracticeUser};
use super::removals::RemovalLog;
use base64::Engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// One request the practice site received, as tests see it. The token is never recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordedRequest {
    /// `GET`, `DELETE`, ...
    pub method: String,
    /// The path without the query, e.g. `/rest/api/3/user`.
    pub path: String,
    /// The first `accountId` query value (`user` and `DELETE user`; `None` for `user/bulk`),
    /// or the account id an organization user path names (`…/users/{accountId}[/suspend]`).
    pub account_id: Option<String>,
    /// The status the site answered (or chose, for a slow reply); `None` when the connection
    /// was dropped without a reply.
    pub status: Option<u16>,
    /// Arrival time in milliseconds since the site started (tokio clock).
    pub at_ms: u64,
    /// The email of the login that was accepted; `None` when credentials were missing or bad.
    pub authorized_as: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The site admin (may lose its token or its admin rights after N deletes).
    Admin,
    /// The valid login without site-admin.
    Weak,
}

/// What changes while the site runs; always locked briefly, never across an await.
pub(crate) struct Live {
    pub(crate) users: HashMap<String, PracticeUser>,
    pub(crate) faults: Faults,
    pub(crate) bucket: Option<TokenBucket>,
    pub(crate) rng: StdRng,
    /// Deletes actually applied (204, or a lost response after the delete).
    pub(crate) applied_deletes: u64,
    /// The organization's accounts (the org API under `/admin/`).
    pub(crate) org: super::org::OrgLive,
    /// The organization API's own token bucket (same rate, every org request draws from it).
    pub(crate) org_bucket: Option<TokenBucket>,
}

/// State shared by every connection of one site.
pub(crate) struct SiteState {
    pub(crate) config: PracticeConfig,
    pub(crate) started: Instant,
    pub(crate) base_url: String,
    /// `config.keep_after_delete`, for quick lookups.
    pub(crate) keep_after_delete: HashSet<String>,
    /// Where applied deletes are remembered across launches, if anywhere.
    pub(crate) removals: Option<RemovalLog>,
    /// The organization's fixed parts (directories, groups, its changes file).
    pub(crate) org: super::org::OrgSetup,
    live: Mutex<Live>,
    record: Mutex<Vec<RecordedRequest>>,
}

impl SiteState {
    /// The state for a site reachable at `base_url`; the caller is added (to the users and to
    /// `site-admins`) if absent. With `removals` (the log and the ids it holds), the users an
    /// earlier launch removed are gone from the start; with `org_changes`, the organization's
    /// remembered changes are replayed.
    pub(crate) fn new(
        mut config: PracticeConfig,
        base_url: String,
        removals: Option<(RemovalLog, HashSet<String>)>,
        org_changes: Option<OrgChanges>,
    ) -> SiteState {
        let started = Instant::now();
        // Seeded from the people before they move into the site's table.
        let (org, org_live) = super::org::build(&config, org_changes);
        let (removals, removed) = match removals {
            Some((log, removed)) => (Some(log), removed),
            None => (None, HashSet::new()),
        };
        let mut users = HashMap::with_capacity(config.users.len() + 1);
        for user in config.users.drain(..) {
            if !removed.contains(&user.account_id) {
                users.entry(user.account_id.clone()).or_insert(user);
            }
        }
        users
            .entry(config.caller_account_id.clone())
            .or_insert_with(|| PracticeUser {
                account_id: config.caller_account_id.clone(),
                display_name: "Practice Admin".into(),
                email: Some(config.admin_email.clone()),
                account_type: "atlassian".into(),
                active: true,
            });
        config.site_admins =
            super::admins::group_with_caller(&config.site_admins, &config.caller_account_id);
        let keep_after_delete = config.keep_after_delete.iter().cloned().collect();
        let bucket = config
            .rate_per_sec
            .map(|rate| TokenBucket::new(rate, config.burst_for(rate), started));
        let live = Live {
            users,
            faults: config.faults,
            org_bucket: bucket.clone(),
            bucket,
            rng: StdRng::seed_from_u64(config.seed),
            applied_deletes: 0,
            org: org_live,
        };
        SiteState {
            config,
            started,
            base_url,
            keep_after_delete,
            removals,
            org,
            live: Mutex::new(live),
            record: Mutex::new(Vec::new()),
        }
    }

    /// The live state; a panic in another request must not take the whole site down.
    pub(crate) fn live(&self) -> MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn records(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an arriving request and returns its index for `finish`.
    pub(crate) fn arrive(&self, mut request: RecordedRequest) -> usize {
        request.at_ms = self.started.elapsed().as_millis() as u64;
        let mut records = self.records();
        records.push(request);
        records.len() - 1
    }

    /// Fills in who was accepted and what was answered.
    pub(crate) fn finish(&self, index: usize, authorized_as: Option<String>, status: Option<u16>) {
        if let Some(r) = self.records().get_mut(index) {
            r.authorized_as = authorized_as;
            r.status = status;
        }
    }

    /// A copy of the record.
    pub(crate) fn record(&self) -> Vec<RecordedRequest> {
        self.records().clone()
    }

    /// The site's DELETE requests (not the organization's) received for an account id.
    pub(crate) fn deletes_of(&self, account_id: &str) -> usize {
        self.records()
            .iter()
            .filter(|r| r.method == "DELETE" && !super::org::is_org_path(&r.path))
            .filter(|r| r.account_id.as_deref() == Some(account_id))
            .count()
    }

    /// The organization's suspend, restore and remove requests received for an account id.
    pub(crate) fn org_writes_of(&self, account_id: &str) -> usize {
        self.records()
            .iter()
            .filter(|r| is_org_write(r) && r.account_id.as_deref() == Some(account_id))
            .count()
    }

    /// Checks a Basic `Authorization` header against the two practice logins.
    pub(crate) fn authenticate(&self, header: Option<&str>, live: &Live) -> Option<Caller> {
        let (email, token) = basic_login(header)?;
        let (email, token) = (email.as_str(), token.as_str());
        let c = &self.config;
        if email.eq_ignore_ascii_case(&c.admin_email) && token == c.admin_token {
            let revoked = c
                .revoke_token_after_deletes
                .is_some_and(|n| live.applied_deletes >= n);
            (!revoked).then_some(Caller::Admin)
        } else if email.eq_ignore_ascii_case(&c.weak_email) && token == c.weak_token {
            Some(Caller::Weak)
        } else {
            None
        }
    }

    /// The email of a caller, for the record.
    pub(crate) fn email_of(&self, caller: Caller) -> String {
        match caller {
            Caller::Admin => self.config.admin_email.clone(),
            Caller::Weak => self.config.weak_email.clone(),
        }
    }

    /// How long to hold this reply: latency ± jitter, drawn from the seeded generator.
    pub(crate) fn reply_delay(&self) -> Duration {
        let (latency, jitter) = (self.config.latency, self.config.latency_jitter);
        if jitter.is_zero() {
            return latency;
        }
        let offset = self.live().rng.random_range(-1.0..=1.0) * jitter.as_secs_f64();
        Duration::from_secs_f64((latency.as_secs_f64() + offset).max(0.0))
    }

    /// Changes the DELETE rate (and the organization API's); a new rate starts with full
    /// buckets.
    pub(crate) fn set_rate(&self, rate: Option<f64>) {
        let bucket = rate
            .filter(|r| super::config::check_rate(*r).is_ok())
            .map(|r| TokenBucket::new(r, self.config.burst_for(r), Instant::now()));
        let mut live = self.live();
        live.org_bucket = bucket.clone();
        live.bucket = bucket;
    }
}

/// The organization's changes file and the changes it holds, oldest first.
pub(crate) type OrgChanges = (RemovalLog, Vec<(super::org::OrgChange, String)>);

/// True for an organization suspend, restore or remove request.
pub(crate) fn is_org_write(r: &RecordedRequest) -> bool {
    super::org::is_org_path(&r.path)
        && match r.method.as_str() {
            "DELETE" => true,
            "POST" => r.path.ends_with("/suspend") || r.path.ends_with("/restore"),
            _ => false,
        }
}

/// The email and token of a Basic `Authorization` header.
pub(crate) fn basic_login(header: Option<&str>) -> Option<(String, String)> {
    let encoded = header?.strip_prefix("Basic ")?.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (email, token) = decoded.split_once(':')?;
    Some((email.to_owned(), token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(seed: u64) -> SiteState {
        let config = PracticeConfig {
            latency: Duration::from_millis(100),
            latency_jitter: Duration::from_millis(40),
            seed,
            ..PracticeConfig::default()
        };
        SiteState::new(config, "http://127.0.0.1:9".into(), None, None)
    }

    #[tokio::test]
    async fn jitter_is_bounded_and_reproducible() {
        let delays = |s: &SiteState| (0..200).map(|_| s.reply_delay()).collect::<Vec<_>>();
        let a = delays(&state(3));
        assert_eq!(a, delays(&state(3)));
        assert_ne!(a, delays(&state(4)));
        let (lo, hi) = (Duration::from_millis(60), Duration::from_millis(140));
        assert!(a.iter().all(|d| (lo..=hi).contains(d)), "{a:?}");
        assert!(a.iter().any(|d| *d < Duration::from_millis(80)));
        assert!(a.iter().any(|d| *d > Duration::from_millis(120)));
    }

    #[tokio::test]
    async fn the_caller_is_added_once_and_tokens_are_checked() {
        let s = state(1);
        let live = s.live();
        assert_eq!(live.users.len(), 1);
        let basic = |user: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(user)
            )
        };
        let header = basic("ADMIN@example.com:practice-token");
        assert_eq!(s.authenticate(Some(&header), &live), Some(Caller::Admin));
        let header = basic("member@example.com:member-token");
        assert_eq!(s.authenticate(Some(&header), &live), Some(Caller::Weak));
        let header = basic("admin@example.com:member-token");
        assert_eq!(s.authenticate(Some(&header), &live), None);
        assert_eq!(s.authenticate(Some("Bearer practice-token"), &live), None);
        assert_eq!(s.authenticate(None, &live), None);
    }
}
