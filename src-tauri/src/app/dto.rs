//! The shapes the page receives (docs/window-contract.md), camelCase, built from the core's types.

use crate::roster::{Roster, SeenDate, NO_ADMIN_INFO_WARNING};
use crate::sweep::{Counters, Event, PreflightReport, RunSummaryInfo};
use serde::Serialize;
use std::path::Path;

/// Outcome counts, as the page names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountersDto {
    /// Removed.
    pub removed: u64,
    /// Already gone.
    pub already_gone: u64,
    /// Refused by Atlassian.
    pub cannot_remove: u64,
    /// Protected, not tried.
    pub skipped: u64,
    /// Failed.
    pub failed: u64,
    /// Not attempted (stopped before).
    pub not_attempted: u64,
}

impl From<Counters> for CountersDto {
    fn from(c: Counters) -> Self {
        CountersDto {
            removed: c.removed,
            already_gone: c.already_gone,
            cannot_remove: c.cannot_remove,
            skipped: c.skipped,
            failed: c.failed,
            not_attempted: c.not_attempted,
        }
    }
}

/// One run event on the run's channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(rename_all_fields = "camelCase")]
pub enum RunEvent {
    /// The run began or resumed.
    Started {
        run_id: String,
        total: u64,
        already_decided: u64,
    },
    /// Rows decided since the last event, in the order decided, each by its plan index: one
    /// event a few times a second rather than one a row (see `state::run_stream` for why).
    Rows { rows: Vec<DecidedDto> },
    /// A row will be tried again.
    Retrying {
        row: usize,
        attempt: u32,
        delay_ms: u64,
        reason: String,
    },
    /// Atlassian asked us to wait.
    Throttled {
        wait_ms: u64,
        reason: Option<String>,
        status: u16,
    },
    /// The pace changed.
    Pace { rate_per_sec: f64 },
    /// Counts and estimate.
    Progress {
        counters: CountersDto,
        done: u64,
        total: u64,
        eta_secs: Option<f64>,
    },
    /// Paused or running again.
    Paused { paused: bool },
    /// The run ended.
    Finished {
        status: crate::sweep::RunStatus,
        counters: CountersDto,
        message: String,
    },
    /// The run could not go on (journal unwritable); it can be resumed.
    Error { message: String },
    /// The window let go of the run (after its last event): the history may list it as
    /// finished now, with what a finished run offers.
    Released,
    /// The rows reported gone, looked up again after the run.
    Verified {
        gone: u64,
        still_present: Vec<String>,
        not_checked: u64,
        message: String,
    },
}

impl From<Event> for RunEvent {
    fn from(e: Event) -> Self {
        match e {
            Event::Started {
                run_id,
                total,
                already_decided,
            } => RunEvent::Started {
                run_id,
                total,
                already_decided,
            },
            Event::Row {
                row,
                outcome,
                http_status,
                message,
                ..
            } => RunEvent::Rows {
                // `state::run_stream` gathers rows and trims repeated messages itself.
                rows: vec![DecidedDto {
                    row,
                    outcome: outcome.as_str(),
                    http_status,
                    message: Some(message),
                }],
            },
            Event::Retrying {
                row,
                attempt,
                delay_ms,
                reason,
            } => RunEvent::Retrying {
                row,
                attempt,
                delay_ms,
                reason,
            },
            Event::Throttled {
                wait_ms,
                reason,
                status,
            } => RunEvent::Throttled {
                wait_ms,
                reason,
                status,
            },
            Event::Pace { rate_per_sec } => RunEvent::Pace { rate_per_sec },
            Event::Progress {
                counters,
                done,
                total,
                eta_secs,
            } => RunEvent::Progress {
                counters: counters.into(),
                done,
                total,
                eta_secs,
            },
            Event::Paused { paused } => RunEvent::Paused { paused },
            Event::Finished {
                status,
                counters,
                message,
            } => RunEvent::Finished {
                status,
                counters: counters.into(),
                message,
            },
            Event::Verified {
                gone,
                still_present,
                not_checked,
                message,
            } => RunEvent::Verified {
                gone,
                still_present,
                not_checked,
                message,
            },
        }
    }
}

/// The import summary.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummaryDto {
    rows_read: u64,
    users: u64,
    duplicates_merged: u64,
    encoding: String,
    delimiter: String,
    key_column: String,
    skipped: Vec<SkippedDto>,
    protection: ProtectionDto,
    admin_warning: Option<String>,
    unreadable_dates: u64,
}

/// Which protective information the export carries.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionDto {
    org_role_column: bool,
    group_columns: bool,
    admins_in_file: u64,
    has_admin_info: bool,
    words: String,
}

/// A skipped row.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedDto {
    line: u64,
    reason: String,
}

/// The users, one array per column; products and groups as indices into name lists, since a
/// few dozen names repeat over 100,000 rows (this halves what crosses to the page).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserColumns {
    id: Vec<String>,
    name: Vec<String>,
    email: Vec<String>,
    status: Vec<String>,
    org_role: Vec<String>,
    admin: Vec<String>,
    /// `YYYY-MM-DD` (latest across products), `never`, or `unreadable`.
    last_seen: Vec<String>,
    products: Vec<Vec<u32>>,
    groups: Vec<Vec<u32>>,
    product_names: Vec<String>,
    group_names: Vec<String>,
}

/// Numbers distinct names in order of first appearance.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Names {
    fn code(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }
}

/// An imported export, as the Choose step shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportDto {
    path: String,
    file_name: String,
    summary: ImportSummaryDto,
    users: UserColumns,
}

impl ImportDto {
    /// Builds the page's view of a roster read from `path`.
    pub fn new(path: &Path, roster: &Roster) -> Self {
        let s = &roster.summary;
        let mut cols = UserColumns::default();
        let (mut products, mut groups) = (Names::default(), Names::default());
        for u in &roster.users {
            cols.id.push(u.account_id.clone());
            cols.name.push(u.name.clone());
            cols.email.push(u.email.clone());
            cols.status.push(u.status.clone());
            cols.org_role.push(u.org_role.clone());
            cols.admin.push(u.admin.clone().unwrap_or_default());
            cols.last_seen.push(match u.last_active {
                SeenDate::Never => "never".to_owned(),
                SeenDate::Unreadable => "unreadable".to_owned(),
                date => date.iso().unwrap_or_default(),
            });
            cols.products.push(
                u.products
                    .iter()
                    .filter(|(_, role)| !role.trim().is_empty())
                    .map(|(p, _)| products.code(p))
                    .collect(),
            );
            cols.groups
                .push(u.groups.iter().map(|g| groups.code(g)).collect());
        }
        cols.product_names = products.list;
        cols.group_names = groups.list;
        ImportDto {
            path: path.display().to_string(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            summary: ImportSummaryDto {
                rows_read: s.rows_read,
                users: s.users,
                duplicates_merged: s.duplicates_merged,
                encoding: s.encoding.clone(),
                delimiter: s.delimiter.clone(),
                key_column: s.key_column.clone(),
                protection: ProtectionDto {
                    org_role_column: s.protection.org_role_column,
                    group_columns: s.protection.group_columns,
                    admins_in_file: s.protection.admins_in_file,
                    has_admin_info: s.protection.has_admin_info(),
                    words: s.protection.describe(),
                },
                admin_warning: (!s.protection.has_admin_info())
                    .then(|| NO_ADMIN_INFO_WARNING.to_owned()),
                unreadable_dates: s.unreadable_dates,
                skipped: s
                    .skipped
                    .iter()
                    .map(|k| SkippedDto {
                        line: k.line,
                        reason: k.reason.clone(),
                    })
                    .collect(),
            },
            users: cols,
        }
    }
}

/// The dry run's findings, compact: the page holds the plan's rows already (the selection, in
/// file order), so only the counts cross, and the rows that are not a plain "exists" by their
/// index in the plan. No account id and no name of an existing account crosses back.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightDto {
    /// The plan this dry run describes.
    pub plan_id: String,
    exists: u64,
    already_gone: u64,
    app_accounts: u64,
    customer_accounts: u64,
    protected: u64,
    /// In plan order.
    notable: Vec<PreflightRowDto>,
}

/// A row of the dry run that is not a plain "exists", as `[row, code]` or, when it has one,
/// `[row, code, detail]` (the site's display name of an app or customer account, or why a row
/// is protected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightRowDto {
    row: usize,
    presence: crate::sweep::Presence,
    detail: String,
}

/// The one-letter code of a presence in [`PreflightRowDto`] (`exists` is never sent).
fn presence_code(p: crate::sweep::Presence) -> &'static str {
    use crate::sweep::Presence as P;
    match p {
        P::Exists => "e",
        P::AlreadyGone => "g",
        P::AppAccount => "a",
        P::CustomerAccount => "c",
        P::Protected => "p",
    }
}

impl Serialize for PreflightRowDto {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let with_detail = !self.detail.is_empty();
        let mut t = s.serialize_tuple(if with_detail { 3 } else { 2 })?;
        t.serialize_element(&self.row)?;
        t.serialize_element(presence_code(self.presence))?;
        if with_detail {
            t.serialize_element(&self.detail)?;
        }
        t.end()
    }
}

impl PreflightDto {
    /// The page's view of the dry run of plan `plan_id`.
    pub fn new(plan_id: &str, r: PreflightReport) -> Self {
        PreflightDto {
            plan_id: plan_id.to_owned(),
            exists: r.exists,
            already_gone: r.already_gone,
            app_accounts: r.app_accounts,
            customer_accounts: r.customer_accounts,
            protected: r.protected,
            notable: r
                .rows
                .into_iter()
                .filter(|row| row.presence != crate::sweep::Presence::Exists)
                .map(|row| PreflightRowDto {
                    row: row.row,
                    presence: row.presence,
                    detail: row.detail,
                })
                .collect(),
        }
    }
}

/// The plan's rows, one array per column (as `UserColumns`), sent only to a page that does not
/// hold them already (`RunStarted.rows`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunRowsDto {
    /// The account ids, in plan order.
    pub id: Vec<String>,
    /// The names from the export or directory.
    pub name: Vec<String>,
    /// The emails.
    pub email: Vec<String>,
}

/// A row decided by an earlier session of the run, named by its plan index; the message is left
/// out when it is the same as the previous entry's of the same outcome (as in `RunEvent::Rows`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecidedDto {
    /// The plan row.
    pub row: usize,
    /// What happened.
    pub outcome: &'static str,
    /// The last HTTP status seen, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The words, unless the same as the previous entry's of this outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A run that has just started (or resumed).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunStartedDto {
    /// The run id.
    pub run_id: String,
    /// Rows in the plan.
    pub total: usize,
    /// The site.
    pub site: String,
    /// The plan's rows; `None` when the page said it holds them already.
    pub rows: Option<RunRowsDto>,
    /// Rows decided before this session (none for a new run).
    pub decided: Vec<DecidedDto>,
}

/// A run in the history list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummaryDto {
    run_id: String,
    created_at: String,
    site: String,
    email: String,
    rows: usize,
    counters: CountersDto,
    /// Rows decided so far (the counters also count undecided rows, as not attempted).
    decided: usize,
    /// Why the run cannot be read or resumed (a damaged journal).
    problem: Option<String>,
    last_status: Option<crate::sweep::RunStatus>,
    resumable: bool,
    cut_short: bool,
    source_file: Option<String>,
    active: bool,
    running_elsewhere: bool,
    /// A one-row rehearsal rather than a run.
    rehearsal: bool,
    /// Made on the practice site (resumed on the practice site running now).
    practice: bool,
    /// Undecided rows a later run on the same site decided as removed or already gone.
    superseded: usize,
    /// When each of those later runs was planned, newest first.
    superseded_by: Vec<String>,
    /// What the run did to each account (`site_remove` for runs made before organization mode).
    action: crate::sweep::Action,
    /// The action's short title ("Suspend access").
    action_title: &'static str,
    /// The organization (organization mode only).
    org_name: Option<String>,
    /// The action that undoes this finished run, if it did something to undo: "restore" after
    /// a suspend, "reactivate" after a deactivate, "cancel_delete" after a delete-account run
    /// while its deletions can still be cancelled (the history's undo buttons).
    undo: Option<&'static str>,
    /// For a delete-account run: until when its deletions can be cancelled (RFC 3339).
    undo_until: Option<String>,
}

impl RunSummaryDto {
    /// The page's view of a run; `active` when this window is running it now.
    pub fn new(info: RunSummaryInfo, active: bool) -> Self {
        // Offered once a session of the run ended (not while it goes on, nor after a crash,
        // when the journal may not hold every write yet).
        let undo = info
            .undo()
            .filter(|_| !active && info.last_status.is_some())
            .map(|a| a.as_str());
        let undo_until = info.undo_until().filter(|_| undo.is_some()).and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
        RunSummaryDto {
            undo,
            undo_until,
            action: info.action,
            action_title: info.action.title(),
            org_name: info.org_name.clone(),
            // A run whose every undecided row a later run removed has nothing left to resume.
            cut_short: info.resumable
                && info.last_status.is_none()
                && !active
                && !info.running_elsewhere
                && info.superseded < info.undecided(),
            running_elsewhere: info.running_elsewhere && !active,
            run_id: info.run_id,
            created_at: info.created_at,
            site: info.site,
            email: info.email,
            rows: info.rows,
            counters: info.counters.into(),
            decided: info.decided,
            problem: info.problem,
            last_status: info.last_status,
            resumable: info.resumable,
            source_file: info.source_file,
            active,
            rehearsal: info.rehearsal,
            practice: info.practice,
            superseded: info.superseded,
            superseded_by: info.superseded_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_and_camel_cased() {
        let json = serde_json::to_value(RunEvent::from(Event::Throttled {
            wait_ms: 1500,
            reason: None,
            status: 429,
        }))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "throttled", "waitMs": 1500, "reason": null, "status": 429})
        );
        let json = serde_json::to_value(RunEvent::from(Event::Row {
            row: 3,
            account_id: "abc".into(),
            outcome: crate::sweep::Outcome::AlreadyGone,
            http_status: Some(404),
            message: "gone".into(),
        }))
        .unwrap();
        // The page holds the row's account id: only its index crosses.
        assert_eq!(
            json,
            serde_json::json!({"type": "rows", "rows": [{"row": 3, "outcome": "already_gone",
                               "httpStatus": 404, "message": "gone"}]})
        );
        let json = serde_json::to_value(RunEvent::Rows {
            rows: vec![DecidedDto {
                row: 4,
                outcome: "removed",
                http_status: None,
                message: None,
            }],
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "rows", "rows": [{"row": 4, "outcome": "removed"}]})
        );
    }

    #[test]
    fn a_dry_run_sends_counts_and_only_its_notable_rows_by_plan_index() {
        use crate::sweep::{PreflightRow, Presence};
        let row = |i: usize, presence, detail: &str| PreflightRow {
            row: i,
            account_id: format!("acct-{i}"),
            presence,
            detail: detail.into(),
        };
        let report = PreflightReport {
            rows: vec![
                row(0, Presence::Exists, "Ann Example"),
                row(1, Presence::AlreadyGone, ""),
                row(2, Presence::Exists, "Bo Example"),
                row(3, Presence::AppAccount, "Jira Bot"),
                row(4, Presence::CustomerAccount, "Cy Customer"),
                row(5, Presence::Protected, "you"),
            ],
            exists: 2,
            already_gone: 1,
            app_accounts: 1,
            customer_accounts: 1,
            protected: 1,
        };
        let json = serde_json::to_string(&PreflightDto::new("p-1", report)).unwrap();
        assert_eq!(
            json,
            r#"{"planId":"p-1","exists":2,"alreadyGone":1,"appAccounts":1,"customerAccounts":1,"protected":1,"notable":[[1,"g"],[3,"a","Jira Bot"],[4,"c","Cy Customer"],[5,"p","you"]]}"#
        );
        assert!(!json.contains("acct-"), "no account id goes back: {json}");
    }
}
