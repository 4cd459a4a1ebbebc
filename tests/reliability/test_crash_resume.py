"""Crashes: the headless run is SIGKILLed at many points; the project always loads again and
``grok-spicy resume`` finishes it without paying for anything twice.

Kill points are chosen either from outside (watching the server's calls or the project folder,
with a slow RPC so the process is mid-call) or from inside via ``crashing_cli`` (which kills the
process at a chosen ``project.json`` write, or just after a vision answer / a *done* poll
arrives). The server never bills a call whose client died before the answer was sent. For each
kill the test records which paid answers the server had sent and the app had not persisted; a
repeated paid request on resume is excused only if its first answer was sent within the measured
kill window (``window.KILL_WINDOW_S``) before the kill. Every other repeat fails the test.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grok_spicy_desktop.media.probe import probe
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.reliability.conftest import (
    FULL_RUN,
    Cli,
    ReliabilityServer,
    no_traceback,
    read_project,
    sigkill,
    wait_for,
)
from tests.reliability.window import judge, ledger_counts

pytestmark = pytest.mark.slow

CONCEPT = "A lighthouse keeper befriends a lost whale during a winter storm"
SLOW = 60.0  # long enough that the kill always lands mid-call


def _videos_done(folder: Path) -> bool:
    data = read_project(folder)
    return data is not None and any(v.get("status") == "done" for v in data.get("videos", []))


@dataclass
class KillPoint:
    name: str
    server: dict[str, object] = field(default_factory=dict)
    trigger: Callable[[ReliabilityServer, Path], bool] | None = None
    crash: dict[str, str] | None = None  # crashing_cli environment
    mid_call: str | None = None  # the RPC kind the process must have been waiting on


KILL_POINTS = [
    KillPoint(
        "planning: plan request in flight",
        {"slow": {"chat": SLOW}},
        lambda s, f: s.count("chat") >= 1,
        mid_call="chat",
    ),
    KillPoint(
        "planning: plan being saved (half-written temp file)",
        crash={"GS_KILL_SAVE_MATCH": '"plan": {', "GS_KILL_MODE": "mid_write"},
    ),
    KillPoint(
        "planning: plan saved, temp file not yet renamed",
        crash={"GS_KILL_SAVE_MATCH": '"plan": {', "GS_KILL_MODE": "before_replace"},
    ),
    KillPoint(
        "character sheets: image request in flight",
        {"slow": {"image": SLOW}},
        lambda s, f: s.count("image") >= 1,
        mid_call="image",
    ),
    KillPoint(
        "keyframes: keyframe request in flight after both sheets",
        {"slow": {"image": SLOW}, "slow_after": {"image": 2}},
        lambda s, f: s.count("image") >= 3,
        mid_call="image",
    ),
    KillPoint(
        "videos: video start in flight",
        {"slow": {"video": SLOW}},
        lambda s, f: s.count("video") >= 1,
        mid_call="video",
    ),
    KillPoint(
        "videos: while a video is polled (request in flight)",
        {"slow": {"poll": SLOW}},
        lambda s, f: s.count("poll") >= 1,
        mid_call="poll",
    ),
    KillPoint(
        "videos: between polls of pending jobs",
        {"video_pending_polls": 10**6},
        lambda s, f: s.count("poll") >= 4,
    ),
    KillPoint(
        # With plates (issue 18) every keyframe is made before the videos, so no keyframe is in
        # flight any more when the first video is done: the kill lands between videos.
        "videos: first scene video downloaded, others in flight",
        {},
        lambda s, f: _videos_done(f),
        # keyframes may all be final by then (plates mode makes them in parallel)
    ),
    KillPoint(
        "checks: just after a vision answer arrives (4th check)",
        crash={"GS_KILL_AFTER_CALL": "score", "GS_KILL_CALL_NTH": "4"},
    ),
    KillPoint(
        "videos: just after a video poll returns done",
        crash={"GS_KILL_AFTER_CALL": "poll_done"},
    ),
    KillPoint(
        "assembly: normalizing clips",
        {},
        lambda s, f: (f / "videos" / "normalized").exists(),
    ),
    KillPoint(
        "finish: final project.json being written",
        crash={"GS_KILL_SAVE_MATCH": '"status": "complete"', "GS_KILL_MODE": "mid_write"},
    ),
]


@pytest.mark.parametrize(
    "point",
    KILL_POINTS,
    ids=lambda p: p.name.split(":")[0] + ":" + p.name.split(": ")[1].replace(" ", "-"),
)
def test_sigkill_then_resume_pays_nothing_twice(
    point: KillPoint,
    server_factory: Callable[..., ReliabilityServer],
    cli_for: Callable[..., Cli],
    tmp_path: Path,
) -> None:
    server = server_factory(**point.server)
    cli = cli_for(server)
    folder = tmp_path / "project"
    stamp = tmp_path / "killed_at"
    crash = {**point.crash, "GS_KILL_STAMP": str(stamp)} if point.crash else None
    proc = cli.start("run", CONCEPT, "--output-dir", str(folder), crash=crash)
    try:
        if point.trigger is not None:
            trigger = point.trigger
            wait_for(
                lambda: trigger(server, folder) or proc.poll() is not None,
                timeout=90,
                what=point.name,
            )
            assert proc.poll() is None, f"the run ended before the kill point: {proc.stderr}"
        else:
            proc.wait(timeout=90)  # crashing_cli kills itself
    finally:
        _out, err, killed_at = sigkill(proc)
    assert proc.returncode == -9, f"not killed at {point.name}: rc={proc.returncode}\n{err}"
    if point.crash:  # killed itself: it wrote the time just before
        killed_at = float(stamp.read_text(encoding="utf-8"))
    persisted = ledger_counts(folder / "project.json")

    # The server stops being slow; jobs finish at the next poll.
    server.slow.clear()
    server.options.video_pending_polls = 1
    if point.mid_call:
        wait_for(lambda: point.mid_call in {_k(r) for r in server.abandoned}, 10, "abandoned")

    # The project still loads (read-only peek, as a second window would).
    handle = ProjectStore(tmp_path / "projects").open(folder, readonly=True)
    try:
        assert handle.project.concept == CONCEPT
    finally:
        handle.close()

    resumed_at = time.monotonic()
    resumed = cli.run("resume", str(folder), timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert no_traceback(resumed.stderr)
    final = Path(resumed.stdout.strip().splitlines()[-1])
    assert final == (folder / "final_video.mp4").resolve() and final.is_file()
    assert probe(final).duration > 3.0
    report = judge(server.paid_log(), killed_at, persisted, resumed_at)
    print(f"{point.name}: {report}")
    assert report.avoidable == [], f"{report}; {_repeats(server)}"
    excused = report.may_pay_again()
    extra = server.paid_calls - FULL_RUN
    assert server.paid_calls - FULL_RUN - excused == Counter() and all(
        server.paid_calls[k] >= n for k, n in FULL_RUN.items()
    ), (
        f"extra paid calls {dict(extra)} beyond what the kill window excuses; "
        f"a resumed run pays what one clean run pays, plus answers lost in the kill window: "
        f"{report}"
    )


def _k(rpc: str) -> str:
    from tests.xai_server import RPC_KIND

    return RPC_KIND.get(rpc, rpc)


def _repeats(server: ReliabilityServer) -> str:
    return f"paid calls: {dict(server.paid_calls)}; abandoned: {server.abandoned}"
