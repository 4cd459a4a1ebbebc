#!/usr/bin/env bash
# Build "Grok Spicy.app" and a drag-to-Applications .dmg on macOS 11+ (run on the target arch:
# an arm64 Mac makes an arm64 app; PySide6 and imageio-ffmpeg wheels are per-arch).
#
#   python3.11 -m venv .venv && .venv/bin/python -m pip install -e '.[packaging]'
#   bash packaging/macos/build_macos.sh
#
# Output: dist/Grok Spicy.app and dist/grok-spicy-<version>-macos-<arch>.dmg
# Signing: PyInstaller signs ad hoc, which runs locally; a downloaded app is blocked by
# Gatekeeper unless it is signed with a Developer ID and notarized. Set CODESIGN_IDENTITY
# ("Developer ID Application: ...") and NOTARY_PROFILE (a `xcrun notarytool store-credentials`
# profile) to do both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BIN="${PYTHON_BIN_DIR:-$ROOT/.venv/bin}"
APP_NAME="Grok Spicy"
[ "$(uname -s)" = Darwin ] || { echo "build_macos.sh: run this on macOS." >&2; exit 2; }
[ -x "$BIN/pyinstaller" ] || { echo "build_macos.sh: $BIN/pyinstaller not found; pip install -e '.[packaging]'." >&2; exit 2; }
VERSION="$("$BIN/python" -c 'import grok_spicy_desktop as g; print(g.__version__)')"
ARCH="$(uname -m)"

echo "==> PyInstaller build"
"$BIN/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/grok_spicy.spec
APP="dist/$APP_NAME.app"
[ -d "$APP" ] || { echo "build_macos.sh: $APP was not made." >&2; exit 1; }

echo "==> Frozen self-test"
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/grok-spicy" --self-test

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  echo "==> Signing with $CODESIGN_IDENTITY"
  # Sign nested code (Qt frameworks, the ffmpeg executable) before the bundle itself.
  find "$APP/Contents" -type f \( -perm -u+x -o -name '*.dylib' -o -name '*.so' \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime \
      --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY"
  codesign --force --timestamp --options runtime \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict "$APP"
fi

echo "==> DMG"
DMG="dist/grok-spicy-$VERSION-macos-$ARCH.dmg"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "$APP_NAME $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  echo "==> Notarizing"
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "App: $APP ($(du -sh "$APP" | cut -f1)); DMG: $DMG ($(du -h "$DMG" | cut -f1))"
