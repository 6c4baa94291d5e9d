//! Organization mode's Review step in the window: the plan of an action for the people chosen
//! (or for the people of an earlier run: the history's undo, "Restore these users",
//! "Reactivate these accounts", "Cancel the deletions"), and its dry run, which reads each
//! person back from the directory (and, for an account action, Atlassian's per-account check)
//! and changes nothing. The plan is kept as the site's is,
//! so `start_run` starts it (see `runs.rs`).

use super::AppState;
use crate::app::dto_plan::PlanDto;
use crate::app::error::AppError;
use crate::app::org_dto::{OrgPreflightDto, OrgPreflightRowDto};
use crate::atlassian::org::OrgUser;
use crate::roster::canonical_account_id;
use crate::session::org::{
    dry_run, people_of_run, prepare_org, read_people, read_privileges, OrgChoice, OrgConnection,
};
use crate::session::SessionError;
use crate::sweep::{Action, Plan};
use std::sync::Arc;

impl AppState {
    /// Builds the plan of `action` (an organization action: `suspend`, `restore`, `remove`, or
    /// on managed accounts `deactivate`, `reactivate`, `delete_account`, `cancel_delete`) for
    /// the users `ids` kept from the last load or export, or — with `from_run` — for the people
    /// that run carried its action out on, as the directory describes them now (an undo takes
    /// a run of the action it undoes; a cancel-delete only the deletions still in grace). It
    /// becomes the plan the typed phrase must match.
    pub async fn org_prepare(
        &self,
        action: &str,
        ids: &[String],
        unlocked: &[String],
        unlock_admins: bool,
        from_run: Option<&str>,
    ) -> Result<PlanDto, AppError> {
        let action = Action::parse(action.trim())
            .filter(|a| a.is_org())
            .ok_or_else(|| {
                AppError::new(
                    "bad_action",
                    format!(
                        "'{}' is not an organization action: choose suspend, restore, remove, \
                         deactivate, reactivate, delete_account or cancel_delete.",
                        action.trim()
                    ),
                )
                .at("action")
            })?;
        let generation = self.session().generation;
        let conn = self.org_connected()?;
        conn.require_unscoped()?;
        let (users, source) = match from_run.map(str::trim).filter(|r| !r.is_empty()) {
            Some(run_id) => (self.people_of(&conn, run_id, action).await?, None),
            None => self.kept_users(ids)?,
        };
        let prepared = prepare_org(
            &conn,
            OrgChoice {
                action,
                users: &users,
                source,
                unlocked,
                unlock_admins,
            },
        )?;
        let dto = PlanDto::from(&prepared);
        let mut s = self.session();
        // A connection, directory, load or export while the directory was read: this plan
        // describes what is no longer on screen.
        if s.generation != generation {
            return Err(SessionError::StalePlan.into());
        }
        s.run_plan = Some(Arc::new(prepared));
        Ok(dto)
    }

    /// The kept users named by `ids`, in the order given, and the export they came from.
    fn kept_users(&self, ids: &[String]) -> Result<(Vec<OrgUser>, Option<String>), AppError> {
        let kept = self.session().org.users.clone().ok_or_else(|| {
            AppError::new(
                "no_users",
                "Load the users from the organization, or open an export, first (step 2).",
            )
            .at("users")
        })?;
        let users = ids
            .iter()
            .map(|id| {
                kept.by_id
                    .get(&canonical_account_id(id))
                    .cloned()
                    .ok_or_else(|| {
                        AppError::new(
                            "no_users",
                            format!(
                                "{} is not among the users on screen; load the users again and \
                                 re-select.",
                                id.trim()
                            ),
                        )
                        .at("users")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((users, kept.source.clone()))
    }

    /// The people run `run_id` carried its action out on, read from the directory now (those
    /// it no longer holds are left out).
    async fn people_of(
        &self,
        conn: &OrgConnection,
        run_id: &str,
        action: Action,
    ) -> Result<Vec<OrgUser>, AppError> {
        let dir = self.run_dir(run_id)?;
        let (plan, ids) = tokio::task::spawn_blocking(move || people_of_run(&dir, action))
            .await
            .map_err(|e| AppError::new("internal", e.to_string()))?
            .map_err(|e| AppError::from(e).at("run"))?;
        if !same_place(conn, &plan) {
            return Err(connect_to_run_place(&plan, "use this run"));
        }
        let (users, _) = read_people(conn, &ids).await?;
        if users.is_empty() {
            return Err(SessionError::NothingToPlan(format!(
                "None of the {} people run {} {} is in {} now, so there is nobody to {}.",
                ids.len(),
                plan.run_id,
                plan.action.done_word(),
                conn.directory()?.name,
                action.phrase_verb()
            ))
            .into());
        }
        Ok(users)
    }

    /// The dry run of the current organization plan: every person read back from the
    /// directory (reads only) and told apart as the run would treat them now.
    pub async fn org_preflight(&self, plan_id: &str) -> Result<OrgPreflightDto, AppError> {
        let prepared = self.current_plan(plan_id, false)?;
        let plan = &prepared.plan;
        let conn = self.org_connected()?;
        if !plan.action.is_org() || !same_place(&conn, plan) {
            return Err(SessionError::StalePlan.into());
        }
        let ids: Vec<String> = plan.rows.iter().map(|r| r.account_id.clone()).collect();
        let (now, _) = read_people(&conn, &ids).await?;
        let mut dto = OrgPreflightDto {
            plan_id: plan_id.to_owned(),
            ..OrgPreflightDto::default()
        };
        let allowed = read_privileges(&conn, plan, &now).await?;
        for found in dry_run(plan, &now, &conn.directory()?.name, &allowed) {
            let row = &plan.rows[found.row];
            dto.push(OrgPreflightRowDto {
                row: found.row,
                account_id: row.account_id.clone(),
                name: row.name.clone(),
                state: found.state.into(),
                detail: found.detail,
            });
        }
        Ok(dto)
    }
}

/// True when `conn` is connected to the organization and directory `plan` acts in.
fn same_place(conn: &OrgConnection, plan: &Plan) -> bool {
    plan.org.as_ref().is_some_and(|t| {
        t.org_id.eq_ignore_ascii_case(&conn.org.id)
            && conn
                .directory
                .as_ref()
                .is_some_and(|d| d.directory_id == t.directory_id)
    })
}

/// Words asking for the connection a run's organization and directory need, to `purpose`.
pub(super) fn connect_to_run_place(plan: &Plan, purpose: &str) -> AppError {
    let place = match &plan.org {
        Some(t) => format!(
            "the organization {} ({}) and choose its directory {}",
            t.org_name, t.org_id, t.directory_name
        ),
        None => "the run's organization".to_owned(),
    };
    AppError::new(
        "not_connected",
        format!("To {purpose}, first connect to {place} (step 1)."),
    )
    .at("run")
}
