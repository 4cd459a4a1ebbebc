"""PyInstaller runtime hook: point imageio-ffmpeg (and the app's ``find_ffmpeg``) at the FFmpeg
staged as ``<bundle>/_internal/ffmpeg/ffmpeg[.exe]``.

The spec drops the copy hooks-contrib would collect under ``imageio_ffmpeg/binaries`` (it has a
versioned name), so without this variable imageio-ffmpeg would look for a file that is not there.
A user-set ``IMAGEIO_FFMPEG_EXE`` wins, which keeps "use my own FFmpeg" possible.
"""

import os
import sys

_base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
_exe = os.path.join(_base, "ffmpeg", "ffmpeg.exe" if os.name == "nt" else "ffmpeg")
if os.path.isfile(_exe):
    os.environ.setdefault("IMAGEIO_FFMPEG_EXE", _exe)
