fn main() {
    // Declare the app's own commands so that only those granted in capabilities/ reach the page.
    // Keep in step with `app::build_app` (src/app/mod.rs).
    const COMMANDS: &[&str] = &[
        "app_info",
        "about_records",
        "saved_connections",
        "connect",
        "forget_connection",
        "token_saved",
        "open_token_page",
        "choose_export",
        "import_export",
        "prepare_plan",
        "prepare_rehearsal",
        "preflight",
        "cancel_preflight",
        "rehearse",
        "start_run",
        "pause_run",
        "resume_run",
        "stop_run",
        "list_runs",
        "continue_run",
        "retry_run",
        "export_results",
        "org_connect",
        "org_choose_directory",
        "org_key_saved",
        "forget_org",
        "org_load_users",
        "org_cancel_load",
        "org_import_export",
        "org_choose_export",
        "org_prepare",
        "org_preflight",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
