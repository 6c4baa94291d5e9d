// A release build on Windows opens no console window behind the GUI.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(offboard::cli::main());
}
