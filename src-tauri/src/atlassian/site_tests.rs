use super::*;

const ACME: &str = "https://acme.atlassian.net";

/// Recognises the error an input must give.
type Expect = fn(&SiteError) -> bool;

#[test]
fn accepts_what_admins_type() {
    let good = [
        ("acme", ACME),
        (" ACME ", ACME),
        ("acme.atlassian.net", ACME),
        ("Acme.Atlassian.Net", ACME),
        ("acme.atlassian.net.", ACME),
        ("https://acme.atlassian.net", ACME),
        ("https://acme.atlassian.net/", ACME),
        ("https://acme.atlassian.net:443/", ACME),
        ("https://acme.atlassian.net/jira/people", ACME),
        ("https://acme.atlassian.net/jira/people?search=x#top", ACME),
        ("acme.atlassian.net/wiki/home", ACME),
        ("HTTPS://ACME.ATLASSIAN.NET", ACME),
        (
            "\tacme-sandbox-42.atlassian.net\n",
            "https://acme-sandbox-42.atlassian.net",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        (
            "http://127.0.0.1:8080/rest/api/3/myself",
            "http://127.0.0.1:8080",
        ),
        ("http://localhost:3000/", "http://localhost:3000"),
        ("http://LOCALHOST:3000", "http://localhost:3000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("localhost:3000", "http://localhost:3000"),
        ("127.0.0.1:4000", "http://127.0.0.1:4000"),
        ("https://localhost:8443", "https://localhost:8443"),
    ];
    for (input, want) in good {
        let site = Site::parse(input).unwrap_or_else(|e| panic!("{input:?} rejected: {e}"));
        assert_eq!(site.base_url(), want, "input {input:?}");
        assert_eq!(site.to_string(), want, "Display of {input:?}");
        assert!(!site.is_custom());
    }
}

#[test]
fn rejects_what_must_not_receive_credentials() {
    let bad: &[(&str, Expect)] = &[
        ("", |e| *e == SiteError::Empty),
        ("   ", |e| *e == SiteError::Empty),
        ("ac me", |e| matches!(e, SiteError::Spaces(_))),
        ("acme .atlassian.net", |e| matches!(e, SiteError::Spaces(_))),
        ("http://acme.atlassian.net", |e| {
            *e == SiteError::PlainHttp("acme.atlassian.net".into())
        }),
        ("http://acme", |e| matches!(e, SiteError::PlainHttp(_))),
        ("ftp://acme.atlassian.net", |e| {
            matches!(e, SiteError::Scheme(_))
        }),
        ("file:///etc/passwd", |e| matches!(e, SiteError::Scheme(_))),
        ("https://bob:hunter2@acme.atlassian.net", |e| {
            *e == SiteError::Credentials
        }),
        ("bob@acme.atlassian.net", |e| *e == SiteError::Credentials),
        ("https://bob:pass word@acme.atlassian.net", |e| {
            *e == SiteError::Credentials
        }),
        ("me@example.com", |e| *e == SiteError::Credentials),
        ("atlassian.net", |e| *e == SiteError::NoSiteName),
        ("https://atlassian.net/", |e| *e == SiteError::NoSiteName),
        (".atlassian.net", |e| matches!(e, SiteError::Invalid(_))),
        ("acme.atlassian.net.evil.com", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("https://acme.atlassian.net.evil.com/x", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("evilatlassian.net", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("https://acme.atlassian.com", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("a.b.atlassian.net", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("https://acme", |e| matches!(e, SiteError::NotAtlassian(_))),
        ("https://10.0.0.1", |e| {
            matches!(e, SiteError::NotAtlassian(_))
        }),
        ("acme.atlassian.net:8443", |e| {
            matches!(e, SiteError::Port(_))
        }),
        ("ac_me.atlassian.net", |e| {
            matches!(e, SiteError::Invalid(_))
        }),
        ("-acme.atlassian.net", |e| {
            matches!(e, SiteError::Invalid(_))
        }),
        ("acme..atlassian.net", |e| {
            matches!(e, SiteError::Invalid(_))
        }),
        ("https://", |e| matches!(e, SiteError::Invalid(_))),
        ("https://acme.atlassian.net:99999", |e| {
            matches!(e, SiteError::Invalid(_))
        }),
        ("javascript:alert(1)", |e| {
            matches!(e, SiteError::Invalid(_))
        }),
    ];
    for (input, expected) in bad {
        match Site::parse(input) {
            Ok(site) => panic!("{input:?} accepted as {site}"),
            Err(e) => assert!(expected(&e), "{input:?} gave {e:?}"),
        }
    }
}

#[test]
fn messages_say_what_to_type_and_never_echo_a_password() {
    let e = Site::parse("https://bob:hunter2@acme.atlassian.net").unwrap_err();
    assert!(!e.to_string().contains("hunter2"));
    assert!(e.to_string().contains("https://acme.atlassian.net"));
    let e = Site::parse("http://acme.atlassian.net").unwrap_err();
    assert!(e.to_string().contains("https://acme.atlassian.net"), "{e}");
    let e = Site::parse("acme.atlassian.net.evil.com").unwrap_err();
    assert!(e.to_string().contains("acme.atlassian.net"), "{e}");
    let long = "x".repeat(500) + " y";
    let e = Site::parse(&long).unwrap_err();
    assert!(e.to_string().len() < 300, "{e}");
}

#[test]
fn custom_domains_need_the_custom_constructor_and_https() {
    assert!(Site::parse("jira.example.com").is_err());
    let site = Site::parse_custom("https://jira.example.com/browse/X-1").unwrap();
    assert_eq!(site.base_url(), "https://jira.example.com");
    assert!(site.is_custom());
    assert!(!site.is_loopback());
    let site = Site::parse_custom("acme.atlassian.net.evil.com").unwrap();
    assert_eq!(site.host(), "acme.atlassian.net.evil.com");
    assert!(matches!(
        Site::parse_custom("http://jira.example.com"),
        Err(SiteError::PlainHttp(_))
    ));
    assert!(matches!(
        Site::parse_custom("https://u:p@jira.example.com"),
        Err(SiteError::Credentials)
    ));
    // Atlassian's own addresses keep their stricter rules through the custom door.
    assert!(!Site::parse_custom("acme").unwrap().is_custom());
    assert!(matches!(
        Site::parse_custom("acme.atlassian.net:8443"),
        Err(SiteError::Port(_))
    ));
}

#[test]
fn loopback_host_endpoint_and_authority() {
    let site = Site::parse("http://127.0.0.1:8080").unwrap();
    assert!(site.is_loopback());
    assert_eq!(site.host(), "127.0.0.1");
    assert_eq!(site.authority(), "127.0.0.1:8080");
    assert!(Site::parse("http://[::1]:1").unwrap().is_loopback());
    let acme = Site::parse("acme").unwrap();
    assert!(!acme.is_loopback());
    assert_eq!(acme.host(), "acme.atlassian.net");
    assert_eq!(acme.authority(), "acme.atlassian.net");

    let url = acme.endpoint(
        "/rest/api/3/user",
        &[("accountId", "712020:3f2a-b c&d=e#f")],
    );
    assert_eq!(
        url.as_str(),
        "https://acme.atlassian.net/rest/api/3/user?accountId=712020%3A3f2a-b+c%26d%3De%23f"
    );
    assert_eq!(
        acme.endpoint("/rest/api/3/myself", &[]).as_str(),
        "https://acme.atlassian.net/rest/api/3/myself"
    );
    assert_eq!("acme".parse::<Site>().unwrap(), acme);
}
