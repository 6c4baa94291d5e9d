//! The gateway in front of the practice organization: the Bearer key, and the token bucket
//! every organization request draws from (the admin API limits by request count, ORG-API.md
//! §7). Every accepted reply carries `X-RateLimit-Limit`, `-Remaining` and `-Reset`, as
//! Atlassian documents; a 429 adds `Retry-After` unless the site is set to leave it out.

use super::errors::{ApiGen, OrgRefusal};
use crate::practice::bucket::TokenBucket;
use crate::practice::reply::Reply;
use crate::practice::PracticeConfig;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Which key opened the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrgKey {
    /// The key without scopes: reads and writes.
    Full,
    /// The key created with scopes: reads only.
    Scoped,
}

/// The key of an `Authorization: Bearer …` header, when it is one of the organization's.
pub(crate) fn key_of(config: &PracticeConfig, authorization: Option<&str>) -> Option<OrgKey> {
    let (scheme, key) = authorization?.trim().split_once(' ')?;
    let key = key.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || key.is_empty() {
        return None;
    }
    if key == config.org_api_key {
        Some(OrgKey::Full)
    } else if config.scoped_org_key.as_deref() == Some(key) {
        Some(OrgKey::Scoped)
    } else {
        None
    }
}

/// The rate-limit headers of one accepted request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pace {
    limit: u32,
    remaining: u32,
    reset: String,
}

impl Pace {
    /// The reply with this pace's headers.
    pub(crate) fn stamp(&self, reply: Reply) -> Reply {
        reply
            .with_header("x-ratelimit-limit", self.limit.to_string())
            .with_header("x-ratelimit-remaining", self.remaining.to_string())
            .with_header("x-ratelimit-reset", self.reset.clone())
    }
}

/// Takes one token: `Ok(None)` without a limit, `Ok(Some(pace))` when allowed, or the 429.
pub(crate) fn take(
    config: &PracticeConfig,
    bucket: Option<&mut TokenBucket>,
    api: ApiGen,
) -> Result<Option<Pace>, Reply> {
    let Some(bucket) = bucket else {
        return Ok(None);
    };
    match bucket.try_take(tokio::time::Instant::now()) {
        Some(left) => Ok(Some(Pace {
            limit: bucket.capacity(),
            remaining: left.floor() as u32,
            reset: reset_after(bucket.until_full()),
        })),
        None => {
            let wait = bucket.until_one();
            let pace = Pace {
                limit: bucket.capacity(),
                remaining: 0,
                reset: reset_after(wait),
            };
            let mut reply = pace.stamp(OrgRefusal::RateLimited.reply(api));
            if config.org_retry_after {
                // Whole seconds, rounded up, so a client that waits them finds a token.
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                reply = reply.with_header("retry-after", secs.max(1).to_string());
            }
            Err(reply)
        }
    }
}

/// ISO 8601 UTC with seconds (`2026-12-01T10:00:05Z`), rounded up to the next whole second so
/// waiting until then is always enough.
fn reset_after(wait: Duration) -> String {
    let at = OffsetDateTime::now_utc() + wait;
    let whole = at.replace_nanosecond(0).unwrap_or(at);
    let at = if whole < at {
        whole + Duration::from_secs(1)
    } else {
        whole
    };
    at.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn only_bearer_keys_of_the_organization_open_it() {
        let config = PracticeConfig {
            scoped_org_key: Some("scoped-key".into()),
            ..PracticeConfig::default()
        };
        let key = |h: &str| key_of(&config, Some(h));
        assert_eq!(key("Bearer practice-org-key"), Some(OrgKey::Full));
        assert_eq!(key("bearer  practice-org-key "), Some(OrgKey::Full));
        assert_eq!(key("Bearer scoped-key"), Some(OrgKey::Scoped));
        assert_eq!(key("Bearer other"), None);
        assert_eq!(key("Basic practice-org-key"), None);
        assert_eq!(key("Bearer "), None);
        assert_eq!(key_of(&config, None), None);
        assert_eq!(
            key_of(&PracticeConfig::default(), Some("Bearer scoped-key")),
            None
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_says_when_to_come_back_with_or_without_retry_after() {
        let mut config = PracticeConfig::default();
        let now = tokio::time::Instant::now();
        let mut bucket = TokenBucket::new(0.5, 1, now);
        let ok = take(&config, Some(&mut bucket), ApiGen::V2)
            .unwrap()
            .unwrap();
        let stamped = ok.stamp(Reply::empty(204));
        assert_eq!(header(&stamped, "x-ratelimit-limit"), Some("1"));
        assert_eq!(header(&stamped, "x-ratelimit-remaining"), Some("0"));
        let refused = take(&config, Some(&mut bucket), ApiGen::V2).unwrap_err();
        assert_eq!(refused.status, 429);
        assert_eq!(header(&refused, "retry-after"), Some("2"));
        let reset = header(&refused, "x-ratelimit-reset").unwrap();
        let reset = OffsetDateTime::parse(reset, &Rfc3339).unwrap();
        assert_eq!(reset.nanosecond(), 0, "whole seconds");
        let ahead = reset - OffsetDateTime::now_utc();
        assert!(ahead > time::Duration::seconds(1) && ahead <= time::Duration::seconds(3));
        config.org_retry_after = false;
        let refused = take(&config, Some(&mut bucket), ApiGen::V1).unwrap_err();
        assert_eq!(header(&refused, "retry-after"), None);
        assert!(header(&refused, "x-ratelimit-reset").is_some());
        assert!(
            refused.body.contains("\"code\":429"),
            "v1: {}",
            refused.body
        );
        assert_eq!(take(&config, None, ApiGen::V2), Ok(None));
    }
}
