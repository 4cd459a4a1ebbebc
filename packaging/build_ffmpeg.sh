#!/usr/bin/env bash
# A small FFmpeg for the Linux bundle, built from Debian's own `ffmpeg` source package.
#
# Why: imageio-ffmpeg's static binary (172 MB) carries every codec (x265, AV1 x3, VP9, ...) and
# was 40 % of the bundle. The app only ever writes H.264 (libx264) + AAC MP4s, JPEG/PNG frames
# and WAV, reads H.264/AAC MP4s (xAI's and its own) and stills, and uses FFmpeg's native filters
# plus `subtitles` (libass) for burned-in captions. This build keeps exactly that: every native
# filter (other modules add filters freely), the decoders/demuxers for what the app reads, the
# encoders/muxers it writes, libx264 and libass. ~6-8 MB instead of 172 MB; its shared libraries
# (libx264, libass and its font stack) are collected next to it by PyInstaller's dependency
# analysis; the binary's RUNPATH ($ORIGIN/..) finds them in _internal/.
#
# Output: $FFMPEG_MIN_DIR/bin/ffmpeg (default ~/.cache/grok-spicy-build/ffmpeg-min-<BUILD_ID>),
# printed on the last line. Cached: a second run reuses it until BUILD_ID changes.
# Needs root (or passwordless sudo) for apt: nasm, pkg-config, libx264-dev, libass-dev and a
# deb-src entry for Debian's archive (added as /etc/apt/sources.list.d/grok-spicy-src.sources).
# Compile time: about 10 min on 2 idle cores (35 min measured here under a load average of 15).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/grok-spicy-build"
BUILD_ID=2  # bump when the configure flags below change (names the cache folder)
OUT="${FFMPEG_MIN_DIR:-$CACHE/ffmpeg-min-$BUILD_ID}"
if [ -x "$OUT/bin/ffmpeg" ] && "$OUT/bin/ffmpeg" -hide_banner -version >/dev/null 2>&1; then
  echo "$OUT/bin/ffmpeg"
  exit 0
fi

say() { echo "build_ffmpeg.sh: $*" >&2; }
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
command -v apt-get >/dev/null 2>&1 || { say "needs a Debian/Ubuntu system (apt-get)"; exit 3; }

need=""
for p in nasm pkg-config libx264-dev libass-dev xz-utils gcc make patchelf; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if ! apt-get source --download-only --print-uris ffmpeg >/dev/null 2>&1; then
  [ "$SUDO" = none ] && { say "add a deb-src line for Debian's archive, then rerun"; exit 3; }
  src=/etc/apt/sources.list.d/grok-spicy-src.sources
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$src" ] && grep -v '^#' "$f" | sed 's/^Types: deb$/Types: deb-src/'
  done | $SUDO tee "$src" >/dev/null
  [ -s "$src" ] || { say "could not derive a deb-src entry; add one by hand"; exit 3; }
  $SUDO apt-get update -qq
fi
if [ -n "$need" ]; then
  [ "$SUDO" = none ] && { say "please run: sudo apt-get install -y$need"; exit 3; }
  say "installing$need"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

WORK="$CACHE/ffmpeg-src"
mkdir -p "$WORK"
cd "$WORK"
orig="$(ls ffmpeg_*.orig.tar.* 2>/dev/null | head -n1 || true)"
if [ -z "$orig" ]; then
  apt-get source --download-only ffmpeg >/dev/null
  orig="$(ls ffmpeg_*.orig.tar.* | head -n1)"
fi
tree="$WORK/tree"
rm -rf "$tree"
mkdir -p "$tree"
tar -xf "$orig" -C "$tree" --strip-components=1
cd "$tree"

# What the app reads: H.264/HEVC/VP9/MPEG-4 video in MP4/MOV/MKV/WebM, AAC/MP3/Opus/Vorbis/FLAC/PCM
# audio, PNG/JPEG/WebP/GIF/BMP/TIFF stills, SRT/ASS subtitles, and lavfi sources (rawvideo + PCM).
# What it writes: H.264 (libx264) + AAC in MP4, JPEG/PNG frames, WAV, SRT/ASS/mov_text, and
# `-f null` (wrapped_avframe) for measuring. Every native filter stays in.
decoders="rawvideo,wrapped_avframe,pcm_*,h264,hevc,vp8,vp9,mpeg4,mjpeg,png,apng,gif,webp,bmp,tiff,aac,aac_latm,mp3,mp3float,opus,vorbis,flac,srt,subrip,ass,ssa,mov_text,webvtt"
encoders="libx264,aac,mjpeg,png,rawvideo,wrapped_avframe,pcm_*,srt,subrip,ass,ssa,mov_text,webvtt"
demuxers="mov,matroska,concat,image2,image_png_pipe,image_jpeg_pipe,image_webp_pipe,image_bmp_pipe,image_tiff_pipe,gif,wav,mp3,aac,flac,ogg,srt,ass,webvtt,h264,hevc,mjpeg,lavfi"
muxers="mp4,mov,ipod,matroska,webm,null,image2,image2pipe,wav,adts,srt,ass,webvtt,mjpeg,h264,framemd5,md5"
parsers="h264,hevc,vp8,vp9,mpeg4video,mjpeg,png,gif,webp,bmp,aac,aac_latm,mpegaudio,opus,vorbis,flac"

./configure \
  --prefix="$OUT" \
  --enable-gpl --enable-version3 \
  --disable-autodetect --disable-doc --disable-debug --disable-ffplay --disable-ffprobe \
  --disable-network --disable-hwaccels --disable-devices --disable-postproc \
  --disable-shared --enable-static --enable-pic \
  --disable-everything \
  --enable-protocol=file,pipe,concat \
  --enable-indev=lavfi \
  --enable-filters \
  --enable-bsfs \
  --enable-decoder="$decoders" --enable-encoder="$encoders" \
  --enable-demuxer="$demuxers" --enable-muxer="$muxers" --enable-parser="$parsers" \
  --enable-libx264 --enable-libass --enable-libfreetype --enable-libfontconfig --enable-libfribidi \
  --enable-zlib --enable-swscale --enable-swresample --enable-avfilter \
  >"$WORK/configure.log" 2>&1 || { tail -30 "$WORK/configure.log" >&2; exit 1; }

say "compiling FFmpeg $(cat VERSION 2>/dev/null || true) (a few minutes)"
make -j"$(nproc)" ffmpeg >"$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
mkdir -p "$OUT/bin"
strip -o "$OUT/bin/ffmpeg" ffmpeg
# In the bundle its shared libraries sit in _internal/, one level up from _internal/ffmpeg/.
patchelf --set-rpath '$ORIGIN/..:$ORIGIN/../lib' "$OUT/bin/ffmpeg"
"$OUT/bin/ffmpeg" -hide_banner -version | head -n1 >&2
echo "$OUT/bin/ffmpeg"
