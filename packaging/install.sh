#!/usr/bin/env bash
# Install the Grok Spicy bundle for the current user (no root needed).
#
#   ./install.sh [PREFIX]        default PREFIX: ~/.local/opt/grok-spicy
#
# What it does (and uninstall.sh undoes exactly that, using PREFIX/.install-manifest):
#   * copies the bundle (the grok-spicy/ folder next to this script) to PREFIX;
#   * links $XDG_BIN_HOME (default ~/.local/bin)/grok-spicy -> PREFIX/grok-spicy;
#   * installs grok-spicy.desktop into $XDG_DATA_HOME/applications (default ~/.local/share), with
#     Exec pointing at PREFIX (a menu launch must not depend on ~/.local/bin being on PATH);
#   * installs icons into $XDG_DATA_HOME/icons/hicolor/<size>/apps/grok-spicy.{png,svg};
#   * refreshes the desktop and icon caches when the tools exist.
# Exec has no %f/%F field code: the app takes `--project DIR`, not file arguments, and a bare
# `--project %f` would break a plain launch (the flag would get no value).
set -euo pipefail

APP_ID=grok-spicy
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUNDLE="$SRC/$APP_ID"
PREFIX="${1:-$HOME/.local/opt/$APP_ID}"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN_HOME="${XDG_BIN_HOME:-$HOME/.local/bin}"
MARKER=".grok-spicy-install"
MANIFEST="$PREFIX/.install-manifest"

die() { echo "install.sh: $*" >&2; exit 1; }

[ -x "$BUNDLE/$APP_ID" ] || die "no bundle at $BUNDLE/$APP_ID; run this script from the unpacked tarball."
case "$PREFIX" in
  /*) ;;
  *) PREFIX="$PWD/$PREFIX"; MANIFEST="$PREFIX/.install-manifest" ;;
esac
[ "$PREFIX" != "/" ] && [ "$PREFIX" != "$HOME" ] || die "refusing to install into $PREFIX; give a dedicated folder."

# Replace an earlier install, but never wipe a folder this script did not create.
if [ -e "$PREFIX" ]; then
  if [ -f "$PREFIX/$MARKER" ]; then
    if [ -x "$PREFIX/uninstall.sh" ]; then
      "$PREFIX/uninstall.sh" "$PREFIX" >/dev/null
    else
      rm -rf -- "$PREFIX"
    fi
  elif [ -n "$(ls -A "$PREFIX" 2>/dev/null)" ]; then
    die "$PREFIX exists and is not a Grok Spicy install; choose another PREFIX or empty it."
  fi
fi

mkdir -p "$PREFIX"
cp -a "$BUNDLE/." "$PREFIX/"
cp "$SRC/uninstall.sh" "$PREFIX/uninstall.sh"
chmod 755 "$PREFIX/uninstall.sh"
touch "$PREFIX/$MARKER"
: >"$MANIFEST"
record() { printf '%s\n' "$1" >>"$MANIFEST"; }

# Launcher on PATH.
mkdir -p "$BIN_HOME"
if [ -e "$BIN_HOME/$APP_ID" ] && [ ! -L "$BIN_HOME/$APP_ID" ]; then
  echo "install.sh: $BIN_HOME/$APP_ID exists and is not a link; leaving it alone." >&2
else
  ln -sfn "$PREFIX/$APP_ID" "$BIN_HOME/$APP_ID"
  record "$BIN_HOME/$APP_ID"
fi

# Desktop entry: Exec/TryExec get the absolute path (quoted when it has spaces, per the spec).
exec_path="$PREFIX/$APP_ID"
case "$exec_path" in
  *[[:space:]]*) exec_value="\"$(printf '%s' "$exec_path" | sed 's/[\\"`$]/\\\\&/g')\"" ;;
  *) exec_value="$exec_path" ;;
esac
mkdir -p "$DATA_HOME/applications"
desktop="$DATA_HOME/applications/$APP_ID.desktop"
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
    TryExec=*) printf 'TryExec=%s\n' "$exec_path" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$SRC/$APP_ID.desktop" >"$desktop"
chmod 644 "$desktop"
record "$desktop"

# Icons: icons/hicolor/<size>/apps/grok-spicy.{png,svg} from the tarball.
icon_count=0
if [ -d "$SRC/icons/hicolor" ]; then
  while IFS= read -r -d '' icon; do
    rel="${icon#"$SRC/icons/"}"
    mkdir -p "$DATA_HOME/icons/$(dirname "$rel")"
    cp "$icon" "$DATA_HOME/icons/$rel"
    record "$DATA_HOME/icons/$rel"
    icon_count=$((icon_count + 1))
  done < <(find "$SRC/icons/hicolor" -type f \( -name "$APP_ID.png" -o -name "$APP_ID.svg" \) -print0)
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$DATA_HOME/icons/hicolor" ]; then
  gtk-update-icon-cache -q -t -f "$DATA_HOME/icons/hicolor" 2>/dev/null || true
fi

echo "Installed Grok Spicy into $PREFIX ($icon_count icons)."
echo "Start it from the applications menu, or run: $BIN_HOME/$APP_ID"
case ":$PATH:" in
  *":$BIN_HOME:"*) ;;
  *) echo "Note: $BIN_HOME is not on your PATH; add it to run 'grok-spicy' by name." ;;
esac
echo "Uninstall with: $PREFIX/uninstall.sh"
