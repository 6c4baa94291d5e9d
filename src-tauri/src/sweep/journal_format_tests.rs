//! What the journal and plan.json look like on disk: compact, still words, and files written in
//! the earlier, longer format read exactly as before.

use super::*;
use crate::sweep::outcome::seconds_only;
use crate::sweep::plan::PlanRow;

/// A journal as Offboard wrote it before records were made compact (copied from a run against
/// the practice site): times to the nanosecond, `null` statuses, empty messages,
/// the account id in each intent. The failed line is as that version wrote a row in doubt.
const EARLIER_JOURNAL: &str = r#"{"type":"session","at":"2026-12-01T23:59:49.195745861Z","caller_account_id":"5b10ac8d82e05b22cc7d4ef5","resumed":false}
{"type":"outcome","row":0,"account_id":"5b10ac8d82e05b22cc7d4ef5","outcome":"skipped","http_status":null,"message":"this is your own account: Offboard never removes the account it is signed in with","finished_at":"2026-12-01T23:59:49.196361401Z"}
{"type":"intent","row":5,"account_id":"527797b39e0382235073a4ae","attempt":1,"at":"2026-12-01T23:59:49.257726855Z"}
{"type":"outcome","row":5,"account_id":"527797b39e0382235073a4ae","outcome":"removed","http_status":204,"message":"","finished_at":"2026-12-01T23:59:49.270392293Z"}
{"type":"intent","row":17,"account_id":"712020:cc0a6ca1-4dfe-4a08-bc70-0873bb2aa0f0","attempt":1,"at":"2026-12-01T23:59:49.675135252Z"}
{"type":"intent","row":26,"account_id":"557058:018dcda7-8b60-48fc-9972-46306b3f7771","attempt":1,"at":"2026-12-01T23:59:52.896023643Z"}
{"type":"outcome","row":26,"account_id":"557058:018dcda7-8b60-48fc-9972-46306b3f7771","outcome":"cannot_remove","http_status":400,"message":"The user cannot be removed: it is an app account, managed by the app that created it.","finished_at":"2026-12-01T23:59:52.897687389Z"}
{"type":"intent","row":23,"account_id":"5ad987763c3ddb90123998bf","attempt":1,"at":"2026-12-01T23:59:51.287076957Z"}
{"type":"outcome","row":23,"account_id":"5ad987763c3ddb90123998bf","outcome":"failed","http_status":503,"message":"Atlassian is busy (503)","finished_at":"2026-12-01T23:59:59.129600555Z","may_have_applied":true}
{"type":"finished","at":"2026-12-02T00:01:46.593896739Z","status":"stopped","counters":{"removed":1,"already_gone":0,"cannot_remove":1,"skipped":1,"failed":1,"not_attempted":0}}
{"type":"session","at":"2026-12-02T00:05:00.000000001Z","caller_account_id":"5b10ac8d82e05b22cc7d4ef5","resumed":true,"retry_failed":true}
"#;

fn state_of(journal: &str) -> JournalState {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(JOURNAL_FILE), journal).unwrap();
    let (_, state) = Journal::open(dir.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(JOURNAL_FILE)).unwrap(),
        journal,
        "opening changes nothing"
    );
    state
}

#[test]
fn a_journal_in_the_earlier_format_reads_as_it_always_did() {
    let state = state_of(EARLIER_JOURNAL);
    assert_eq!(state.sessions, 2);
    assert_eq!(state.last_status, None, "the retry session did not finish");
    assert_eq!(
        state.decided.keys().copied().collect::<Vec<_>>(),
        [0, 5, 26],
        "the failed row was reopened by the retry session"
    );
    assert_eq!(
        state.in_doubt.iter().copied().collect::<Vec<_>>(),
        [17, 23],
        "an intent without an outcome, and a failed row whose try may have reached the site"
    );
    let skipped = &state.decided[&0];
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(skipped.http_status, None);
    assert!(skipped.message.starts_with("this is your own account"));
    assert_eq!(skipped.finished_at, "2026-12-01T23:59:49.196361401Z");
    let removed = &state.decided[&5];
    assert_eq!(
        (removed.account_id.as_str(), removed.http_status),
        ("527797b39e0382235073a4ae", Some(204))
    );
    assert_eq!(removed.message, "");
    assert_eq!(state.decided[&26].http_status, Some(400));
    assert_eq!(
        (state.counters.removed, state.counters.cannot_remove),
        (1, 1)
    );
}

#[test]
fn records_are_written_compact_and_to_the_second() {
    let intent = Record::Intent {
        row: 5,
        attempt: 1,
        at: "2026-12-01T23:59:49.257726855Z".into(),
    };
    let removed = Record::Outcome(RowOutcome {
        row: 5,
        account_id: "527797b39e0382235073a4ae".into(),
        outcome: Outcome::Removed,
        http_status: Some(204),
        message: String::new(),
        finished_at: "2026-12-01T23:59:49.270392293Z".into(),
        may_have_applied: false,
    });
    let line = |r: &Record| serde_json::to_string(r).unwrap();
    assert_eq!(
        line(&intent),
        r#"{"type":"intent","row":5,"attempt":1,"at":"2026-12-01T23:59:49Z"}"#
    );
    assert_eq!(
        line(&removed),
        r#"{"type":"outcome","row":5,"account_id":"527797b39e0382235073a4ae","outcome":"removed","http_status":204,"finished_at":"2026-12-01T23:59:49Z"}"#
    );
    let skipped = Record::Outcome(RowOutcome {
        row: 0,
        account_id: "me".into(),
        outcome: Outcome::Skipped,
        http_status: None,
        message: "your own account".into(),
        finished_at: "2026-12-01T23:59:49Z".into(),
        may_have_applied: false,
    });
    assert_eq!(
        line(&skipped),
        r#"{"type":"outcome","row":0,"account_id":"me","outcome":"skipped","message":"your own account","finished_at":"2026-12-01T23:59:49Z"}"#
    );
    // Read back: the same record, the time to the second.
    let back: Record = serde_json::from_str(&line(&removed)).unwrap();
    let Record::Outcome(back) = back else {
        panic!("not an outcome: {back:?}")
    };
    assert_eq!(back.finished_at, "2026-12-01T23:59:49Z");
    assert_eq!((back.http_status, back.message.as_str()), (Some(204), ""));
}

/// The earlier journal's lines written again now.
fn rewritten(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| serde_json::to_string(&serde_json::from_str::<Record>(l).unwrap()).unwrap() + "\n")
        .collect()
}

#[test]
fn the_earlier_journal_rewritten_now_is_shorter_and_says_the_same() {
    let lines: Vec<&str> = EARLIER_JOURNAL.lines().collect();
    // A removed row (its intent and outcome, lines 3 and 4): over a quarter shorter.
    let (then, now) = (
        lines[2].len() + lines[3].len() + 2,
        rewritten(&lines[2..4]).len(),
    );
    assert!(now * 4 <= then * 3, "{now} bytes, was {then}");
    let now = rewritten(&lines);
    assert!(now.len() < EARLIER_JOURNAL.len());
    let (earlier, later) = (state_of(EARLIER_JOURNAL), state_of(&now));
    assert_eq!(
        (&earlier.in_doubt, earlier.sessions, earlier.counters),
        (&later.in_doubt, later.sessions, later.counters)
    );
    for (row, o) in &earlier.decided {
        let mut expected = o.clone();
        expected.finished_at = seconds_only(&o.finished_at).into_owned();
        assert_eq!(later.decided[row], expected);
    }
}

#[test]
fn times_lose_only_their_fraction_of_a_second() {
    for (at, expected) in [
        ("2026-12-01T23:59:49.257726855Z", "2026-12-01T23:59:49Z"),
        ("2026-12-01T23:59:49.5+02:00", "2026-12-01T23:59:49+02:00"),
        ("2026-12-01T23:59:49Z", "2026-12-01T23:59:49Z"),
        ("t", "t"),
        ("", ""),
        ("2026-12-01T23:59:4é", "2026-12-01T23:59:4é"),
    ] {
        assert_eq!(seconds_only(at), expected, "{at}");
    }
}

fn plan() -> Plan {
    let rows = ["a", "b"].map(|id| PlanRow {
        account_id: id.into(),
        name: format!("Name {id}"),
        ..PlanRow::default()
    });
    Plan::new("https://acme.atlassian.net", "admin@example.com", rows)
}

#[test]
fn plan_json_is_one_compact_line_and_reads_back_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = plan();
    let dir = create_run_dir(tmp.path(), &plan).unwrap();
    let text = std::fs::read_to_string(dir.join(PLAN_FILE)).unwrap();
    assert!(!text.contains('\n') && !text.contains(": "), "{text}");
    assert_eq!(read_plan(&dir).unwrap(), plan);
}

#[test]
fn an_indented_plan_json_from_an_earlier_version_still_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = plan();
    std::fs::write(
        tmp.path().join(PLAN_FILE),
        serde_json::to_vec_pretty(&plan).unwrap(),
    )
    .unwrap();
    assert_eq!(read_plan(tmp.path()).unwrap(), plan);
}
