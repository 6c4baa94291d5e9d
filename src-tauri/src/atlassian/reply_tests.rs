use super::*;
use crate::atlassian::TransportKind;
use reqwest::header::{HeaderName, HeaderValue};
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2025-03-01 12:00:00 UTC);

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn verdict(status: u16, pairs: &[(&str, &str)], body: &str) -> Verdict {
    classify(status, &headers(pairs), body, NOW)
}

const COLLECTION: &str =
    r#"{"errorMessages":["The user cannot be removed."],"errors":{"accountId":"is an app user"}}"#;

#[test]
fn success_and_refusals() {
    assert_eq!(verdict(204, &[], ""), Verdict::Done { status: 204 });
    assert_eq!(verdict(200, &[], "{}"), Verdict::Done { status: 200 });
    assert_eq!(
        verdict(400, &[], COLLECTION),
        Verdict::CannotRemove {
            message: "The user cannot be removed.; is an app user".into()
        }
    );
    assert_eq!(
        verdict(400, &[], ""),
        Verdict::CannotRemove {
            message: String::new()
        }
    );
    let not_found = r#"{"errorMessages":["User does not exist."],"errors":{}}"#;
    assert_eq!(
        verdict(404, &[("content-type", "application/json")], not_found),
        Verdict::NotFound {
            message: "User does not exist.".into()
        }
    );
    assert_eq!(
        verdict(404, &[], ""),
        Verdict::NotFound {
            message: String::new()
        }
    );
}

#[test]
fn credentials_problems_explain_themselves() {
    let Verdict::Unauthorized { message } = verdict(401, &[], "") else {
        panic!("401 not Unauthorized");
    };
    assert!(message.contains("email or API token"), "{message}");
    let Verdict::Forbidden { message } = verdict(403, &[], COLLECTION) else {
        panic!("403 not Forbidden");
    };
    assert!(message.contains("site-admins"), "{message}");
    assert!(message.contains("The user cannot be removed."), "{message}");
}

#[test]
fn a_delete_refused_for_a_scoped_or_expired_token_says_so() {
    let scoped = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;
    let Verdict::Unauthorized { message } = verdict(401, &[], scoped) else {
        panic!("401 not Unauthorized");
    };
    assert!(message.contains("token with scopes"), "{message}");
    assert!(message.contains("\"Create API token\""), "{message}");
    assert!(
        message.ends_with("Atlassian said: Unauthorized; scope does not match"),
        "{message}"
    );
    let expired = r#"{"errorMessages":["The API token has expired."],"errors":{}}"#;
    let Verdict::Unauthorized { message } = verdict(401, &[], expired) else {
        panic!("401 not Unauthorized");
    };
    assert!(message.contains("because it has expired"), "{message}");
    // The plain 401 names expiry as a likely cause, with the page that makes a new token.
    let Verdict::Unauthorized { message } = verdict(401, &[], "") else {
        panic!("401 not Unauthorized");
    };
    assert!(message.contains("probably expired"), "{message}");
    assert!(
        message.contains("id.atlassian.com/manage-profile/security/api-tokens"),
        "{message}"
    );
}

#[test]
fn rate_limits_and_server_errors() {
    let v = verdict(
        429,
        &[
            ("retry-after", "7"),
            ("ratelimit-reason", "jira-burst-based"),
        ],
        "",
    );
    let Verdict::RateLimited { status: 429, info } = &v else {
        panic!("{v:?}");
    };
    assert_eq!(info.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(info.reason.as_deref(), Some("jira-burst-based"));
    assert!(!info.is_quota());
    assert_eq!(v.retry_after(), Some(Duration::from_secs(7)));
    // 429 without any header is still a rate limit; the engine falls back to backoff.
    let v = verdict(429, &[], "<html>Too many</html>");
    assert!(
        matches!(&v, Verdict::RateLimited { status: 429, info } if *info == RateLimitInfo::default())
    );

    let v = verdict(503, &[("retry-after", "3")], "");
    assert!(
        matches!(&v, Verdict::RateLimited { status: 503, .. }),
        "{v:?}"
    );
    for (status, pairs) in [
        (503, &[][..]),
        (503, &[("retry-after", "soon")][..]),
        (500, &[("retry-after", "3")][..]),
        (502, &[][..]),
        (504, &[][..]),
    ] {
        let v = verdict(status, pairs, "<html><title>Bad gateway</title></html>");
        let Verdict::ServerError { status: s, message } = &v else {
            panic!("{status}: {v:?}");
        };
        assert_eq!(*s, status);
        assert!(message.contains(&format!("HTTP {status}")), "{message}");
        assert!(message.contains("Bad gateway"), "{message}");
        assert!(v.may_have_applied());
    }
}

#[test]
fn redirects_web_pages_and_oddities_are_unexpected() {
    let v = verdict(
        302,
        &[("location", "https://evil.example/login?token=abc")],
        "",
    );
    let Verdict::Unexpected {
        status: 302,
        message,
    } = &v
    else {
        panic!("{v:?}");
    };
    assert!(message.contains("redirected"), "{message}");
    assert!(message.contains("evil.example"), "{message}");
    assert!(!message.contains("token=abc"), "{message}");

    let page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>x</body></html>";
    for status in [200, 204, 404] {
        let v = verdict(status, &[("content-type", "text/html")], page);
        let Verdict::Unexpected { message, .. } = &v else {
            panic!("{status}: {v:?}");
        };
        assert!(
            message.contains("web page") && message.contains("Sign in"),
            "{message}"
        );
        assert_eq!(v.http_status(), Some(status));
    }
    // A content type alone marks a page, even with an empty body.
    assert!(matches!(
        verdict(200, &[("content-type", "text/html; charset=utf-8")], ""),
        Verdict::Unexpected { status: 200, .. }
    ));
    for status in [100, 301, 405, 409, 410, 418, 600] {
        let v = verdict(status, &[], "");
        assert!(
            matches!(v, Verdict::Unexpected { status: s, .. } if s == status),
            "{status}"
        );
        assert!(!v.may_have_applied());
    }
    assert_ne!(
        verdict(204, &[], ""),
        Verdict::Transport {
            kind: TransportKind::Connect,
            message: String::new()
        }
    );
}

#[test]
fn retry_after_forms() {
    let info = |pairs: &[(&str, &str)]| RateLimitInfo::from_headers(&headers(pairs), NOW);
    assert_eq!(
        info(&[("retry-after", " 5 ")]).retry_after,
        Some(Duration::from_secs(5))
    );
    assert_eq!(
        info(&[("retry-after", "1.5")]).retry_after,
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        info(&[("retry-after", "0")]).retry_after,
        Some(Duration::ZERO)
    );
    assert_eq!(
        info(&[("retry-after", "-30")]).retry_after,
        Some(Duration::ZERO)
    );
    assert_eq!(
        info(&[("retry-after", "999999999")]).retry_after,
        Some(RateLimitInfo::MAX_WAIT)
    );
    assert_eq!(info(&[("retry-after", "NaN")]).retry_after, None);
    assert_eq!(info(&[("retry-after", "")]).retry_after, None);
    assert_eq!(info(&[("retry-after", "later")]).retry_after, None);
    assert_eq!(
        info(&[("retry-after", "Sat, 01 Mar 2025 12:00:42 GMT")]).retry_after,
        Some(Duration::from_secs(42))
    );
    assert_eq!(
        info(&[("retry-after", "Sat, 01 Mar 2025 11:00:00 GMT")]).retry_after,
        Some(Duration::ZERO)
    );
    assert_eq!(
        info(&[("retry-after", "Sat, 01 Mar 2031 11:00:00 GMT")]).retry_after,
        Some(RateLimitInfo::MAX_WAIT)
    );
}

#[test]
fn reset_limit_remaining_near_limit_and_reason() {
    let info = RateLimitInfo::from_headers(
        &headers(&[
            ("x-ratelimit-reset", "2025-03-01T12:01:30Z"),
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-nearlimit", "TRUE"),
            ("ratelimit-reason", "jira-quota-tenant-based"),
        ]),
        NOW,
    );
    assert_eq!(info.retry_after, None);
    assert_eq!(info.until_reset, Some(Duration::from_secs(90)));
    assert_eq!(info.wait_hint(), Some(Duration::from_secs(90)));
    assert_eq!(info.limit, Some(100));
    assert_eq!(info.remaining, Some(0));
    assert!(info.near_limit);
    assert!(info.is_quota());

    let reset = |v: &str| {
        RateLimitInfo::from_headers(&headers(&[("x-ratelimit-reset", v)]), NOW).until_reset
    };
    assert_eq!(reset("2025-03-01T12:01Z"), Some(Duration::from_secs(60)));
    assert_eq!(
        reset("2025-03-01T13:00:10+01:00"),
        Some(Duration::from_secs(10))
    );
    assert_eq!(reset("2025-03-01T11:00:00Z"), Some(Duration::ZERO));
    assert_eq!(reset("2030-01-01T00:00:00Z"), Some(RateLimitInfo::MAX_WAIT));
    assert_eq!(reset("20"), Some(Duration::from_secs(20)));
    let epoch = (NOW.unix_timestamp() + 15).to_string();
    assert_eq!(reset(&epoch), Some(Duration::from_secs(15)));
    assert_eq!(reset("tomorrow"), None);

    // Retry-After wins over the reset time.
    let both = RateLimitInfo::from_headers(
        &headers(&[
            ("retry-after", "2"),
            ("x-ratelimit-reset", "2025-03-01T12:01:00Z"),
        ]),
        NOW,
    );
    assert_eq!(both.wait_hint(), Some(Duration::from_secs(2)));

    let odd = RateLimitInfo::from_headers(
        &headers(&[
            ("x-ratelimit-limit", "-1"),
            ("x-ratelimit-remaining", "lots"),
            ("x-ratelimit-nearlimit", "false"),
            ("ratelimit-reason", "   "),
        ]),
        NOW,
    );
    assert_eq!(odd, RateLimitInfo::default());
    let long = "r".repeat(500);
    let capped = RateLimitInfo::from_headers(&headers(&[("ratelimit-reason", &long)]), NOW);
    assert!(capped.reason.unwrap().chars().count() <= 101);
}

#[test]
fn error_messages_from_every_kind_of_body() {
    assert_eq!(parse_error_messages(""), "");
    assert_eq!(parse_error_messages("  \n "), "");
    assert_eq!(
        parse_error_messages(r#"{"errorMessages":[],"errors":{}}"#),
        ""
    );
    assert_eq!(
        parse_error_messages(COLLECTION),
        "The user cannot be removed.; is an app user"
    );
    assert_eq!(
        parse_error_messages(r#"{"errorMessages":["same","same"],"errors":{"a":"two\nlines"}}"#),
        "same; two lines"
    );
    assert_eq!(
        parse_error_messages(r#"{"message":"Client must be authenticated","status-code":401}"#),
        "Client must be authenticated"
    );
    assert_eq!(parse_error_messages(r#""just a string""#), "just a string");
    assert_eq!(parse_error_messages(r#"{"errorMessages":[42]}"#), "42");
    assert_eq!(parse_error_messages(r#"{"other":1}"#), r#"{"other":1}"#);
    assert_eq!(
        parse_error_messages("Service Unavailable"),
        "Service Unavailable"
    );
    assert_eq!(parse_error_messages("{not json"), "{not json");

    let page = "<html><head><style>body{color:red}</style><script>alert('x')</script></head>\
                <body><h1>Oops &amp; sorry</h1>\n<p>Try   later</p></body></html>";
    assert_eq!(parse_error_messages(page), "Oops & sorry Try later");
    let titled = "<HTML><TITLE>502 Bad Gateway</TITLE><BODY>nginx</BODY></HTML>";
    assert_eq!(parse_error_messages(titled), "502 Bad Gateway");
    assert_eq!(parse_error_messages("<p>unclosed <b"), "unclosed");
    assert_eq!(parse_error_messages("<script>never closed"), "");

    let long = format!("<p>{}</p>", "é".repeat(5000));
    let text = parse_error_messages(&long);
    assert_eq!(text.chars().count(), 201);
    assert!(text.ends_with('…'));
    let many = format!(r#"{{"errorMessages":["{}"]}}"#, "m".repeat(2000));
    assert_eq!(parse_error_messages(&many).chars().count(), 501);
}

#[test]
fn a_zero_or_past_wait_is_no_hint() {
    let hint =
        |pairs: &[(&str, &str)]| RateLimitInfo::from_headers(&headers(pairs), NOW).wait_hint();
    assert_eq!(hint(&[("retry-after", "0")]), None);
    assert_eq!(hint(&[("retry-after", "-5")]), None);
    assert_eq!(hint(&[("x-ratelimit-reset", "2025-03-01T11:59:00Z")]), None);
    assert_eq!(hint(&[("x-ratelimit-reset", "0")]), None);
    // A zero Retry-After leaves the reset, when that is still ahead, to say how long.
    assert_eq!(
        hint(&[
            ("retry-after", "0"),
            ("x-ratelimit-reset", "2025-03-01T12:00:08Z")
        ]),
        Some(Duration::from_secs(8))
    );
}

#[test]
fn reset_epochs_in_seconds_or_milliseconds_and_the_five_minute_cap() {
    let reset = |v: String| {
        RateLimitInfo::from_headers(&headers(&[("x-ratelimit-reset", &v)]), NOW).until_reset
    };
    let at = NOW.unix_timestamp() + 15;
    assert_eq!(reset(at.to_string()), Some(Duration::from_secs(15)));
    assert_eq!(
        reset((at * 1000 + 500).to_string()),
        Some(Duration::from_millis(15_500))
    );
    assert_eq!(
        reset((at * 1000 - 60_000).to_string()),
        Some(Duration::ZERO)
    );
    assert_eq!(RateLimitInfo::MAX_WAIT, Duration::from_secs(300));
    assert_eq!(
        reset((at * 1000 + 3_600_000).to_string()),
        Some(RateLimitInfo::MAX_WAIT)
    );
    let after =
        |v: &str| RateLimitInfo::from_headers(&headers(&[("retry-after", v)]), NOW).retry_after;
    assert_eq!(after("3600"), Some(RateLimitInfo::MAX_WAIT));
    assert_eq!(after("299"), Some(Duration::from_secs(299)));
}

#[test]
fn a_reply_near_the_limit_carries_the_hint_whatever_it_says() {
    let near = [("x-ratelimit-nearlimit", "true")];
    assert_eq!(
        verdict(204, &near, ""),
        Verdict::NearLimit(Box::new(Verdict::Done { status: 204 }))
    );
    let low = [
        ("x-ratelimit-limit", "100"),
        ("x-ratelimit-remaining", "19"),
    ];
    let v = verdict(404, &low, "");
    assert!(v.near_limit(), "{v:?}");
    assert_eq!(
        v.answer(),
        &Verdict::NotFound {
            message: String::new()
        }
    );
    assert_eq!(v.http_status(), Some(404));
    let v = verdict(500, &low, "");
    assert!(v.near_limit() && v.may_have_applied(), "{v:?}");
    // A fifth or more left, an unknown limit, or no hint at all: a plain reply.
    for pairs in [
        &[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "20"),
        ][..],
        &[("x-ratelimit-remaining", "0")][..],
        &[("x-ratelimit-limit", "0"), ("x-ratelimit-remaining", "0")][..],
        &[("x-ratelimit-nearlimit", "false")][..],
        &[][..],
    ] {
        assert_eq!(
            verdict(204, pairs, ""),
            Verdict::Done { status: 204 },
            "{pairs:?}"
        );
    }
    // Replies that already stop or slow the run stay as they are.
    assert!(matches!(
        verdict(429, &near, ""),
        Verdict::RateLimited { .. }
    ));
    assert!(matches!(
        verdict(401, &near, ""),
        Verdict::Unauthorized { .. }
    ));
    assert!(matches!(verdict(403, &low, ""), Verdict::Forbidden { .. }));
}

#[test]
fn only_a_reply_that_may_follow_the_sites_action_leaves_doubt() {
    assert!(verdict(503, &[("retry-after", "3")], "").may_have_applied());
    assert!(verdict(502, &[], "").may_have_applied());
    for status in [429, 401, 403, 400, 404] {
        assert!(
            !verdict(status, &[("retry-after", "3")], "").may_have_applied(),
            "{status}"
        );
    }
}
