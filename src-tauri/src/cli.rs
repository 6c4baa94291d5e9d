//! The command line: `offboard <subcommand>`; without one, the desktop window opens.

use clap::{Parser, Subcommand};

/// Offboard removes many users from an Atlassian Cloud site, safely, from an admin export.
#[derive(Debug, Parser)]
#[command(name = "offboard", version, about)]
pub struct Cli {
    /// What to do; without a subcommand the desktop window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {}

/// Runs the command line or the window; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        None => match crate::app::run() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("offboard: could not open the window: {e}");
                1
            }
        },
    }
}
