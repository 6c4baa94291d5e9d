//! `offboard practice-site`: runs a practice site in the foreground until Ctrl-C or SIGTERM.

use super::config::{Faults, PracticeConfig};
use super::{PracticeError, PracticeSite};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A certificate chain and its key, as PEM bytes.
type CertAndKey = (Vec<u8>, Vec<u8>);

/// Options of `offboard practice-site`.
#[derive(Debug, Clone, clap::Args)]
pub struct PracticeSiteArgs {
    /// Number of generated users (ignored with --csv).
    #[arg(long, default_value_t = 300, conflicts_with = "csv")]
    pub users: usize,
    /// Write the site's users as an admin.atlassian.com-style export to FILE before serving.
    #[arg(long, value_name = "FILE")]
    pub export_csv: Option<PathBuf>,
    /// Seed the users from an admin.atlassian.com user export instead (the site-admins group
    /// then holds only the caller and any --site-admin).
    #[arg(long, value_name = "FILE", visible_alias = "users-from-csv")]
    pub csv: Option<PathBuf>,
    /// Also put this account id in the site's site-admins group (repeatable; the caller, and
    /// with generated users their chosen admins, always are).
    #[arg(long = "site-admin", value_name = "ID")]
    pub site_admins: Vec<String>,
    /// The site has no site-admins group at all: reading it answers 404.
    #[arg(long)]
    pub no_site_admins_group: bool,
    /// A DELETE for this account id answers 204 but the user stays on the site (repeatable).
    #[arg(long = "keep-after-delete", value_name = "ID")]
    pub keep_after_delete: Vec<String>,
    /// The admin email with this token is refused as a scoped token would be: 401 "Unauthorized;
    /// scope does not match" on every request (repeatable; a made-up practice value).
    #[arg(long = "scoped-token", value_name = "TOKEN")]
    pub scoped_tokens: Vec<String>,
    /// The admin email with this token is refused as an expired token: 401 naming the expiry
    /// on every request (repeatable; a made-up practice value).
    #[arg(long = "expired-token", value_name = "TOKEN")]
    pub expired_tokens: Vec<String>,
    /// Act out a site with Confluence but no Jira: Jira's paths answer 404 pages and
    /// Confluence's "Get current user" answers the signed-in caller.
    #[arg(long)]
    pub confluence_only: bool,
    /// DELETE requests allowed per second (token bucket); unlimited when not given.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Bucket size for --rate (default: the rate, at least 1).
    #[arg(long)]
    pub burst: Option<u32>,
    /// Delay added to every reply, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Random spread around --latency-ms, in milliseconds (uniform, ±).
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,
    /// Probability (0 to 1) that a DELETE answers 503 with Retry-After (nothing removed).
    #[arg(long, default_value_t = 0.0)]
    pub p503: f64,
    /// Probability that a DELETE answers 503 without Retry-After (nothing removed).
    #[arg(long, default_value_t = 0.0)]
    pub p503_bare: f64,
    /// Probability that a DELETE answers 500 (half of them after the user was removed).
    #[arg(long, default_value_t = 0.0)]
    pub p500: f64,
    /// Probability that a DELETE's connection closes unanswered (half after the removal).
    #[arg(long, default_value_t = 0.0)]
    pub pdrop: f64,
    /// Probability that a DELETE is applied but answered only after --slow-ms.
    #[arg(long, default_value_t = 0.0)]
    pub pslow: f64,
    /// How long a slow reply is held back, in milliseconds.
    #[arg(long, default_value_t = 40_000)]
    pub slow_ms: u64,
    /// Seed for generated users, faults and jitter (same seed, same site).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The practice admin's email.
    #[arg(long, default_value = "admin@example.com")]
    pub email: String,
    /// The practice admin's API token (a made-up practice value, not a real token).
    #[arg(long, default_value = "practice-token")]
    pub token: String,
    /// When the site stops (Ctrl-C or SIGTERM), write every request it saw to FILE as JSON
    /// lines, in arrival order: method, path, account_id, status, at_ms, authorized_as,
    /// user_agent (never a token). Tests compare it with what a client reported.
    #[arg(long, value_name = "FILE")]
    pub record_file: Option<PathBuf>,
    /// Serve https with this certificate (PEM: the site's certificate first, then any
    /// intermediates), as a site behind a company's inspecting proxy would; needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The practice organization's options (cli_org.rs).
    #[command(flatten)]
    pub org: super::cli_org::PracticeOrgArgs,
}

impl PracticeSiteArgs {
    /// The site configuration these options describe.
    pub fn to_config(&self) -> Result<PracticeConfig, PracticeError> {
        let mut config = match &self.csv {
            Some(path) => PracticeConfig::from_csv(path)?,
            None => PracticeConfig::generated(self.users, self.seed),
        };
        config.seed = self.seed;
        config.admin_email = self.email.clone();
        config.admin_token = self.token.clone();
        config.rate_per_sec = self.rate;
        config.burst = self.burst;
        config.latency = Duration::from_millis(self.latency_ms);
        config.latency_jitter = Duration::from_millis(self.jitter_ms);
        config.faults = Faults {
            p_503_retry_after: self.p503,
            p_503_bare: self.p503_bare,
            p_500: self.p500,
            p_drop: self.pdrop,
            p_slow: self.pslow,
            slow_delay: Duration::from_millis(self.slow_ms),
        };
        config.site_admins.extend(self.site_admins.iter().cloned());
        config.groupless = self.no_site_admins_group;
        config.keep_after_delete = self.keep_after_delete.clone();
        config.scoped_tokens = self.scoped_tokens.clone();
        config.expired_tokens = self.expired_tokens.clone();
        config.confluence_only = self.confluence_only;
        self.org.apply(&mut config);
        Ok(config)
    }

    /// The certificate and key files' contents, when https was asked for.
    fn tls_files(&self) -> Result<Option<CertAndKey>, PracticeError> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let read = |setting: &'static str, path: &Path| {
            std::fs::read(path).map_err(|e| PracticeError::InvalidSetting {
                setting,
                reason: format!("{} could not be read ({e})", path.display()),
            })
        };
        Ok(Some((read("--tls-cert", cert)?, read("--tls-key", key)?)))
    }

    /// Starts the site these options describe, over https when a certificate was given.
    async fn start(&self, config: PracticeConfig) -> Result<PracticeSite, PracticeError> {
        match self.tls_files()? {
            Some((cert, key)) => PracticeSite::start_tls_on(config, self.port, &cert, &key).await,
            None => PracticeSite::start_on(config, self.port).await,
        }
    }
}

/// Runs the practice site until Ctrl-C or SIGTERM; returns the process exit code.
pub async fn run_cli(args: PracticeSiteArgs) -> i32 {
    let stdout = std::io::stdout();
    run_until(&args, &mut stdout.lock(), stop_signal()).await
}

/// Starts the site, prints how to reach it, serves until `stop` completes.
pub(crate) async fn run_until(
    args: &PracticeSiteArgs,
    out: &mut impl Write,
    stop: impl Future<Output = ()>,
) -> i32 {
    let site = match args.to_config() {
        Ok(config) => match args.start(config.clone()).await.and_then(|site| {
            if let Some(path) = &args.export_csv {
                write_export(&config.users, path)?;
            }
            Ok(site)
        }) {
            Ok(site) => site,
            Err(e) => return fail(&e),
        },
        Err(e) => return fail(&e),
    };
    // Create the record file now, so a path we cannot write fails before anything is served.
    if let Some(path) = &args.record_file {
        if let Err(e) = write_record(&[], path) {
            site.shutdown().await;
            return fail(&e);
        }
    }
    let banner = format!(
        "PRACTICE_SITE_URL={url}\nPRACTICE_EMAIL={email}\nPRACTICE_TOKEN={token}\n{org}\
         The practice site is running at {url} with {n} users, and plays their organization's \
         admin API at the same address; nothing here touches a real Atlassian site. Press \
         Ctrl-C to stop it.\n",
        url = site.url(),
        email = args.email,
        token = args.token,
        org = args.org.banner(),
        n = site.remaining_users(),
    );
    // The first line is read by scripts and tests as soon as it appears: flush it at once.
    if out
        .write_all(banner.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        site.shutdown().await;
        return 1;
    }
    stop.await;
    // Stop serving first (a clone keeps the state), so no request lands after the record is read.
    let handle = site.clone();
    site.shutdown().await;
    let record = handle.record();
    let mut code = 0;
    if let Some(path) = &args.record_file {
        if let Err(e) = write_record(&record, path) {
            code = fail(&e);
        }
    }
    let _ = writeln!(out, "{}", tally(&record));
    if let Some(org) = super::cli_org::tally(&record) {
        let _ = writeln!(out, "{org}");
    }
    code
}

/// Writes the record as JSON lines (one `RecordedRequest` a line, arrival order) to `path`.
fn write_record(record: &[super::RecordedRequest], path: &Path) -> Result<(), PracticeError> {
    let export_error = |e: std::io::Error| PracticeError::Export {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).map_err(export_error)?);
    for request in record {
        // A RecordedRequest is strings and numbers only: serialising it cannot fail.
        let line = serde_json::to_string(request).expect("a recorded request serialises");
        writeln!(w, "{line}").map_err(export_error)?;
    }
    w.flush().map_err(export_error)
}

/// One line on what the site saw, e.g. `PRACTICE_SITE_SAW requests=1203 deletes=1100 204=1000 429=100`.
fn tally(record: &[super::RecordedRequest]) -> String {
    let mut by_status = std::collections::BTreeMap::new();
    let deletes = record
        .iter()
        .filter(|r| r.method == "DELETE" && !super::org::is_org_path(&r.path));
    for r in deletes.clone() {
        let key = r
            .status
            .map_or_else(|| "dropped".to_owned(), |s| s.to_string());
        *by_status.entry(key).or_insert(0u64) += 1;
    }
    let statuses: Vec<String> = by_status.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "PRACTICE_SITE_SAW requests={} deletes={} {}",
        record.len(),
        deletes.count(),
        statuses.join(" ")
    )
}

/// Writes users in the export's shape, so the CLI or the window can be pointed at them.
pub fn write_export(
    users: &[super::PracticeUser],
    path: &std::path::Path,
) -> Result<(), PracticeError> {
    let csv_error = |e: csv::Error| PracticeError::Csv {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut w = csv::Writer::from_path(path).map_err(csv_error)?;
    w.write_record([
        "User id",
        "User name",
        "email",
        "User status",
        "Added to org",
        "Org role",
    ])
    .map_err(csv_error)?;
    for u in users {
        let status = if u.active { "Active" } else { "Deactivated" };
        let email = u.email.as_deref().unwrap_or_default();
        w.write_record([
            u.account_id.as_str(),
            &u.display_name,
            email,
            status,
            "3 Jan 2024",
            "",
        ])
        .map_err(csv_error)?;
    }
    w.flush().map_err(|e| csv_error(e.into()))
}

fn fail(error: &PracticeError) -> i32 {
    eprintln!("offboard: {error}");
    1
}

/// Completes on Ctrl-C, or on SIGTERM where there is such a thing.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    // Ignored error: without a Ctrl-C handler we can only serve until killed.
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: PracticeSiteArgs,
    }

    fn parse(argv: &[&str]) -> PracticeSiteArgs {
        Wrapper::try_parse_from(std::iter::once("practice-site").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn options_become_the_config() {
        let args = parse(&[
            "--users",
            "12",
            "--rate",
            "5",
            "--burst",
            "2",
            "--latency-ms",
            "30",
            "--jitter-ms",
            "10",
            "--p503",
            "0.1",
            "--p503-bare",
            "0.2",
            "--p500",
            "0.05",
            "--pdrop",
            "0.01",
            "--pslow",
            "0.02",
            "--slow-ms",
            "900",
            "--seed",
            "9",
            "--email",
            "me@example.org",
            "--token",
            "tok",
            "--scoped-token",
            "s1",
            "--scoped-token",
            "s2",
            "--expired-token",
            "e1",
            "--confluence-only",
        ]);
        let c = args.to_config().unwrap();
        assert_eq!(c.users.len(), 13);
        assert_eq!((c.rate_per_sec, c.burst, c.seed), (Some(5.0), Some(2), 9));
        assert_eq!(c.latency, Duration::from_millis(30));
        assert_eq!(c.latency_jitter, Duration::from_millis(10));
        assert_eq!(c.faults.p_503_retry_after, 0.1);
        assert_eq!(c.faults.p_503_bare, 0.2);
        assert_eq!(c.faults.p_500, 0.05);
        assert_eq!(c.faults.p_drop, 0.01);
        assert_eq!(c.faults.p_slow, 0.02);
        assert_eq!(c.faults.slow_delay, Duration::from_millis(900));
        assert_eq!(
            (c.admin_email.as_str(), c.admin_token.as_str()),
            ("me@example.org", "tok")
        );
        assert_eq!(
            (c.scoped_tokens, c.expired_tokens),
            (vec!["s1".into(), "s2".into()], vec!["e1".to_string()])
        );
        assert!(c.confluence_only);
        assert!(!parse(&[]).to_config().unwrap().confluence_only);
    }

    #[test]
    fn defaults_and_conflicts() {
        let args = parse(&[]);
        assert_eq!((args.users, args.port, args.rate), (300, 0, None));
        assert!(Wrapper::try_parse_from(["x", "--users", "3", "--csv", "a.csv"]).is_err());
    }

    /// A writer the stop future can read while `run_until` holds it.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn prints_the_url_first_then_serves_until_stopped() {
        let args = parse(&["--users", "3"]);
        let out = Shared::default();
        let seen = out.clone();
        // The stop future runs only once the banner is out: it uses the site, then stops it.
        let stop = async move {
            let text = String::from_utf8(seen.0.lock().unwrap().clone()).unwrap();
            let url = text
                .lines()
                .next()
                .unwrap()
                .strip_prefix("PRACTICE_SITE_URL=")
                .unwrap()
                .to_string();
            let status = reqwest::Client::new()
                .get(format!("{url}/rest/api/3/myself"))
                .basic_auth("admin@example.com", Some("practice-token"))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 200);
        };
        let code = run_until(&args, &mut out.clone(), stop).await;
        assert_eq!(code, 0);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("PRACTICE_SITE_URL=http://127.0.0.1:"),
            "{text}"
        );
        assert_ne!(lines[0], "PRACTICE_SITE_URL=http://127.0.0.1:0");
        assert_eq!(lines[1], "PRACTICE_EMAIL=admin@example.com");
        assert_eq!(lines[2], "PRACTICE_TOKEN=practice-token");
        assert_eq!(
            lines[3],
            format!("PRACTICE_ORG_ID={}", super::super::DEFAULT_ORG_ID)
        );
        assert_eq!(lines[4], "PRACTICE_ORG_KEY=practice-org-key");
        assert!(lines[5].contains("4 users"), "{text}");
        assert_eq!(
            lines[6], "PRACTICE_SITE_SAW requests=1 deletes=0 ",
            "the tally on stop"
        );
        assert_eq!(lines.len(), 7, "no org line without org requests: {text}");
    }

    #[tokio::test]
    async fn exports_its_users_for_the_importer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        let args = parse(&["--users", "25", "--export-csv", path.to_str().unwrap()]);
        let code = run_until(&args, &mut Vec::new(), async {}).await;
        assert_eq!(code, 0);
        let roster = crate::roster::import_file(&path).unwrap();
        let expected: Vec<String> = args
            .to_config()
            .unwrap()
            .users
            .into_iter()
            .map(|u| u.account_id)
            .collect();
        let got: Vec<String> = roster.users.into_iter().map(|u| u.account_id).collect();
        assert_eq!(got, expected);
        assert!(roster.summary.skipped.is_empty());
    }

    #[tokio::test]
    async fn the_record_file_holds_every_request_as_json_lines_on_stop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("record.jsonl");
        let args = parse(&["--users", "3", "--record-file", path.to_str().unwrap()]);
        let victim = args.to_config().unwrap().users[1].account_id.clone();
        let out = Shared::default();
        let seen = out.clone();
        let (file, id) = (path.clone(), victim.clone());
        let stop = async move {
            // Created (empty) before the banner, written only on stop.
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
            let text = String::from_utf8(seen.0.lock().unwrap().clone()).unwrap();
            let url = text.lines().next().unwrap()["PRACTICE_SITE_URL=".len()..].to_string();
            let client = reqwest::Client::new();
            let user = format!("{url}/rest/api/3/user");
            let admin = |r: reqwest::RequestBuilder| {
                r.basic_auth("admin@example.com", Some("practice-token"))
                    .header("user-agent", "record-test")
            };
            let statuses = [
                admin(client.delete(&user).query(&[("accountId", &id)])),
                admin(client.delete(&user).query(&[("accountId", &id)])),
                client
                    .get(format!("{url}/rest/api/3/myself"))
                    .basic_auth("x@example.com", Some("bad")),
            ];
            for (req, want) in statuses.into_iter().zip([204, 404, 401]) {
                assert_eq!(req.send().await.unwrap().status(), want);
            }
        };
        assert_eq!(run_until(&args, &mut out.clone(), stop).await, 0);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("practice-token") && !text.contains("bad"),
            "{text}"
        );
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let summary: Vec<_> = lines
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap(),
                    r["account_id"].as_str(),
                    r["status"].as_u64(),
                    r["authorized_as"].as_str(),
                )
            })
            .collect();
        let admin = Some("admin@example.com");
        assert_eq!(
            summary,
            [
                (
                    "DELETE",
                    "/rest/api/3/user",
                    Some(victim.as_str()),
                    Some(204),
                    admin
                ),
                (
                    "DELETE",
                    "/rest/api/3/user",
                    Some(victim.as_str()),
                    Some(404),
                    admin
                ),
                ("GET", "/rest/api/3/myself", None, Some(401), None),
            ]
        );
        assert_eq!(lines[0]["user_agent"], "record-test");
        assert!(lines[0]["at_ms"].as_u64().unwrap() <= lines[2]["at_ms"].as_u64().unwrap());
        let tally = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(
            tally.contains("PRACTICE_SITE_SAW requests=3 deletes=2 204=1 404=1"),
            "{tally}"
        );
    }

    #[tokio::test]
    async fn an_unwritable_record_file_fails_before_serving() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder/record.jsonl");
        let args = parse(&["--users", "1", "--record-file", path.to_str().unwrap()]);
        let mut out = Vec::new();
        assert_eq!(run_until(&args, &mut out, async {}).await, 1);
        assert!(
            out.is_empty(),
            "no banner: {}",
            String::from_utf8_lossy(&out)
        );
    }

    #[tokio::test]
    async fn https_needs_both_files_and_refuses_unreadable_ones() {
        assert!(Wrapper::try_parse_from(["x", "--tls-cert", "c.pem"]).is_err());
        assert!(Wrapper::try_parse_from(["x", "--tls-key", "k.pem"]).is_err());
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, "not a certificate").unwrap();
        let key = dir.path().join("missing-key.pem");
        for (cert, key) in [(&cert, &cert), (&cert, &key)] {
            let args = parse(&[
                "--users",
                "1",
                "--tls-cert",
                cert.to_str().unwrap(),
                "--tls-key",
                key.to_str().unwrap(),
            ]);
            let mut out = Vec::new();
            assert_eq!(run_until(&args, &mut out, async {}).await, 1);
            assert!(out.is_empty(), "no banner");
        }
    }

    #[tokio::test]
    async fn a_bad_setting_fails_with_exit_code_1() {
        let args = parse(&["--p500", "2"]);
        let code = run_until(&args, &mut Vec::new(), async {}).await;
        assert_eq!(code, 1);
    }
}
