//! The API address and org id rules.

use super::*;

const ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

#[test]
fn the_production_api_and_the_practice_site_are_accepted() {
    for input in [
        "",
        "  https://api.atlassian.com ",
        "https://api.atlassian.com/",
        "HTTPS://API.ATLASSIAN.COM",
        "https://api.atlassian.com:443",
    ] {
        assert_eq!(
            OrgApi::parse(input).unwrap(),
            OrgApi::production(),
            "{input}"
        );
    }
    let production = OrgApi::production();
    assert_eq!(production.base_url(), "https://api.atlassian.com");
    assert_eq!(production.authority(), "api.atlassian.com");
    assert!(!production.is_loopback());
    assert_eq!(OrgApi::default(), production);

    let local = OrgApi::parse("http://127.0.0.1:8123/").unwrap();
    assert_eq!(local.base_url(), "http://127.0.0.1:8123");
    assert_eq!(local.authority(), "127.0.0.1:8123");
    assert!(local.is_loopback());
    let named = OrgApi::parse("http://localhost:9000").unwrap();
    assert_eq!(named.to_string(), "http://localhost:9000");
}

#[test]
fn every_other_address_is_refused_with_words() {
    for input in [
        "http://api.atlassian.com",
        "https://api.atlassian.com:8443",
        "https://api.atlassian.com/admin",
        "https://api.atlassian.com/?x=1",
        "https://api.atlassian.com/#top",
        "https://api.atlassian.com.evil.com",
        "https://admin.atlassian.com",
        "https://acme.atlassian.net",
        "api.atlassian.com",
        "http://127.0.0.1",
        "https://127.0.0.1:8123",
        "http://10.0.0.1:8123",
        "http://[::1]:8123",
        "ftp://api.atlassian.com",
        "not a url",
    ] {
        let err = OrgApi::parse(input).unwrap_err();
        assert!(matches!(err, OrgError::BadApi(_)), "{input}: {err:?}");
        assert!(
            err.to_string().contains("https://api.atlassian.com"),
            "{input}: {err}"
        );
    }
    // A password in the address is never echoed back.
    let err = OrgApi::parse("https://user:hunter2@api.atlassian.com").unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn endpoints_encode_each_segment_on_its_own() {
    let api = OrgApi::parse("http://127.0.0.1:8123").unwrap();
    let url = api.endpoint(
        &[
            "admin",
            "v2",
            "orgs",
            ID,
            "directories",
            "d/1",
            "users",
            "712020:a?b%c",
        ],
        &[("cursor", "a b&c")],
    );
    assert_eq!(
        url.as_str(),
        format!(
            "http://127.0.0.1:8123/admin/v2/orgs/{ID}/directories/d%2F1/users/712020:a%3Fb%25c?cursor=a+b%26c"
        )
    );
}

#[test]
fn a_bare_id_or_a_pasted_admin_address_gives_the_org_id() {
    assert_eq!(parse_org_id(ID).unwrap(), ID);
    assert_eq!(parse_org_id(&format!("  {ID}\n")).unwrap(), ID);
    for pasted in [
        format!("https://admin.atlassian.com/o/{ID}/users?status=active"),
        format!("https://admin.atlassian.com/o/{ID}"),
        format!("https://admin.atlassian.com/o/{ID}/"),
        format!("admin.atlassian.com/o/{ID}/overview"),
        format!("https://admin.atlassian.com/o/{ID}/user-directories#x"),
    ] {
        assert_eq!(parse_org_id(&pasted).unwrap(), ID, "{pasted}");
    }
    // Short and long ids within 8–64 characters.
    assert_eq!(parse_org_id("a1b2c3d4").unwrap(), "a1b2c3d4");
    let long = format!("{}1", "a".repeat(63));
    assert_eq!(parse_org_id(&long).unwrap(), long);
}

#[test]
fn anything_else_is_refused_with_where_to_find_the_id() {
    for input in [
        "",
        "acme",
        "acme-corporation",
        "a1b2c3d",
        "0a1b2c3d 4e5f",
        "0a1b2c3d_4e5f",
        "-0a1b2c3d4e5f",
        "https://admin.atlassian.com/users",
        "https://admin.atlassian.com/o/",
        "https://admin.atlassian.com/o/acme/users",
        "https://acme.atlassian.net/o/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "https://admin.atlassian.com.evil.com/o/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    ] {
        let err = parse_org_id(input).unwrap_err();
        assert!(matches!(err, OrgError::BadOrgId(_)), "{input}: {err:?}");
        let words = err.to_string();
        assert!(words.contains("admin.atlassian.com"), "{input}: {words}");
        assert!(words.contains("after /o/"), "{input}: {words}");
    }
    assert!(parse_org_id("acme")
        .unwrap_err()
        .to_string()
        .starts_with("'acme' is not an organization id."));
    // An API key pasted into the org id field is not echoed back.
    let key = format!("ATCTT3xFfGN0{}", "Zk9".repeat(60));
    let words = parse_org_id(&key).unwrap_err().to_string();
    assert!(!words.contains("ATCTT3x"), "{words}");
    assert!(words.contains("API key goes in its own field"), "{words}");
}
