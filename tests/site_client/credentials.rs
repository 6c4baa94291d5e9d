//! What the client makes of refused credentials and of a site without Jira, against the
//! practice site's knobs (and the scripted server for an address that is no Atlassian site).

use super::quick;
use super::server::{reply, Action, Server};
use offboard::atlassian::{AtlassianError, ConfluenceProbe, Site, SiteClient, Verdict};
use offboard::practice::{PracticeConfig, PracticeSite, WEAK_ACCOUNT_ID};
use offboard::vault::ApiToken;

const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";
const SCOPED: &str = "scoped-token";
const EXPIRED: &str = "expired-token";

async fn practice(config: PracticeConfig) -> PracticeSite {
    PracticeSite::start(config).await.unwrap()
}

fn client(site: &PracticeSite, email: &str, token: &str) -> SiteClient {
    let site = Site::parse(&site.url()).unwrap();
    SiteClient::new(site, email, ApiToken::new(token), quick()).unwrap()
}

fn knobs() -> PracticeConfig {
    PracticeConfig {
        scoped_tokens: vec![SCOPED.into()],
        expired_tokens: vec![EXPIRED.into()],
        ..PracticeConfig::default()
    }
}

/// The words of a DELETE refused with a 401.
async fn delete_refusal(client: &SiteClient) -> String {
    match client.remove_user("712020:anyone").await {
        Verdict::Unauthorized { message } => message,
        other => panic!("a 401 verdict, not {other:?}"),
    }
}

#[tokio::test]
async fn a_scoped_token_is_named_with_the_page_for_a_classic_one() {
    let site = practice(knobs()).await;
    let admin = site_admin_email();
    let scoped = client(&site, &admin, SCOPED);
    let err = scoped.myself().await.unwrap_err();
    assert_eq!(err, AtlassianError::ScopedToken);
    let words = err.to_string();
    assert!(words.contains(TOKEN_PAGE), "{words}");
    assert!(
        words.contains("not \"Create API token with scopes\""),
        "{words}"
    );
    assert!(
        !words.contains(SCOPED),
        "the token is never echoed: {words}"
    );
    // A run halting on it says why too.
    let halted = delete_refusal(&scoped).await;
    assert!(halted.contains("token with scopes"), "{halted}");
    assert!(halted.contains(TOKEN_PAGE), "{halted}");
    assert!(!halted.contains(SCOPED), "{halted}");
}

#[tokio::test]
async fn an_expired_token_says_so_and_a_plain_401_names_expiry_as_likely() {
    let site = practice(knobs()).await;
    let admin = site_admin_email();
    let expired = client(&site, &admin, EXPIRED);
    assert_eq!(
        expired.myself().await.unwrap_err(),
        AtlassianError::ExpiredToken
    );
    let halted = delete_refusal(&expired).await;
    assert!(halted.contains("because it has expired"), "{halted}");

    // The site gives a wrong token no reason: the words still point at expiry and the page.
    let wrong = client(&site, &admin, "not-the-token");
    let err = wrong.myself().await.unwrap_err();
    assert_eq!(err, AtlassianError::Unauthorized);
    let words = err.to_string();
    for needle in [
        "HTTP 401",
        "probably expired",
        "15 December 2024",
        TOKEN_PAGE,
    ] {
        assert!(words.contains(needle), "{needle}: {words}");
    }
    let halted = delete_refusal(&wrong).await;
    assert!(halted.contains("probably expired"), "{halted}");
    // The right token still works on the same site.
    let me = client(&site, &admin, "practice-token")
        .myself()
        .await
        .unwrap();
    assert_eq!(me.account_id, PracticeConfig::default().caller_account_id);
}

#[tokio::test]
async fn a_confluence_only_site_is_explained_as_needing_organization_mode() {
    let site = practice(PracticeConfig {
        confluence_only: true,
        ..knobs()
    })
    .await;
    let admin = site_admin_email();
    let good = client(&site, &admin, "practice-token");
    assert_eq!(good.confluence_probe().await, ConfluenceProbe::Caller);
    let err = good.myself().await.unwrap_err();
    assert_eq!(err, AtlassianError::NoJira);
    let words = err.to_string();
    for needle in [
        "Jira",
        "Confluence-only",
        "organization mode",
        "admin.atlassian.com",
        "choose \"Organization\" at Connect",
    ] {
        assert!(words.contains(needle), "{needle}: {words}");
    }
    // The probe above, then `myself` and the probe it makes.
    let paths: Vec<String> = site.record().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths[1..],
        ["/rest/api/3/myself", "/wiki/rest/api/user/current"]
    );
    // Bad credentials there are still bad credentials, told by Confluence.
    let scoped = client(&site, &admin, SCOPED);
    assert_eq!(
        scoped.myself().await.unwrap_err(),
        AtlassianError::ScopedToken
    );
    let wrong = client(&site, &admin, "not-the-token");
    assert_eq!(
        wrong.myself().await.unwrap_err(),
        AtlassianError::Unauthorized
    );
    // The weak member is known to Confluence too.
    let member = client(&site, "member@example.com", "member-token");
    assert_eq!(member.myself().await.unwrap_err(), AtlassianError::NoJira);
}

#[tokio::test]
async fn a_site_with_jira_gives_the_confluence_probe_nothing() {
    let site = practice(PracticeConfig::default()).await;
    let good = client(&site, &site_admin_email(), "practice-token");
    assert_eq!(good.confluence_probe().await, ConfluenceProbe::Nothing);
    assert!(good.myself().await.is_ok());
}

#[tokio::test]
async fn a_404_from_an_address_without_jira_or_confluence_says_to_check_the_address() {
    let page = "<html><head><title>Page Not Found</title></head></html>";
    let server = Server::start(vec![
        Action::Reply(reply(404, &[("Content-Type", "text/html")], page)),
        Action::Reply(reply(404, &[("Content-Type", "text/html")], page)),
    ])
    .await;
    let err = server.client(quick()).myself().await.unwrap_err();
    assert!(
        matches!(&err, AtlassianError::BadReply { status: 404, detail } if detail.contains("no Jira")),
        "{err:?}"
    );
    assert!(err.to_string().contains("Check the site address"), "{err}");
    let targets: Vec<String> = server.seen().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        ["/rest/api/3/myself", "/wiki/rest/api/user/current"]
    );
}

#[tokio::test]
async fn the_weak_member_can_read_the_site_admins_group_and_is_not_in_it() {
    let site = practice(PracticeConfig::generated(20, 3)).await;
    let member = client(&site, "member@example.com", "member-token");
    assert_eq!(member.myself().await.unwrap().account_id, WEAK_ACCOUNT_ID);
    let admins = member.site_admins().await.unwrap().unwrap();
    assert!(!admins.is_empty());
    assert!(!admins.iter().any(|id| id == WEAK_ACCOUNT_ID));
}

fn site_admin_email() -> String {
    PracticeConfig::default().admin_email
}
