//! The practice clock's knob, on the practice site only (no key needed: it is a practice
//! control, not an Atlassian endpoint): `POST /practice/clock` with `{"advanceDays": N}` moves
//! the clock N days forward and answers `{"advancedDays": <total>}`; `GET /practice/clock`
//! reads the total. The clock starts at 0 days ahead of the computer's (or at
//! `--org-clock-days`), only moves forward, and is remembered across launches with the
//! organization's changes; a pending deletion ends 14 days after it was asked for, on this
//! clock. Requests are recorded like every other; no delay, rate or fault applies.

use super::changes::OrgChange;
use super::errors::OrgRefusal;
use super::lifecycle::MAX_CLOCK_DAYS;
use super::writes::remember;
use crate::practice::reply::{Outcome, Reply};
use crate::practice::state::{RecordedRequest, SiteState};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::Notify;

/// The knob's path.
pub(crate) const CLOCK_PATH: &str = "/practice/clock";

/// True for the paths of the practice site's own knobs.
pub(crate) fn is_knob_path(path: &str) -> bool {
    path == "/practice" || path.starts_with("/practice/")
}

/// Serves one request under `/practice/`.
pub(crate) async fn serve(
    state: Arc<SiteState>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let index = state.arrive(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        account_id: None,
        status: None,
        at_ms: 0,
        authorized_as: None,
        user_agent: parts
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    let body = Limited::new(body, 4096)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .ok();
    let reply = decide(&state, &parts.method, &path, body.as_deref());
    crate::practice::handler::answer(&state, index, None, Outcome::Reply(reply), &kill).await
}

fn decide(state: &SiteState, method: &Method, path: &str, body: Option<&[u8]>) -> Reply {
    let message = |status: u16, text: &str| Reply::json(status, &json!({ "message": text }));
    if path.trim_end_matches('/') != CLOCK_PATH {
        return message(
            404,
            "The practice site has no such knob. POST /practice/clock with {\"advanceDays\": N} \
             moves its clock forward.",
        );
    }
    let total = |days: u32| Reply::json(200, &json!({ "advancedDays": days }));
    match *method {
        Method::GET => {
            let mut live = state.live();
            live.org.settle();
            total(live.org.clock_days)
        }
        Method::POST => match read_days(body) {
            Err(why) => message(400, &why),
            Ok(days) => match advance(state, days, true) {
                Ok(days) => total(days),
                Err(refusal) => message(500, &refusal.to_string()),
            },
        },
        _ => message(
            405,
            "Use POST to move the practice clock, or GET to read it.",
        ),
    }
}

/// `advanceDays` of the body: a whole number of days, 0 or more.
fn read_days(body: Option<&[u8]>) -> Result<u32, String> {
    let usage = "Send {\"advanceDays\": N}, N a whole number of days from 0 to 36500: the \
                 practice clock only moves forward.";
    let value: Value = body
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or_else(|| usage.to_string())?;
    value["advanceDays"]
        .as_u64()
        .filter(|d| *d <= u64::from(MAX_CLOCK_DAYS))
        .map(|d| d as u32)
        .ok_or_else(|| usage.to_string())
}

/// Moves the clock `days` forward (never past 100 years ahead) and ends the grace periods that
/// are over; returns the total. With `must_save`, a change the file cannot hold is refused;
/// without it (`PracticeSite::advance_clock_days`, for tests) it is applied all the same.
pub(crate) fn advance(state: &SiteState, days: u32, must_save: bool) -> Result<u32, OrgRefusal> {
    let mut live = state.live();
    let days = days.min(MAX_CLOCK_DAYS - live.org.clock_days);
    if days > 0 {
        let change = OrgChange::ClockAdvanced(days);
        let saved = remember(state, change, "");
        if must_save {
            saved?;
        }
        live.org.apply(change, "");
    }
    live.org.settle();
    Ok(live.org.clock_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_knob_takes_whole_days_forward_only() {
        assert_eq!(read_days(Some(br#"{"advanceDays": 15}"#)), Ok(15));
        assert_eq!(read_days(Some(br#"{"advanceDays": 0}"#)), Ok(0));
        for bad in [
            &br#"{"advanceDays": -1}"#[..],
            br#"{"advanceDays": 1.5}"#,
            br#"{"advanceDays": "15"}"#,
            br#"{"advanceDays": 36501}"#,
            br#"{"days": 3}"#,
            b"",
        ] {
            assert!(
                read_days(Some(bad)).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(read_days(None).is_err());
        assert!(is_knob_path("/practice/clock") && !is_knob_path("/practices"));
    }
}
