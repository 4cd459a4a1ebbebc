#!/usr/bin/env bash
# Build the Linux bundle and tarball:
#   dist/grok-spicy/                                   one-folder PyInstaller bundle
#   dist/grok-spicy-<version>-linux-x86_64.tar.gz      bundle + install.sh + uninstall.sh +
#                                                      grok-spicy.desktop + icons/hicolor/...
# The frozen app must pass `grok-spicy --self-test` (Qt multimedia, bundled FFmpeg, keyring, an
# offline run) or the build fails. Run from anywhere: `make package` or `bash packaging/build_linux.sh`.
#
# Environment: PYTHON_BIN_DIR (default .venv/bin), DIST_DIR (default dist), BUILD_DIR (default build),
# SKIP_TARBALL=1 to stop after the self-test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${PYTHON_BIN_DIR:-$ROOT/.venv/bin}"
DIST="${DIST_DIR:-$ROOT/dist}"
WORK="${BUILD_DIR:-$ROOT/build}"
APP_ID=grok-spicy

[ -x "$BIN/pyinstaller" ] || {
  echo "build_linux.sh: $BIN/pyinstaller not found; install the packaging extra: $BIN/python -m pip install -e '.[packaging]' (or make package)." >&2
  exit 2
}
VERSION="$("$BIN/python" -c 'import grok_spicy_desktop as g; print(g.__version__)')"
ARCH="$(uname -m)"

# A small FFmpeg (H.264/AAC/MJPEG/PNG, native filters, libass) instead of imageio-ffmpeg's 172 MB
# build with every codec; cached after the first build. FFMPEG_FULL=1 keeps imageio-ffmpeg's.
if [ "${FFMPEG_FULL:-0}" != 1 ]; then
  echo "==> Small FFmpeg (packaging/build_ffmpeg.sh)"
  GROK_SPICY_BUNDLE_FFMPEG="$(bash packaging/build_ffmpeg.sh | tail -n1)"
  export GROK_SPICY_BUNDLE_FFMPEG
fi

echo "==> PyInstaller build ($VERSION, $ARCH)"
start=$(date +%s)
"$BIN/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK/pyinstaller" packaging/grok_spicy.spec
build_s=$(( $(date +%s) - start ))
BUNDLE="$DIST/$APP_ID"
[ -x "$BUNDLE/$APP_ID" ] || { echo "build_linux.sh: no executable at $BUNDLE/$APP_ID" >&2; exit 1; }

echo "==> Frozen self-test"
start=$(date +%s)
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$BUNDLE/$APP_ID" --self-test
selftest_s=$(( $(date +%s) - start ))

if [ "${SKIP_TARBALL:-0}" != 1 ]; then
  echo "==> Tarball"
  NAME="$APP_ID-$VERSION-linux-$ARCH"
  STAGE="$WORK/$NAME"
  rm -rf "$STAGE"
  mkdir -p "$STAGE"
  cp -a "$BUNDLE" "$STAGE/$APP_ID"
  cp packaging/install.sh packaging/uninstall.sh packaging/grok-spicy.desktop "$STAGE/"
  chmod 755 "$STAGE/install.sh" "$STAGE/uninstall.sh"
  "$BIN/python" packaging/icons.py "$STAGE/icons"
  cat >"$STAGE/README.txt" <<TXT
Grok Spicy $VERSION for Linux ($ARCH)

Install for this user:   ./install.sh            (into ~/.local/opt/grok-spicy)
                         ./install.sh /some/dir  (another folder)
Uninstall:               ~/.local/opt/grok-spicy/uninstall.sh
Run without installing:  ./grok-spicy/grok-spicy
Check the installation:  grok-spicy --self-test

Needs glibc >= 2.34 and the system's OpenGL (libgl1, libegl1) and fontconfig.
FFmpeg (a GPL build: libx264, libass) is included as grok-spicy/_internal/ffmpeg/ffmpeg.
TXT
  TARBALL="$DIST/$NAME.tar.gz"
  tar -C "$WORK" -cf - "$NAME" | gzip -9 >"$TARBALL"
  echo "Tarball: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi

echo "Bundle:  $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)); build ${build_s}s, self-test ${selftest_s}s"

# Size budget (issue 17): <= 300 MB unpacked, <= 120 MB tarball. BUNDLE_BUDGET=0 skips the check.
if [ "${BUNDLE_BUDGET:-1}" != 0 ]; then
  bundle_mb=$(du -sm "$BUNDLE" | cut -f1)  # MiB of disk, as du -sh reports
  echo "Size:    bundle ${bundle_mb} MB (budget 300)"
  [ "$bundle_mb" -le 300 ] || { echo "build_linux.sh: bundle over budget" >&2; exit 1; }
  if [ "${SKIP_TARBALL:-0}" != 1 ]; then
    tar_mb=$(( $(stat -c %s "$TARBALL") / 1048576 ))
    echo "Size:    tarball ${tar_mb} MB (budget 120)"
    [ "$tar_mb" -le 120 ] || { echo "build_linux.sh: tarball over budget" >&2; exit 1; }
  fi
fi
