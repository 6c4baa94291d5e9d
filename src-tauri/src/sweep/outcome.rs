//! The one outcome every planned row ends in, and the counters over them.

use serde::{Deserialize, Serialize};

/// The final outcome of one row (DESIGN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The user was removed from the site (204, or 404 after an earlier attempt that may have worked).
    Removed,
    /// The user was not on the site (404 on the first attempt).
    AlreadyGone,
    /// Atlassian refused (400), with its message.
    CannotRemove,
    /// Offboard did not try: a protected row (you, an admin), with the reason.
    Skipped,
    /// Tries used up, or the run stopped on rejected credentials; the last error is kept.
    Failed,
    /// The run stopped before this row was tried.
    NotAttempted,
}

impl Outcome {
    /// The name used in results files and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Removed => "removed",
            Outcome::AlreadyGone => "already_gone",
            Outcome::CannotRemove => "cannot_remove",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
            Outcome::NotAttempted => "not_attempted",
        }
    }
}

/// One row's decision, as journalled and reported. In the journal the account id stays (the
/// record is the admin's proof of who was removed), an absent status or empty message is left
/// out, and the time is to the second (named as the results file's column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    /// Index of the row in the plan.
    pub row: usize,
    /// The account id.
    pub account_id: String,
    /// What happened.
    pub outcome: Outcome,
    /// The last HTTP status seen, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Atlassian's message or Offboard's reason, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// When the decision was made (RFC 3339, UTC).
    #[serde(serialize_with = "to_the_second")]
    pub finished_at: String,
    /// A failed row one of whose tries may have reached the site (a lost reply, a 5xx): when a
    /// retry then finds the user gone, that is "removed", not "already gone".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub may_have_applied: bool,
}

/// How many rows ended in each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Rows removed.
    pub removed: u64,
    /// Rows already gone.
    pub already_gone: u64,
    /// Rows Atlassian refused.
    pub cannot_remove: u64,
    /// Protected rows not tried.
    pub skipped: u64,
    /// Rows that failed.
    pub failed: u64,
    /// Rows the run never reached.
    pub not_attempted: u64,
}

impl Counters {
    /// Counts one more row with this outcome.
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Removed => self.removed += 1,
            Outcome::AlreadyGone => self.already_gone += 1,
            Outcome::CannotRemove => self.cannot_remove += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::NotAttempted => self.not_attempted += 1,
        }
    }

    /// Counts one row fewer with this outcome (a failed row reopened for a retry).
    pub fn take(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Removed => &mut self.removed,
            Outcome::AlreadyGone => &mut self.already_gone,
            Outcome::CannotRemove => &mut self.cannot_remove,
            Outcome::Skipped => &mut self.skipped,
            Outcome::Failed => &mut self.failed,
            Outcome::NotAttempted => &mut self.not_attempted,
        };
        *slot = slot.saturating_sub(1);
    }

    /// Rows with any outcome.
    pub fn total(&self) -> u64 {
        self.removed
            + self.already_gone
            + self.cannot_remove
            + self.skipped
            + self.failed
            + self.not_attempted
    }

    /// The one-line summary the CLI prints at the end of a run of `action`, in its words
    /// (`suspended=3 not_in_directory=0 refused=1 ...`; a site removal as [`Self::summary_line`]).
    pub fn summary_line_for(&self, action: super::action::Action) -> String {
        [
            (Outcome::Removed, self.removed),
            (Outcome::AlreadyGone, self.already_gone),
            (Outcome::CannotRemove, self.cannot_remove),
            (Outcome::Skipped, self.skipped),
            (Outcome::Failed, self.failed),
            (Outcome::NotAttempted, self.not_attempted),
        ]
        .iter()
        .map(|(outcome, n)| format!("{}={n}", action.outcome_cell(*outcome)))
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// The one-line summary the CLI prints at the end.
    pub fn summary_line(&self) -> String {
        format!(
            "removed={} already_gone={} cannot_remove={} skipped={} failed={} not_attempted={}",
            self.removed,
            self.already_gone,
            self.cannot_remove,
            self.skipped,
            self.failed,
            self.not_attempted
        )
    }
}

/// The current time as RFC 3339 UTC text, for journal and results.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Now, to the second: when a row was decided, the same in the journal and in the results.
pub fn now_seconds() -> String {
    seconds_only(&now_rfc3339()).into_owned()
}

/// An RFC 3339 time without its fraction of a second (`…T23:59:49.2577Z` → `…T23:59:49Z`);
/// anything else as it is.
pub fn seconds_only(at: &str) -> std::borrow::Cow<'_, str> {
    // `YYYY-MM-DDTHH:MM:SS` is 19 bytes; a fraction follows it as `.` and digits.
    let Some(rest) = at.get(19..).and_then(|r| r.strip_prefix('.')) else {
        return at.into();
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    format!("{}{}", &at[..19], &rest[digits..]).into()
}

/// Serialises a time to the second ([`seconds_only`]): the journal needs no finer, and each of
/// its lines is ten bytes shorter for it.
pub(super) fn to_the_second<S, T>(at: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: AsRef<str>,
{
    s.serialize_str(&seconds_only(at.as_ref()))
}
