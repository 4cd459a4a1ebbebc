"""The command line: ``grok-spicy`` opens the app; ``run``/``resume``/``plan``/``check-key`` work headless.

Exit codes are a contract: 0 complete, 2 usage or bad input, 3 complete with gaps, 4 failed,
130 cancelled. A successful run prints the final video's absolute path on stdout; everything
else (progress, messages) goes to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cli_export import add_export_parser, cmd_export
from .cli_plan import add_plan_parser, cmd_plan
from .domain.project import RunStatus
from .domain.rules import MAX_REFERENCES

EXIT_OK, EXIT_USAGE, EXIT_GAPS, EXIT_FAILED, EXIT_CANCELLED = 0, 2, 3, 4, 130
OUTCOME_EXIT = {
    RunStatus.COMPLETE: EXIT_OK,
    RunStatus.COMPLETE_WITH_GAPS: EXIT_GAPS,
    RunStatus.FAILED: EXIT_FAILED,
    RunStatus.CANCELLED: EXIT_CANCELLED,
    RunStatus.PAUSED: EXIT_OK,
}
SAMPLE_CONCEPT = (
    "A shy robot gardener named Pip and a curious fox named Juniper discover a glowing seed "
    "in a moonlit greenhouse and decide to plant it together."
)

log = logging.getLogger("grok_spicy_desktop.cli")


class UsageError(Exception):
    """Bad input: printed as one clear line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"grok-spicy: {message}\nRun `grok-spicy --help` for usage.\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="grok-spicy",
        description="Turn a story idea into a short AI video with consistent "
        "characters. Without a command, the desktop app opens.",
    )
    p.add_argument("--version", action="version", version=f"grok-spicy {__version__}")
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        type=Path,
        help="render the main window to PNG and exit (with --project: that project)",
    )
    p.add_argument("--project", metavar="DIR", type=Path, help="project folder to open")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation (Qt multimedia, FFmpeg, keyring, an offline run) and exit",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug output on the console")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="run the whole pipeline headless on a concept")
    run.add_argument("concept", nargs="?", help="the story concept, one or two sentences")
    run.add_argument(
        "--ref",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a reference photo for a character (repeatable, up to 3 per name)",
    )
    run.add_argument(
        "--prompt-file",
        type=Path,
        metavar="F",
        help="file with one concept per non-empty line (# starts a comment); each its own project",
    )
    run.add_argument(
        "--output-dir", type=Path, metavar="D", help="create the project folder(s) here"
    )
    run.add_argument(
        "--backend", choices=["xai", "offline"], help="default: xai when a key is set, else offline"
    )
    run.add_argument("--scenes", type=int, metavar="N", help="number of scenes (1-12)")
    run.add_argument("--aspect-ratio", metavar="W:H", help="16:9, 9:16, 1:1, 4:3, 3:4, 3:2 or 2:3")
    run.add_argument("--style", help="visual style hint")
    run.add_argument("--keyframes", choices=("plates", "chained"), help="default: plates")
    run.add_argument("-v", "--verbose", action="store_true", help="debug output on the console")

    add_plan_parser(sub)

    resume = sub.add_parser(
        "resume", help="continue a project where it stopped (nothing paid twice)"
    )
    resume.add_argument("project_dir", type=Path, metavar="PROJECT_DIR")
    resume.add_argument("--backend", choices=["xai", "offline"])
    resume.add_argument("-v", "--verbose", action="store_true")

    ck = sub.add_parser("check-key", help="check the configured xAI key against the endpoint")
    ck.add_argument("-v", "--verbose", action="store_true")

    sub.add_parser(
        "launch", help="open the app, or without a display run the offline demo headless"
    )
    add_export_parser(sub)
    return p


# -- helpers ---------------------------------------------------------------------------------


def parse_refs(items: Sequence[str]) -> dict[str, list[Path]]:
    from .app.references import check_reference_file

    refs: dict[str, list[Path]] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(f"--ref {item!r}: use NAME=PATH, e.g. --ref Mara=photos/mara.jpg")
        file = Path(path.strip()).expanduser()
        try:
            check_reference_file(file)
        except ValueError as exc:
            raise UsageError(f"--ref {name.strip()}: {exc}") from exc
        refs.setdefault(name.strip(), []).append(file)
        if len(refs[name.strip()]) > MAX_REFERENCES:
            raise UsageError(
                f"--ref {name.strip()}: at most {MAX_REFERENCES} photos per character."
            )
    return refs


def read_prompt_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"--prompt-file {path}: file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--prompt-file {path}: cannot read it as UTF-8 text ({exc}).") from None
    concepts = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not concepts:
        raise UsageError(
            f"--prompt-file {path}: no concepts in it (one per line; # starts a comment)."
        )
    return concepts


def _install_sigint(cancel: threading.Event) -> None:
    def handler(signum: int, frame: object) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        print("\nCancelling… (press Ctrl+C again to stop at once)", file=sys.stderr)
        cancel.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, handler)


def _run_session(session, cancel: threading.Event) -> int:  # type: ignore[no-untyped-def]
    from .terminal import TerminalObserver

    with TerminalObserver(session.project.name, sys.stderr) as observer:
        outcome = session.run(observer, cancel, stop_after_plan=False)
    code = OUTCOME_EXIT.get(outcome.status, EXIT_FAILED)
    if outcome.status.finished and outcome.final_video:
        final = session.path / outcome.final_video
        if outcome.status == RunStatus.COMPLETE_WITH_GAPS:
            print(f"Completed with gaps: {outcome.message}", file=sys.stderr)
        print(f"Project: {session.path}", file=sys.stderr)
        print(str(final.resolve()))
    else:
        print(
            f"{outcome.status.replace('_', ' ').capitalize()}: {outcome.message}", file=sys.stderr
        )
        print(
            f'Project: {session.path}  (resume with: grok-spicy resume "{session.path}")',
            file=sys.stderr,
        )
    return code


def cmd_run(args: argparse.Namespace) -> int:
    from .app.projects import new_session, resolve_backend
    from .domain.project import RunOptions
    from .domain.story import nearest_aspect_ratio
    from .storage.fsutil import sanitize_filename
    from .storage.settings import load_settings

    if args.concept and args.prompt_file:
        raise UsageError("Give either a concept or --prompt-file, not both.")
    if not args.concept and not args.prompt_file:
        raise UsageError(
            'Give a concept, e.g. grok-spicy run "A lighthouse keeper befriends a lost whale".'
        )
    concepts = read_prompt_file(args.prompt_file) if args.prompt_file else [args.concept]
    from .pipeline.plan import check_concept

    for c in concepts:
        try:
            check_concept(c)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    refs = parse_refs(args.ref)
    if args.scenes is not None and not 1 <= args.scenes <= 12:
        raise UsageError("--scenes must be between 1 and 12.")
    settings = load_settings()
    kind, why = resolve_backend(args.backend, settings)
    print(why, file=sys.stderr)
    output_dir: Path | None = args.output_dir.expanduser().resolve() if args.output_dir else None
    if output_dir is not None:
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"--output-dir {output_dir}: cannot create it ({exc.strerror})."
            ) from None
    cancel = threading.Event()
    _install_sigint(cancel)
    worst = EXIT_OK
    for concept in concepts:
        options = RunOptions(
            backend="xai" if kind == "xai" else "offline",
            scene_count=args.scenes,
            style=args.style,  # type: ignore[arg-type]
            aspect_ratio=nearest_aspect_ratio(args.aspect_ratio) if args.aspect_ratio else None,
            resolution=settings.video_resolution,
            keyframe_mode=args.keyframes or "plates",
        )  # type: ignore[arg-type]
        folder = None
        if output_dir is not None:
            from .storage.fsutil import unique_path

            stem = sanitize_filename(" ".join(concept.split()[:6]), fallback="project")
            folder = (
                unique_path(output_dir, stem, "")
                if len(concepts) > 1 or any(output_dir.iterdir())
                else output_dir
            )
        try:
            session = new_session(concept, options, refs, settings, folder=folder)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        try:
            code = _run_session(session, cancel)
        finally:
            session.close()
        worst = code if _severity(code) > _severity(worst) else worst
        if code == EXIT_CANCELLED:
            break
    return worst


def _severity(code: int) -> int:
    return {EXIT_OK: 0, EXIT_GAPS: 1, EXIT_FAILED: 2, EXIT_CANCELLED: 3}.get(code, 2)


def cmd_resume(args: argparse.Namespace) -> int:
    from .app.projects import open_session, resolve_backend
    from .storage.settings import load_settings

    settings = load_settings()
    path = args.project_dir.expanduser()
    session = open_session(path, settings)
    try:
        if session.readonly:
            raise UsageError(session.handle.readonly_reason or "The project is open elsewhere.")
        if session.handle.recovered_from:
            print(session.handle.recovered_from, file=sys.stderr)
        for notice in session.handle.notices:
            print(f"Warning: {notice}", file=sys.stderr)
        requested = args.backend or session.project.options.backend
        kind, why = resolve_backend(requested, settings)
        session.backend_kind = kind
        print(why, file=sys.stderr)
        cancel = threading.Event()
        _install_sigint(cancel)
        return _run_session(session, cancel)
    finally:
        session.close()


def cmd_check_key() -> int:
    from .app.projects import check_key
    from .storage.secrets import get_api_key
    from .storage.settings import load_settings

    if not get_api_key().key:
        print(
            "No xAI API key is configured. Set XAI_API_KEY, or add the key in the app's Settings "
            "(it is stored in the system keyring).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    ok, message = check_key(load_settings())
    print(message, file=sys.stderr if not ok else sys.stdout)
    return EXIT_OK if ok else EXIT_FAILED


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .storage.logging_setup import setup_logging

    verbose = bool(getattr(args, "verbose", False))
    try:
        if args.self_test:
            from .selftest import run_self_test

            # No setup_logging here: the self-test must leave the user's folders untouched.
            return run_self_test()
        if args.screenshot:
            setup_logging(verbose=verbose, console=verbose)
            from .gui.screenshot import take_screenshot

            return take_screenshot(
                Path(args.screenshot), Path(args.project) if args.project else None
            )
        if args.command is None:
            setup_logging(verbose=verbose, console=verbose)
            from .gui.app import run_gui

            return run_gui(sys.argv[:1], args.project)
        setup_logging(verbose=verbose, console=verbose)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "resume":
            return cmd_resume(args)
        if args.command == "plan":
            return cmd_plan(args, parse_refs)
        if args.command == "check-key":
            return cmd_check_key()
        if args.command == "export":
            outcome = cmd_export(args, _install_sigint)
            return EXIT_USAGE if outcome == "bad_input" else OUTCOME_EXIT[RunStatus(outcome)]
        if args.command == "launch":
            if has_display():
                from .gui.app import run_gui

                return run_gui(sys.argv[:1], None)
            print(
                "No display found: running the offline demo headless instead of opening the app.",
                file=sys.stderr,
            )
            return main(["run", SAMPLE_CONCEPT, "--backend", "offline"])
    except UsageError as exc:
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:
        return _report(exc)
    return EXIT_USAGE


def _report(exc: Exception) -> int:
    """Known errors become one clear line; anything else is logged with its traceback."""
    from .backends.base import BackendError
    from .media.ffmpeg import FFmpegError
    from .storage.fsutil import StorageError

    if isinstance(exc, BackendError):
        print(f"grok-spicy: {exc.user_text()}", file=sys.stderr)
        return EXIT_USAGE if exc.kind == "auth" else EXIT_FAILED
    if isinstance(exc, StorageError):
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, FFmpegError):
        print(f"grok-spicy: {exc}", file=sys.stderr)
        return EXIT_FAILED
    log.exception("unexpected error")
    from .storage.paths import log_dir

    print(
        f"grok-spicy: unexpected error: {exc.__class__.__name__}: {exc}. Details are in the log "
        f"({log_dir()}).",
        file=sys.stderr,
    )
    return EXIT_FAILED
