//! The desktop window: the only module that knows Tauri.

/// Wires the app on any Tauri builder (a mock one in tests) and runs it until the window closes.
pub fn run_app<R: tauri::Runtime>(builder: tauri::Builder<R>) -> Result<(), tauri::Error> {
    builder.run(tauri::generate_context!())
}

/// Opens the desktop window with the default runtime.
pub fn run() -> Result<(), tauri::Error> {
    run_app(tauri::Builder::default())
}
