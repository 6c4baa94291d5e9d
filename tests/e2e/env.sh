# Sourced by tests/run-all, tests/screenshots and tests/measure-window-scale (bash).
# Puts tauri-driver on PATH, installing it into <repo>/target/tools when missing (≈ 30 s once),
# and checks the rest of what the window suite needs.

# The display every window script uses (BUILD-NOTES: the window is 1100×760).
E2E_XVFB_SCREEN="-screen 0 1280x800x24"

e2e_tools() {
  local root="$1"
  export PATH="$root/target/tools/bin:$PATH"
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "Installing tauri-driver into target/tools"
    cargo install --locked tauri-driver --version '^2' --root "$root/target/tools"
  fi
  local tool
  for tool in WebKitWebDriver xvfb-run xauth; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$tool is missing: apt-get install webkit2gtk-driver xvfb xauth" >&2
      return 1
    fi
  done
}
