"""``grok-spicy export PROJECT_DIR``: what the export dialog does, headless (a contract).

Prints the written film's absolute path on stdout; messages go to stderr. ``cmd_export`` returns
an outcome that ``cli`` maps to the exit codes of ``run``: complete 0, bad input 2 (one line, no
traceback), failed 4 (the encode failed), cancelled 130.
Nothing existing is replaced without ``--overwrite``; without ``--output`` the film goes to
``PROJECT_DIR/exports/<project name>.mp4`` under a name not taken yet.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

ExportOutcome = Literal["complete", "bad_input", "failed", "cancelled"]

RESOLUTIONS = ("480p", "720p", "1080p")
QUALITIES = ("draft", "standard", "high")


class ExportUsageError(Exception):
    """Bad input for ``export``: printed as one line, exit code 2."""


def add_export_parser(sub: Any) -> None:
    ex = sub.add_parser(
        "export", help="export a project's film headless (what the export dialog does)"
    )
    ex.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    ex.add_argument(
        "--output", type=Path, metavar="FILE", help="the MP4 to write (default: in exports/)"
    )
    ex.add_argument("--resolution", choices=RESOLUTIONS, help="default: the project's")
    ex.add_argument("--quality", choices=QUALITIES, default="standard")
    ex.add_argument("--no-audio", action="store_true", help="leave the clips' sound out")
    ex.add_argument("--srt", action="store_true", help="also write the dialogue as FILE.srt")
    ex.add_argument("--captions", action="store_true", help="burn the dialogue into the picture")
    ex.add_argument("--speaker-names", action="store_true", help="subtitles start with 'Name:'")
    ex.add_argument("--clips", action="store_true", help="also write each scene as its own MP4")
    ex.add_argument(
        "--music", type=Path, metavar="FILE", help="mp3/wav/m4a/ogg/flac under the film"
    )
    ex.add_argument("--music-volume", type=float, metavar="0-1", help="music level (default 0.35)")
    ex.add_argument("--overwrite", action="store_true", help="replace existing files")
    ex.add_argument("-v", "--verbose", action="store_true")


def _music(args: argparse.Namespace) -> Any:
    from .media.errors import MediaError
    from .media.music import DEFAULT_VOLUME, MusicBed, check_music

    volume = DEFAULT_VOLUME if args.music_volume is None else args.music_volume
    if not 0.0 <= volume <= 1.0:
        raise ExportUsageError(f"--music-volume {volume:g}: give a number from 0 to 1.")
    if args.music is None:
        if args.music_volume is not None:
            raise ExportUsageError("--music-volume needs --music FILE.")
        return None
    path = args.music.expanduser().resolve()
    try:
        check_music(path)
    except MediaError as exc:
        raise ExportUsageError(f"--music: {exc}") from None
    return MusicBed(path, volume)


def _destination(args: argparse.Namespace, session: Any) -> Path:
    from .storage.fsutil import sanitize_filename, unique_path

    if args.output is not None:
        dest = args.output.expanduser().resolve()
        if dest.suffix == "":
            dest = dest.with_suffix(".mp4")
        if dest.suffix.lower() != ".mp4":
            raise ExportUsageError(
                f"--output {args.output}: export writes MP4; use {dest.stem}.mp4"
            )
        if dest.is_dir():
            raise ExportUsageError(f"--output {args.output} is a folder; give a file name.")
        return dest
    folder = session.path.resolve() / "exports"
    return unique_path(folder, sanitize_filename(session.project.name, fallback="film"), "mp4")


def cmd_export(
    args: argparse.Namespace, install_sigint: Callable[[threading.Event], None]
) -> ExportOutcome:
    from .app.projects import open_session
    from .media.errors import DestinationExists, MediaError
    from .media.export import ExportOptions
    from .media.ffmpeg import FFmpegCancelled, FFmpegError
    from .storage.fsutil import StorageError
    from .storage.settings import load_settings

    folder = args.project_dir.expanduser()
    if not (folder / "project.json").is_file():
        print(f"grok-spicy: {folder} is not a project folder (no project.json).", file=sys.stderr)
        return "bad_input"
    try:
        music = _music(args)
        session = open_session(folder, load_settings(), readonly=True)
    except ExportUsageError as exc:
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return "bad_input"
    except (StorageError, ValueError) as exc:
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return "bad_input"
    for notice in session.handle.notices:
        print(f"Warning: {notice}", file=sys.stderr)
    try:
        dest = _destination(args, session)
        options = ExportOptions(
            dest=dest,
            resolution=args.resolution or session.project.options.resolution,
            quality=args.quality,
            include_audio=not args.no_audio,
            subtitles=args.srt,
            burn_captions=args.captions,
            speaker_names=args.speaker_names,
            per_scene_clips=args.clips,
            overwrite=args.overwrite,
            music=music,
        )
        cancel = threading.Event()
        install_sigint(cancel)
        print(f"Exporting {session.project.name} to {dest}…", file=sys.stderr)
        result = session.export(options, cancel, lambda fraction: None)
    except ExportUsageError as exc:
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return "bad_input"
    except FFmpegCancelled:
        print("Export cancelled; nothing was written.", file=sys.stderr)
        return "cancelled"
    except DestinationExists as exc:
        print(f"grok-spicy: {exc} (or pass --overwrite)", file=sys.stderr)
        return "bad_input"
    except (MediaError, ValueError) as exc:
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return "bad_input"
    except FFmpegError as exc:
        print(f"grok-spicy: the export failed: {exc}", file=sys.stderr)
        return "failed"
    finally:
        session.close()
    for extra in [result.srt_path, *result.scene_paths]:
        if extra is not None:
            print(f"Also wrote {extra}", file=sys.stderr)
    print(str(Path(result.path).resolve()))
    return "complete"
