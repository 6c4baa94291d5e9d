//! The window's dry run: one at a time, with its progress for the page and a cancel that stops
//! it at once. The page names the plan only: the plan, the guard read again and the lookups
//! stay in Rust, and a dry run sends nothing but GETs.

use super::AppState;
use crate::app::dto::PreflightDto;
use crate::app::error::AppError;
use crate::sweep::{self, PreflightOptions, PreflightProgress, RunControl};
use std::sync::{Mutex, MutexGuard};

/// The dry run in progress, if any: its control, so that `cancel_preflight` can stop it.
#[derive(Default)]
pub(super) struct DryRun(Mutex<Option<RunControl>>);

/// Held while a dry run goes on: frees the slot however it ends (an answer, an error, or its
/// command dropped with the window).
struct Going<'a>(&'a DryRun);

impl Drop for Going<'_> {
    fn drop(&mut self) {
        *self.0.slot() = None;
    }
}

impl DryRun {
    fn slot(&self) -> MutexGuard<'_, Option<RunControl>> {
        // Plain data behind the lock: still usable after a panic elsewhere.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the slot for a new dry run, or refuses while another goes on.
    fn begin(&self) -> Result<(RunControl, Going<'_>), AppError> {
        let mut slot = self.slot();
        if slot.is_some() {
            return Err(AppError::new(
                "busy",
                "A dry run is already going on. Wait for it to finish, or cancel it first.",
            ));
        }
        let control = RunControl::new();
        *slot = Some(control.clone());
        Ok((control, Going(self)))
    }

    /// Stops the dry run in progress, if there is one.
    fn cancel(&self) {
        if let Some(control) = self.slot().as_ref() {
            control.stop();
        }
    }
}

/// What a cancelled dry run answers; the page shows its own calm words for it.
fn cancelled() -> AppError {
    AppError::new("cancelled", "Dry run cancelled; nothing was changed.")
}

impl AppState {
    /// The dry run of the current plan (GET only), reporting nowhere.
    pub async fn preflight(&self, plan_id: &str) -> Result<PreflightDto, AppError> {
        self.preflight_with(plan_id, &|_| {}).await
    }

    /// The dry run of the current plan (GET only), at the lookup pace, telling `progress` how
    /// far it got. Refused with `busy` while another dry run goes on; fails with `cancelled`
    /// once [`AppState::cancel_preflight`] stopped it.
    pub async fn preflight_with(
        &self,
        plan_id: &str,
        progress: &(dyn Fn(PreflightProgress) + Send + Sync),
    ) -> Result<PreflightDto, AppError> {
        let (control, _going) = self.dry_run.begin()?;
        let prepared = self.current_plan(plan_id, false)?;
        let conn = self.connected()?;
        let guard = prepared
            .still_holds(&conn, &prepared.site_admins)
            .map_err(AppError::from)?;
        let options = PreflightOptions {
            pace: sweep::LOOKUP_PACE,
            control,
            progress,
        };
        let report = sweep::preflight(&conn.client, &prepared.plan, &guard, &options)
            .await?
            .ok_or_else(cancelled)?;
        Ok(PreflightDto::new(plan_id, report))
    }

    /// Stops the dry run in progress at once (it then fails with `cancelled`); nothing when
    /// none goes on.
    pub fn cancel_preflight(&self) {
        self.dry_run.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemoryStore;
    use std::sync::Arc;

    #[test]
    fn one_dry_run_at_a_time_and_the_slot_frees_however_it_ends() {
        let dry = DryRun::default();
        let (control, going) = dry.begin().unwrap();
        assert_eq!(dry.begin().err().map(|e| e.kind), Some("busy"));
        dry.cancel();
        assert_eq!(control.state(), sweep::ControlState::Stopped);
        drop(going);
        let (again, _going) = dry.begin().expect("a new dry run after the last one ended");
        assert_eq!(again.state(), sweep::ControlState::Running);
    }

    /// A window on a fresh practice site, connected, with a plan of everyone in its export.
    async fn window_with_plan(dir: &std::path::Path) -> (AppState, String, usize) {
        let mode = crate::app::practice_mode::start(dir).await.unwrap();
        let (url, email, export) = (
            mode.site.url(),
            mode.email.clone(),
            mode.sample_export.clone(),
        );
        let state = AppState::new(
            &dir.join("practice"),
            Arc::new(MemoryStore::new()),
            Some(mode),
        );
        state.connect(&url, &email, None, false).await.unwrap();
        let import = serde_json::to_value(state.import(export).await.unwrap()).unwrap();
        let ids: Vec<String> = serde_json::from_value(import["users"]["id"].clone()).unwrap();
        let plan = serde_json::to_value(state.prepare_plan(&ids, &[]).await.unwrap()).unwrap();
        let plan_id = plan["planId"].as_str().unwrap().to_owned();
        (state, plan_id, ids.len())
    }

    #[tokio::test]
    async fn a_dry_run_reports_progress_refuses_a_second_and_stops_on_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let (state, plan_id, rows) = window_with_plan(dir.path()).await;

        let seen = Mutex::new(Vec::new());
        let dto = state
            .preflight_with(&plan_id, &|p| seen.lock().unwrap().push(p))
            .await
            .unwrap();
        let json = serde_json::to_value(&dto).unwrap();
        let counts = [
            "exists",
            "alreadyGone",
            "appAccounts",
            "customerAccounts",
            "protected",
        ];
        let counted: u64 = counts.iter().map(|k| json[k].as_u64().unwrap()).sum();
        assert_eq!(counted, rows as u64, "every plan row is counted once");
        let seen = seen.into_inner().unwrap();
        let (first, last) = (seen[0], *seen.last().unwrap());
        assert_eq!(first.looked_up, 0, "a report at the start: {seen:?}");
        assert_eq!(
            last.looked_up, last.to_look_up,
            "a report at the end: {seen:?}"
        );
        assert_eq!(
            last.to_look_up,
            rows as u64 - json["protected"].as_u64().unwrap(),
            "protected rows are not looked up"
        );

        // Two at once: the first takes the slot before its first lookup, the second is refused.
        let (a, b) = tokio::join!(state.preflight(&plan_id), state.preflight(&plan_id));
        assert!(a.is_ok(), "{a:?}");
        assert_eq!(b.err().map(|e| e.kind), Some("busy"));

        // Cancelled from its own first report: it answers `cancelled`, and the next one runs.
        let cancel_at_start = |p: PreflightProgress| {
            if p.looked_up == 0 {
                state.cancel_preflight();
            }
        };
        let err = state
            .preflight_with(&plan_id, &cancel_at_start)
            .await
            .unwrap_err();
        assert_eq!(err.kind, "cancelled", "{err:?}");
        state.cancel_preflight(); // none going on: nothing happens
        let again = state.preflight(&plan_id).await.unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), json);
    }
}
