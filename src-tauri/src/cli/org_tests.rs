//! The organization command line's options and words, without a network.

use super::args::{OrgCommand, UsersArgs};
use super::undo::undo_of;
use super::users::filter_of;
use crate::cli::{Cli, Command, EXIT_BAD_INPUT};
use crate::sweep::{Action, Counters, Plan};
use clap::{CommandFactory, Parser};

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(["offboard"].iter().chain(args))
}

fn users(args: &[&str]) -> UsersArgs {
    let mut all = vec![
        "org",
        "users",
        "--org",
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    ];
    all.extend(args);
    match parse(&all).unwrap().command {
        Some(Command::Org(org)) => match org.command {
            OrgCommand::Users(u) => u,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_options_are_consistent_and_refuse_what_cannot_mean_anything() {
    Cli::command().debug_assert();
    let org = ["--org", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"];
    let act = |extra: &[&str]| {
        let mut args = vec!["org", "suspend"];
        args.extend(org);
        args.extend(extra);
        parse(&args)
    };
    assert!(act(&[]).is_err(), "the people must be given");
    assert!(act(&["--csv", "a.csv", "--from-run", "r"]).is_err());
    assert!(act(&["--csv", "a.csv"]).is_ok());
    assert!(act(&["--from-run", "r", "--max-rate", "2"]).is_ok());
    assert!(parse(&["org", "users", org[0], org[1], "--managed", "--unmanaged"]).is_err());
    assert!(parse(&["org", "users", org[0], org[1], "--status", "gone"]).is_err());
    assert!(parse(&["org", "key", "set", org[0], org[1]]).is_ok());
    assert!(
        parse(&["org", "key", "set", org[0], org[1], "--key", "x"]).is_err(),
        "the key is never an argument"
    );
}

#[test]
fn filters_read_product_and_date_and_say_what_is_wrong() {
    let f = filter_of(&users(&[
        "--inactive-since",
        "JIRA:2026-03-01",
        "--no-admins",
    ]))
    .unwrap();
    assert_eq!(
        f.inactive_since,
        Some(("jira".to_owned(), "2026-03-01".to_owned()))
    );
    assert_eq!((f.admins, f.managed, f.synced), (Some(false), None, None));
    let f = filter_of(&users(&[
        "--status",
        "active",
        "--status",
        "suspended",
        "--synced",
    ]))
    .unwrap();
    assert_eq!(f.status, ["active", "suspended"]);
    assert_eq!(f.synced, Some(true));
    for bad in [
        "jira",
        ":2026-03-01",
        "jira:2026-02-30",
        "jira/x:2026-03-01",
    ] {
        let e = filter_of(&users(&["--inactive-since", bad])).unwrap_err();
        assert!(e.contains("2026") || e.contains("product"), "{bad}: {e}");
    }
}

#[test]
fn the_summary_line_uses_the_actions_words_and_keeps_the_sites() {
    let c = Counters {
        removed: 3,
        already_gone: 1,
        cannot_remove: 2,
        skipped: 4,
        failed: 5,
        not_attempted: 6,
    };
    assert_eq!(c.summary_line_for(Action::SiteRemove), c.summary_line());
    assert_eq!(
        c.summary_line_for(Action::Suspend),
        "suspended=3 not_in_directory=1 refused=2 skipped=4 failed=5 not_attempted=6"
    );
    assert!(c
        .summary_line_for(Action::Restore)
        .starts_with("restored=3 "));
    assert!(c
        .summary_line_for(Action::Remove)
        .starts_with("removed=3 not_in_directory=1 "));
}

#[test]
fn the_account_actions_are_subcommands_of_their_own() {
    let org = ["--org", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"];
    let action_of = |sub: &str| {
        let mut args = vec!["org", sub];
        args.extend(org);
        args.extend(["--from-run", "r", "--dry-run"]);
        match parse(&args).unwrap().command {
            Some(Command::Org(o)) => match o.command {
                OrgCommand::Deactivate(_) => Action::Deactivate,
                OrgCommand::Reactivate(_) => Action::Reactivate,
                OrgCommand::DeleteAccount(_) => Action::DeleteAccount,
                OrgCommand::CancelDelete(_) => Action::CancelDelete,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(action_of("deactivate"), Action::Deactivate);
    assert_eq!(action_of("reactivate"), Action::Reactivate);
    assert_eq!(action_of("delete-account"), Action::DeleteAccount);
    assert_eq!(action_of("cancel-delete"), Action::CancelDelete);
    assert!(
        parse(&["org", "deactivate", org[0], org[1]]).is_err(),
        "the people must be given"
    );
    let help = |sub: &str| {
        let mut cmd = Cli::command();
        let org = cmd.find_subcommand_mut("org").unwrap();
        org.find_subcommand_mut(sub)
            .unwrap()
            .render_long_help()
            .to_string()
    };
    assert!(help("delete-account").contains("14 days"));
    assert!(help("delete-account").contains("identity provider"));
    assert!(help("deactivate").contains("manages"));
    assert!(help("cancel-delete").contains("stay deactivated"));
    assert!(parse(&[
        "undo",
        "run-1",
        "--yes",
        "--journal-dir",
        "d",
        "--api",
        "http://127.0.0.1:1"
    ])
    .is_ok());
    assert!(parse(&["undo"]).is_err(), "the run must be named");
}

#[tokio::test]
async fn unlocking_admins_is_refused_for_account_actions_before_anything_is_read() {
    let org = ["--org", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"];
    for (sub, action) in [
        ("deactivate", Action::Deactivate),
        ("delete-account", Action::DeleteAccount),
        ("reactivate", Action::Reactivate),
    ] {
        // No such file and no reachable API: the refusal comes first, from the options alone.
        let args = [
            "org",
            sub,
            org[0],
            org[1],
            "--csv",
            "/nonexistent.csv",
            "--unlock-admins",
        ];
        let Some(Command::Org(o)) = parse(&args).unwrap().command else {
            panic!("not an org command")
        };
        let a = match o.command {
            OrgCommand::Deactivate(a)
            | OrgCommand::DeleteAccount(a)
            | OrgCommand::Reactivate(a) => a,
            other => panic!("{other:?}"),
        };
        assert_eq!(super::actions::act(action, a).await, EXIT_BAD_INPUT);
    }
    assert!(super::actions::NO_UNLOCK_FOR_ACCOUNTS.contains("never deactivates or deletes"));
}

#[test]
fn only_suspend_deactivate_and_delete_runs_can_be_undone() {
    let plan = |action: Action| {
        let mut plan = Plan::new("https://acme.atlassian.net", "", []);
        plan.action = action;
        plan.run_id = "run-7".into();
        plan
    };
    assert_eq!(undo_of(&plan(Action::Suspend)), Ok(Action::Restore));
    assert_eq!(undo_of(&plan(Action::Deactivate)), Ok(Action::Reactivate));
    assert_eq!(
        undo_of(&plan(Action::DeleteAccount)),
        Ok(Action::CancelDelete)
    );
    for (action, words) in [
        (Action::SiteRemove, "site"),
        (Action::Remove, "invite them again"),
        (Action::Restore, "suspend --from-run run-7"),
        (Action::Reactivate, "deactivate --from-run run-7"),
        (Action::CancelDelete, "reactivate --from-run run-7"),
    ] {
        let why = undo_of(&plan(action)).unwrap_err();
        assert!(why.contains(words), "{action:?}: {why}");
    }
}
