#!/usr/bin/env bash
# README screenshots, made by the app itself (`--screenshot`) on a finished offline project,
# in a real X window under Xvfb. Data and settings go to a temp dir, never your own.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state"
export QT_LOGGING_RULES="qt.multimedia.*=false;qt.rhi.*=false"
unset XAI_API_KEY
project="$tmp/demo"
.venv/bin/grok-spicy run "A shy robot gardener named Pip and a curious fox named Juniper plant a glowing seed in a moonlit greenhouse" \
  --backend offline --output-dir "$project" >/dev/null
mkdir -p docs/screenshots
xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb \
  .venv/bin/grok-spicy --screenshot docs/screenshots/main_window.png --project "$project"
mkdir -p "$XDG_CONFIG_HOME/Grok Spicy"
echo '{"theme": "dark"}' > "$XDG_CONFIG_HOME/Grok Spicy/settings.json"
xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb \
  .venv/bin/grok-spicy --screenshot docs/screenshots/main_window_dark.png --project "$project"
rm -rf "$XDG_CONFIG_HOME/Grok Spicy"
xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb \
  .venv/bin/grok-spicy --screenshot docs/screenshots/first_launch.png
echo "Screenshots written to docs/screenshots/"
