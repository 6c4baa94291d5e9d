//! The plan as the Review step shows it: Rust's words, phrase and protected rows.

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
        }
    }
}
