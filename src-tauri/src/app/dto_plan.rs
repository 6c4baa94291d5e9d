//! The plan as the Review step shows it: Rust's words, phrase and protected rows, and the
//! action it carries out (site removal, or an organization action in its directory).

use crate::session::Prepared;
use serde::Serialize;

/// A prepared plan (run or rehearsal).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanDto {
    plan_id: String,
    rehearsal: bool,
    phrase: String,
    to_remove: usize,
    total: usize,
    protected: Vec<ProtectedDto>,
    words: String,
    protection_words: String,
    /// What the run does to each account (`site_remove`, `suspend`, `restore`, `remove`).
    action: &'static str,
    /// The action's short title ("Suspend access").
    action_title: &'static str,
    /// What the action does, what is kept and how to undo it.
    explanation: &'static str,
    /// The organization (organization mode only).
    org_name: Option<String>,
    /// The directory the run acts in (organization mode only).
    directory_name: Option<String>,
}

/// A selected row the run will skip.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectedDto {
    account_id: String,
    reason: String,
}

impl From<&Prepared> for PlanDto {
    fn from(p: &Prepared) -> Self {
        PlanDto {
            plan_id: p.id.clone(),
            rehearsal: p.rehearsal,
            phrase: p.phrase.clone(),
            to_remove: p.to_remove,
            total: p.plan.rows.len(),
            protected: p
                .protected
                .iter()
                .map(|(id, why)| ProtectedDto {
                    account_id: id.clone(),
                    reason: why.clone(),
                })
                .collect(),
            words: p.words.clone(),
            protection_words: p.protection_words.clone(),
            action: p.plan.action.as_str(),
            action_title: p.plan.action.title(),
            explanation: p.plan.action.explanation(),
            org_name: p.plan.org.as_ref().map(|t| t.org_name.clone()),
            directory_name: p.plan.org.as_ref().map(|t| t.directory_name.clone()),
        }
    }
}

/// The pace a run may be given, from the engine's own bounds (`sweep::pace`), so the Review step
/// checks the pace fields as they are typed against the very numbers `start_run` enforces.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaceLimitsDto {
    min_rate: f64,
    max_rate: f64,
    default_rate: f64,
    max_in_flight: usize,
    default_in_flight: usize,
}

impl PaceLimitsDto {
    /// The engine's bounds and defaults.
    pub fn current() -> Self {
        use crate::sweep::{DEFAULT_IN_FLIGHT, DEFAULT_RATE, MAX_IN_FLIGHT, MAX_RATE, MIN_RATE};
        PaceLimitsDto {
            min_rate: MIN_RATE,
            max_rate: MAX_RATE,
            default_rate: DEFAULT_RATE,
            max_in_flight: MAX_IN_FLIGHT,
            default_in_flight: DEFAULT_IN_FLIGHT,
        }
    }
}
