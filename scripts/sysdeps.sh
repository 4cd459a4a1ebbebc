#!/usr/bin/env bash
# Installs the Debian/Ubuntu system packages the app needs, when they are missing and we may
# (root, or passwordless sudo); otherwise prints the apt line to run. Never fails the build on a
# non-Debian system: it says what to install instead.
#   scripts/sysdeps.sh venv   - python3-venv, so `python3 -m venv` works
#   scripts/sysdeps.sh qt     - Qt's runtime libraries (offscreen + QtMultimedia + xcb window)
#   scripts/sysdeps.sh xvfb   - Xvfb, for screenshots of a real window without a display
set -u
what=${1:-qt}

# From research/qt_feasibility.md §1 (checked on a bare Debian 12): offscreen + QtMultimedia,
# then the xcb platform plugin's libraries for a real window.
qt_pkgs="libgl1 libegl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 libpulse0 libx11-xcb1
libxext6 libxrandr2 libdrm2 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-glx0 libxcb-shm0
libxcb-sync1 libxcb-render0"

case "$what" in
  venv) python3 -c 'import ensurepip, venv' 2>/dev/null && exit 0; pkgs="python3-venv" ;;
  qt) pkgs="$qt_pkgs" ;;
  xvfb) pkgs="xvfb xauth" ;;
  *) echo "usage: $0 venv|qt|xvfb" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  [ "$what" = venv ] && echo "Python's venv module is missing: install it with your package manager." >&2
  [ "$what" = qt ] && echo "Not a Debian/Ubuntu system: if the app fails to start, install your distribution's OpenGL, EGL, fontconfig, xkbcommon, PulseAudio client and xcb-cursor/icccm/keysyms libraries." >&2
  exit 0
fi

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages. Please run:" >&2
  echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
  [ "$what" = venv ] && exit 1
  exit 0
fi
echo "Installing system packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
  $sudo apt-get update -qq >/dev/null 2>&1 || true
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "Could not install:$missing — install them by hand (sudo apt-get install$missing)." >&2
    [ "$what" = venv ] && exit 1
    exit 0
  }
fi
