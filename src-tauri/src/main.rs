// A release build on Windows opens no console window behind the GUI.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// Importing a big export allocates millions of small strings: mimalloc does that far faster
// than the system allocator (measured: see README, "Window figures").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(offboard::cli::main());
}
