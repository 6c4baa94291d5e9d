//! Starts an installed Offboard in practice mode and checks its window; run by `tests/check-deb`:
//!
//! `OFFBOARD_E2E_APP=/usr/bin/offboard cargo run --example installed_app -- 0.1.0`
//!
//! Checks, against the installed binary (a release build, so no test hooks): an X window titled
//! "Offboard" exists on the display, the page loaded from the binary (title, practice badge),
//! the About box shows the expected version, the practice connection checks out, and the sample
//! export imports with every user in the table. Exits non-zero (a panic) on any difference.
use offboard_e2e::page::{TICK, UI};
use offboard_e2e::{poll, run, Options};
use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let expected_version = std::env::args()
        .nth(1)
        .expect("usage: installed_app <expected version>");
    let binary = offboard_e2e::app_binary();
    println!("checking the window of {}", binary.display());
    let options = Options {
        app_args: vec!["--practice".into()],
        limit: Duration::from_secs(120),
        ..Options::default()
    };
    run(options, move |app| async move {
        app.wait_step("connect").await;
        app.wait_visible("#practice-badge").await;
        let title = app.client().title().await.expect("the page has a title");
        assert_eq!(title, "Offboard", "the page's title");
        let windows = poll("an X window titled Offboard", UI, TICK, || async {
            let tree = x_window_titles();
            tree.iter().any(|t| t == "Offboard").then_some(tree)
        })
        .await;
        println!("X windows with a title: {windows:?}");

        app.click("#about-open").await;
        app.wait_visible("#about").await;
        assert_eq!(app.text("#about-version").await.trim(), expected_version);
        app.click("#about-close").await;

        // The practice site runs inside the app; its token never leaves the process.
        app.click("#check-connection").await;
        poll("#whoami to name the practice admin", UI, TICK, || async {
            let shown = app.visible("#whoami").await && !app.text("#whoami").await.is_empty();
            shown.then_some(())
        })
        .await;
        app.click("#connect-next").await;
        app.wait_step("choose").await;
        app.click("#use-sample").await;
        app.wait_visible("#import-summary").await;
        let sample = app.data_dir.join("practice/practice-export.csv");
        let users = csv::Reader::from_path(&sample)
            .unwrap_or_else(|e| panic!("{}: {e}", sample.display()))
            .records()
            .count();
        let (_, shown) = app.selected_count().await;
        assert_eq!(
            shown, users,
            "users in the table vs rows in the sample export"
        );
        println!("installed app OK: version {expected_version}, {shown} practice users imported");
    })
    .await;
}

/// The titles of the X windows on `$DISPLAY` (`xwininfo -root -tree`, from x11-utils).
fn x_window_titles() -> Vec<String> {
    let out = std::process::Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo runs (package x11-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            // e.g. `0x1200003 "Offboard": ("offboard" "Offboard")  1100x760+0+0  +0+0`
            let start = l.find("0x")?;
            let rest = &l[start..];
            let open = rest.find(" \"")? + 2;
            let close = rest[open..].find("\":")? + open;
            Some(rest[open..close].to_owned())
        })
        .collect()
}
