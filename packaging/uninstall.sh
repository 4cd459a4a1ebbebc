#!/usr/bin/env bash
# Remove a Grok Spicy install made by install.sh: the files listed in PREFIX/.install-manifest
# (launcher link, desktop entry, icons), then PREFIX itself.
#
#   ./uninstall.sh [PREFIX]      default: the folder this script is in when it has the install
#                                marker, else ~/.local/opt/grok-spicy
# Projects, settings and the API key are user data and stay where they are.
set -euo pipefail

APP_ID=grok-spicy
MARKER=".grok-spicy-install"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -ge 1 ]; then
  PREFIX="$1"
elif [ -f "$HERE/$MARKER" ]; then
  PREFIX="$HERE"
else
  PREFIX="$HOME/.local/opt/$APP_ID"
fi
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"

die() { echo "uninstall.sh: $*" >&2; exit 1; }
[ -f "$PREFIX/$MARKER" ] || die "$PREFIX is not a Grok Spicy install (no $MARKER); nothing removed."

removed=0
if [ -f "$PREFIX/.install-manifest" ]; then
  while IFS= read -r path || [ -n "$path" ]; do
    [ -n "$path" ] || continue
    if [ -L "$path" ]; then
      # Only remove a launcher link that still points into this install.
      case "$(readlink "$path")" in
        "$PREFIX"/*) rm -f -- "$path"; removed=$((removed + 1)) ;;
      esac
    elif [ -f "$path" ]; then
      rm -f -- "$path"
      removed=$((removed + 1))
      # Drop icon size folders this install left empty (never the hicolor root).
      dir="$(dirname "$path")"
      while [ "$dir" != "$DATA_HOME/icons/hicolor" ] && [ "$dir" != "$DATA_HOME/icons" ] \
        && [ "${dir#"$DATA_HOME/icons/hicolor/"}" != "$dir" ] && rmdir -- "$dir" 2>/dev/null; do
        dir="$(dirname "$dir")"
      done
    fi
  done <"$PREFIX/.install-manifest"
fi

rm -rf -- "$PREFIX"

if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$DATA_HOME/applications" ]; then
  update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$DATA_HOME/icons/hicolor" ]; then
  gtk-update-icon-cache -q -t -f "$DATA_HOME/icons/hicolor" 2>/dev/null || true
fi
echo "Removed Grok Spicy from $PREFIX ($removed desktop files and links). Your projects and settings were kept."
