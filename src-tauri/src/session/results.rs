//! Copying a results file where the admin asked, atomically: through a hidden partial file
//! beside the target, renamed into place, so the target is never half-written.

use std::path::Path;

/// Copies `source` to `target` through `.<name>.partial`; on failure no partial file is left.
pub fn copy_into_place(source: &Path, target: &Path) -> std::io::Result<()> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let partial = target.with_file_name(format!(".{name}.partial"));
    let copied = std::fs::copy(source, &partial).and_then(|_| std::fs::rename(&partial, target));
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}
