//! The organization's options of `offboard practice-site`, its banner lines and its tally
//! (kept apart from cli.rs, which holds the site's).

use super::config::{DEFAULT_ORG_API_KEY, DEFAULT_ORG_ID, DEFAULT_ORG_NAME};
use super::org::{is_lifecycle_call, is_manage_path};
use super::state::{is_org_write, RecordedRequest};
use super::PracticeConfig;
use std::collections::BTreeMap;

/// Options of the practice organization (the Organization admin API under `/admin/`, the
/// user-management API under `/users/`).
#[derive(Debug, Clone, clap::Args)]
pub struct PracticeOrgArgs {
    /// The practice organization's id.
    #[arg(long, value_name = "ID", default_value = DEFAULT_ORG_ID)]
    pub org_id: String,
    /// The practice organization's name.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ORG_NAME)]
    pub org_name: String,
    /// The practice org API key without scopes (a made-up practice value, not a real key).
    #[arg(long, value_name = "KEY", default_value = DEFAULT_ORG_API_KEY)]
    pub org_key: String,
    /// Also accept this key as one created WITH scopes: reads work, writes answer 403
    /// insufficientScope, and the organization list is empty (a made-up practice value).
    #[arg(long, value_name = "KEY")]
    pub org_scoped_key: Option<String>,
    /// Number of directories: 1 is the centralized user management; 2 or more the original
    /// one, with the users spread over them.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub org_directories: usize,
    /// The organization's 429s carry no Retry-After, only X-RateLimit-Reset (ISO 8601 UTC).
    #[arg(long)]
    pub org_no_retry_after: bool,
    /// A restore that would take the active members past N answers 409 (licence limit).
    #[arg(long, value_name = "N")]
    pub org_licence_limit: Option<usize>,
    /// Start the practice clock at least N days ahead of today. A deleted managed account is
    /// pending deletion for 14 days on this clock, then gone for good. While the site runs,
    /// POST /practice/clock with {"advanceDays": N} (no key needed) moves it N days forward;
    /// it never goes back, even across launches.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub org_clock_days: u32,
}

impl PracticeOrgArgs {
    /// Puts these options into the site's configuration.
    pub(crate) fn apply(&self, config: &mut PracticeConfig) {
        config.org_id = self.org_id.clone();
        config.org_name = self.org_name.clone();
        config.org_api_key = self.org_key.clone();
        config.scoped_org_key = self.org_scoped_key.clone();
        config.org_directories = self.org_directories;
        config.org_retry_after = !self.org_no_retry_after;
        config.org_licence_limit = self.org_licence_limit;
        config.org_clock_days = self.org_clock_days;
    }

    /// The banner's organization lines, as the site's login is printed: the practice key is
    /// not a secret, it only opens the practice site.
    pub(crate) fn banner(&self) -> String {
        let mut lines = format!(
            "PRACTICE_ORG_ID={}\nPRACTICE_ORG_KEY={}\n",
            self.org_id, self.org_key
        );
        if let Some(scoped) = &self.org_scoped_key {
            lines.push_str(&format!("PRACTICE_ORG_SCOPED_KEY={scoped}\n"));
        }
        lines
    }
}

/// One line on the organization's requests (`/admin/` and `/users/`), e.g.
/// `PRACTICE_ORG_SAW requests=40 writes=30 204=28 403=2`, where writes are suspend, restore,
/// remove and the lifecycle actions; `None` when none arrived.
pub(crate) fn tally(record: &[RecordedRequest]) -> Option<String> {
    let org: Vec<&RecordedRequest> = record
        .iter()
        .filter(|r| super::org::is_org_path(&r.path) || is_manage_path(&r.path))
        .collect();
    if org.is_empty() {
        return None;
    }
    let mut by_status = BTreeMap::new();
    let writes: Vec<&&RecordedRequest> = org
        .iter()
        .filter(|r| is_org_write(r) || is_lifecycle_call(&r.method, &r.path))
        .collect();
    for r in &writes {
        let key = r.status.map_or_else(|| "dropped".into(), |s| s.to_string());
        *by_status.entry(key).or_insert(0u64) += 1;
    }
    let statuses: Vec<String> = by_status.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Some(format!(
        "PRACTICE_ORG_SAW requests={} writes={} {}",
        org.len(),
        writes.len(),
        statuses.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: PracticeOrgArgs,
    }

    fn parse(argv: &[&str]) -> PracticeOrgArgs {
        Wrapper::try_parse_from(std::iter::once("x").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn defaults_match_the_config_defaults() {
        let mut config = PracticeConfig::default();
        parse(&[]).apply(&mut config);
        let d = PracticeConfig::default();
        assert_eq!(
            (&config.org_id, &config.org_name, &config.org_api_key),
            (&d.org_id, &d.org_name, &d.org_api_key)
        );
        assert_eq!(config.scoped_org_key, None);
        assert_eq!(config.org_directories, 1);
        assert!(config.org_retry_after);
        assert_eq!(config.org_licence_limit, None);
        assert_eq!(config.org_clock_days, 0);
        assert_eq!(
            parse(&[]).banner(),
            format!("PRACTICE_ORG_ID={DEFAULT_ORG_ID}\nPRACTICE_ORG_KEY={DEFAULT_ORG_API_KEY}\n")
        );
    }

    #[test]
    fn every_flag_reaches_the_config() {
        let args = parse(&[
            "--org-id",
            "org-1",
            "--org-name",
            "Acme",
            "--org-key",
            "k1",
            "--org-scoped-key",
            "k2",
            "--org-directories",
            "3",
            "--org-no-retry-after",
            "--org-licence-limit",
            "40",
            "--org-clock-days",
            "15",
        ]);
        let mut config = PracticeConfig::default();
        args.apply(&mut config);
        assert_eq!(
            (config.org_id.as_str(), config.org_name.as_str()),
            ("org-1", "Acme")
        );
        assert_eq!(config.org_api_key, "k1");
        assert_eq!(config.scoped_org_key.as_deref(), Some("k2"));
        assert_eq!(config.org_directories, 3);
        assert!(!config.org_retry_after);
        assert_eq!(config.org_licence_limit, Some(40));
        assert_eq!(config.org_clock_days, 15);
        assert!(args.banner().ends_with("PRACTICE_ORG_SCOPED_KEY=k2\n"));
    }

    #[test]
    fn the_tally_counts_org_writes_only() {
        let r = |method: &str, path: &str, status: Option<u16>| RecordedRequest {
            method: method.into(),
            path: path.into(),
            account_id: None,
            status,
            at_ms: 0,
            authorized_as: None,
            user_agent: None,
        };
        assert_eq!(tally(&[r("DELETE", "/rest/api/3/user", Some(204))]), None);
        let users = "/admin/v2/orgs/o/directories/d/users";
        let record = [
            r("POST", &format!("{users}/search"), Some(200)),
            r("POST", &format!("{users}/a/suspend"), Some(204)),
            r("POST", &format!("{users}/b/restore"), None),
            r("DELETE", &format!("{users}/c"), Some(403)),
            r("DELETE", "/rest/api/3/user", Some(204)),
        ];
        assert_eq!(
            tally(&record).unwrap(),
            "PRACTICE_ORG_SAW requests=4 writes=3 204=1 403=1 dropped=1"
        );
        let lifecycle = [
            r("GET", "/users/a/manage", Some(200)),
            r("POST", "/users/a/manage/lifecycle/delete", Some(200)),
            r("POST", "/users/b/manage/lifecycle/disable", Some(409)),
            r("POST", "/practice/clock", Some(200)),
        ];
        assert_eq!(
            tally(&lifecycle).unwrap(),
            "PRACTICE_ORG_SAW requests=3 writes=2 200=1 409=1"
        );
    }
}
