//! Company networks end to end (issue "Robust under failure, and at home on real company
//! networks", point 5): a TLS-inspecting proxy whose root IT installed, reached through
//! HTTPS_PROXY, with the root found the way the operating system's store is read on Linux
//! (SSL_CERT_FILE). Everything listens on 127.0.0.1: the proxy tunnels whatever host is asked
//! for to the practice site, which serves https with a certificate from a throwaway CA.
//!
//! The CLI accepts only `*.atlassian.net` addresses (custom domains are a library feature,
//! `Site::parse_custom`, with no CLI flag), so the CLI runs use a made-up Cloud name, and the
//! made-up `practice.offboard.test` is reached by this test binary itself, re-run as a child
//! process with the same environment. That child run also guards every CLI run: `.test` names
//! never resolve, so if the proxy setting were ignored the child would fail, before any CLI run
//! could try the Cloud name directly.

mod common;
#[path = "company_network/pki.rs"]
mod pki;
#[path = "company_network/proxy.rs"]
mod proxy;

use base64::Engine as _;
use common::{run, texts, Setup};
use offboard::practice::{write_export, PracticeConfig, PracticeSite};
use proxy::Proxy;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The made-up custom domain, reached through the library.
const CUSTOM_HOST: &str = "practice.offboard.test";
/// The made-up Cloud name the CLI is pointed at (the proxy sends it to 127.0.0.1).
const CLOUD_HOST: &str = "offboard-practice.atlassian.net";
/// Set (to the site address) in the child run of this binary.
const CHILD: &str = "OFFBOARD_COMPANY_NETWORK_CHILD";
/// The test the child run executes.
const CHILD_TEST: &str = "a_confirmed_custom_domain_is_reached_through_the_proxy";
/// A token no encrypted byte stream will contain by chance.
const TOKEN: &str = "company-network-token-6d1f0c8e";
/// Words of the message for a certificate this computer does not trust.
const ASK_IT: &str = "ask your IT team to install its root certificate";

/// The practice site over https, the proxy in front of it, and two CA bundles.
struct Network {
    setup: Setup,
    proxy: Proxy,
    /// Holds the CA that signed the site's certificate (IT installed the root).
    trusted: PathBuf,
    /// Holds another CA only (the root was never installed).
    untrusted: PathBuf,
}

impl Network {
    async fn start() -> Network {
        let pki = pki::make("Offboard test inspection CA", &[CUSTOM_HOST, CLOUD_HOST]);
        let other = pki::make("Some other CA", &["elsewhere.offboard.test"]);
        let mut config = PracticeConfig::generated(12, 5);
        config.admin_token = TOKEN.into();
        let tmp = tempfile::tempdir().unwrap();
        let csv = tmp.path().join("export.csv");
        write_export(&config.users, &csv).unwrap();
        let site = PracticeSite::start_tls(
            config.clone(),
            pki.leaf_pem.as_bytes(),
            pki.leaf_key_pem.as_bytes(),
        )
        .await
        .unwrap();
        let port: u16 = site.url().rsplit(':').next().unwrap().parse().unwrap();
        let proxy = Proxy::start(port).await;
        let trusted = tmp.path().join("company-roots.pem");
        std::fs::write(&trusted, &pki.ca_pem).unwrap();
        let untrusted = tmp.path().join("other-roots.pem");
        std::fs::write(&untrusted, &other.ca_pem).unwrap();
        Network {
            setup: Setup {
                site,
                config,
                tmp,
                csv,
            },
            proxy,
            trusted,
            untrusted,
        }
    }

    /// `offboard delete --dry-run` on the Cloud name, through `proxy` with roots from `bundle`.
    fn dry_run(&self, proxy: &str, bundle: &Path) -> tokio::process::Command {
        let setup = &self.setup;
        let mut cmd = setup.cmd();
        cmd.args(["delete", "--site", &format!("https://{CLOUD_HOST}")])
            .args(["--email", &setup.config.admin_email, "--csv"])
            .arg(&setup.csv)
            .arg("--journal-dir")
            .arg(setup.journal_dir())
            .arg("--dry-run");
        network_env(cmd.as_std_mut(), proxy, bundle);
        cmd
    }

    /// This binary re-run as the child: the library signs in to the custom domain.
    fn child(&self, proxy: &str, bundle: &Path) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD, format!("https://{CUSTOM_HOST}"))
            .env("OFFBOARD_API_TOKEN", TOKEN)
            .env("OFFBOARD_TEST_EMAIL", &self.setup.config.admin_email)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        network_env(cmd.as_std_mut(), proxy, bundle);
        cmd
    }

    /// Proves the proxy setting is honoured (see the module's comment) before a CLI run.
    async fn guard(&self) -> usize {
        let out = run(self.child(&self.proxy.url(), &self.trusted)).await;
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("CHILD_SIGNED_IN"), "{stdout}\n{stderr}");
        let want = format!("CONNECT {CUSTOM_HOST}:443 HTTP/1.1");
        assert!(
            self.proxy.connects().contains(&want),
            "{:?}",
            self.proxy.connects()
        );
        self.setup.site.record().len()
    }

    /// Asserts the proxy never read the token, its Basic form, or an Authorization header.
    fn assert_proxy_saw_only_the_tunnel(&self) {
        let bytes = self.proxy.bytes();
        let email = &self.setup.config.admin_email;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{TOKEN}"));
        assert!(!common::contains_bytes(&bytes, TOKEN.as_bytes()));
        assert!(!common::contains_bytes(&bytes, basic.as_bytes()));
        assert!(!common::contains_bytes(
            &bytes.to_ascii_lowercase(),
            b"authorization"
        ));
    }
}

/// Only the proxy and roots under test: none inherited from the machine running the tests.
fn network_env(cmd: &mut std::process::Command, proxy: &str, bundle: &Path) {
    for name in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "SSL_CERT_DIR",
        "REQUEST_METHOD",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("HTTPS_PROXY", proxy).env("SSL_CERT_FILE", bundle);
}

fn all_text(out: &Output) -> String {
    let (stdout, stderr) = texts(out);
    format!("{stdout}\n{stderr}")
}

/// In the child run, signs in to the custom domain; otherwise drives the child both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_custom_domain_is_reached_through_the_proxy() {
    if let Ok(site) = std::env::var(CHILD) {
        return child_signs_in(&site).await;
    }
    let net = Network::start().await;
    net.guard().await;
    let record = net.setup.site.record();
    assert!(
        record.iter().any(|r| r.method == "GET"
            && r.path == "/rest/api/3/myself"
            && r.authorized_as.as_deref() == Some(net.setup.config.admin_email.as_str())),
        "{record:?}"
    );
    net.assert_proxy_saw_only_the_tunnel();

    // Without the company's root, the library says what to ask IT for, and nothing is sent.
    let out = run(net.child(&net.proxy.url(), &net.untrusted)).await;
    assert!(!out.status.success());
    assert!(all_text(&out).contains(ASK_IT), "{}", all_text(&out));
    assert_eq!(net.setup.site.record().len(), record.len());
}

async fn child_signs_in(site: &str) {
    use offboard::atlassian::{ClientConfig, Site, SiteClient};
    let site = Site::parse_custom(site).unwrap();
    let email = std::env::var("OFFBOARD_TEST_EMAIL").unwrap();
    let token = offboard::vault::ApiToken::new(std::env::var("OFFBOARD_API_TOKEN").unwrap());
    let client = SiteClient::new(site, &email, token, ClientConfig::default()).unwrap();
    match client.myself().await {
        Ok(me) => println!("CHILD_SIGNED_IN {}", me.account_id),
        Err(e) => panic!("CHILD_FAILED {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_works_through_an_inspecting_proxy_whose_root_is_installed() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let net = Network::start().await;
    let from = net.guard().await;
    let out = run(net.dry_run(&net.proxy.url(), &net.trusted)).await;
    assert_eq!(out.status.code(), Some(0), "{}", all_text(&out));
    let want = format!("CONNECT {CLOUD_HOST}:443 HTTP/1.1");
    assert!(
        net.proxy.connects().contains(&want),
        "{:?}",
        net.proxy.connects()
    );
    let record = net.setup.site.record();
    let seen = &record[from..];
    let admin = Some(net.setup.config.admin_email.as_str());
    assert!(
        seen.iter()
            .any(|r| r.path == "/rest/api/3/myself" && r.status == Some(200)),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|r| r.path == "/rest/api/3/user/bulk"),
        "{seen:?}"
    );
    assert!(seen
        .iter()
        .all(|r| r.method == "GET" && r.authorized_as.as_deref() == admin));
    net.assert_proxy_saw_only_the_tunnel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_company_root_the_cli_says_to_ask_it_and_sends_nothing() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let net = Network::start().await;
    let from = net.guard().await;
    // A store without the root, and a store that cannot be read at all: the bundled public
    // roots still make a client, and the message is the same.
    let missing = net.setup.tmp.path().join("no-such-bundle.pem");
    for bundle in [&net.untrusted, &missing] {
        let out = run(net.dry_run(&net.proxy.url(), bundle)).await;
        let text = all_text(&out);
        assert_ne!(out.status.code(), Some(0), "{text}");
        assert!(text.contains(ASK_IT), "{text}");
        assert!(text.contains("Zscaler"), "{text}");
    }
    // The proxy was reached; the site never saw a request (so never the credentials).
    let want = format!("CONNECT {CLOUD_HOST}:443 HTTP/1.1");
    assert!(
        net.proxy.connects().contains(&want),
        "{:?}",
        net.proxy.connects()
    );
    assert_eq!(net.setup.site.record()[from..], []);
    net.assert_proxy_saw_only_the_tunnel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_cannot_be_reached_or_refuses_is_named_without_its_password() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let net = Network::start().await;
    let from = net.guard().await;
    // A port that was free a moment ago and that nothing listens on now.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let proxy = format!("http://someone:hunter2@127.0.0.1:{closed}");
    let out = run(net.dry_run(&proxy, &net.trusted)).await;
    let text = all_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "the proxy http://127.0.0.1:{closed} refused the connection"
        )),
        "{text}"
    );
    assert!(text.contains("Check the proxy setting"), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("someone"),
        "{text}"
    );

    // A proxy that answers but refuses the tunnel (this one finds nothing behind it: 502).
    let refusing = Proxy::start(closed).await;
    let out = run(net.dry_run(&refusing.url(), &net.trusted)).await;
    let text = all_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    let named = format!(
        "the proxy {} would not connect to {CLOUD_HOST}",
        refusing.url()
    );
    assert!(text.contains(&named), "{text}");
    assert!(text.contains("the proxy setting"), "{text}");
    assert_eq!(net.setup.site.record()[from..], []);
}
