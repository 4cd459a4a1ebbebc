"""Faults: a run survives transient API errors unattended.

- 20% of paid calls (and polls) fail at random (UNAVAILABLE, RESOURCE_EXHAUSTED,
  DEADLINE_EXCEEDED): every run ends ``complete`` with a valid film and no paid request repeated,
  without a Continue (seeds 1-3 here; seeds 1-10 plus 10 random ones in ``make bench``).
- A video start that times out (the job may exist) fails only its own scene for the moment, is
  started again at the end of the run, and its cost is marked "possibly billed twice"; if that
  retry fails too the run ends "complete with gaps" naming the scene.
- Only errors that cannot heal (auth, permission, quota, budget cap, full disk) end a run.
- The budget cap changed mid-run takes effect before the next paid call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from grok_spicy_desktop.app.projects import new_session
from grok_spicy_desktop.backends.xai import XaiBackend
from grok_spicy_desktop.domain.ledger import AMBIGUOUS_SUFFIX, at_risk_usd, possibly_billed_twice
from grok_spicy_desktop.domain.project import AssetStatus, RunOptions
from grok_spicy_desktop.gui.run_panel import format_cost
from grok_spicy_desktop.pipeline.context import RunContext
from grok_spicy_desktop.pipeline.engine import run_pipeline
from grok_spicy_desktop.pipeline.observer import null_observer
from grok_spicy_desktop.storage.project_store import ProjectStore
from tests.reliability.conftest import (
    SCENE_SECONDS,
    ReliabilityServer,
    fast_settings,
    wait_for,
)
from tests.reliability.faultrun import FAULTS, fast_config, run_once
from tests.xai_server import CHAT_COST_USD, IMAGE_COST_USD

CONCEPT = "A fox and a heron race the incoming tide"


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_run_under_20_percent_faults_completes_unattended(
    seed: int, server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    server = server_factory(fail_rate=0.2, fail_codes=FAULTS, fail_polls=True, seed=seed)
    run = run_once(server, tmp_path / "projects", f"Seed {seed}: {CONCEPT}")
    assert run.status == "complete", run
    assert run.videos_done == run.videos == 3
    assert run.film_seconds > 2 * SCENE_SECONDS * 0.9 and run.has_audio, run
    assert run.repeated_paid == 0, "a paid request was sent twice"
    assert server.entered_paid() > server.paid(), "faults were really injected"


class StickyStartTimeouts(ReliabilityServer):
    """Video starts time out (DEADLINE_EXCEEDED): the first one, and every later start of the same
    scene (same first frame) while ``sticky`` is set. ``ambiguous_starts`` decides whether the job was created anyway."""

    def __init__(self, **kw: Any) -> None:
        self.sticky = bool(kw.pop("sticky", False))
        super().__init__(**kw)
        self.timed_out: list[bytes] = []

    def enter(self, rpc: str, request: Any, context: grpc.ServicerContext) -> Any:
        if rpc == "GenerateVideo":
            # The scene is known by its first frame (the rest of a retried request may differ,
            # e.g. a pinned last frame that exists by then).
            body = request.image.SerializeToString(deterministic=True)
            with self._lock:
                first = not self.timed_out
                again = self.sticky and body in self.timed_out
                if first or again:
                    self.timed_out.append(body)
            if first or again:
                self.fail_next("video", grpc.StatusCode.DEADLINE_EXCEEDED)
        return super().enter(rpc, request, context)


def _start_timeout_server(
    server_factory: Callable[..., ReliabilityServer], **kw: Any
) -> StickyStartTimeouts:
    server = server_factory(cls=StickyStartTimeouts, **kw)
    assert isinstance(server, StickyStartTimeouts)
    return server


@pytest.mark.slow
def test_ambiguous_video_start_fails_one_scene_then_is_retried_and_marked(
    server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    """The job of the timed-out start really exists (and is billed): the retry pays again, and
    the ledger and the cost meter's figure say so."""
    server = _start_timeout_server(server_factory, ambiguous_starts=True)
    store = ProjectStore(tmp_path / "projects")
    handle = store.create(CONCEPT, options=RunOptions(backend="xai"))
    backend = XaiBackend(server.backend_config())
    try:
        outcome = run_pipeline(RunContext(handle, backend, fast_config()))
        project = handle.project
    finally:
        backend.close()
        handle.close()
    assert outcome.status == "complete", outcome.message
    assert all(v.status == AssetStatus.DONE for v in project.videos)
    assert len(server.ambiguous_jobs) == 1 and server.paid("video") == 4
    marked = [c for c in project.calls if c.possibly_billed_twice]
    assert any(AMBIGUOUS_SUFFIX in c.fingerprint and c.cost_usd == 0 for c in marked)
    done = [c for c in marked if c.state == "done"]
    assert len(done) == 1 and done[0].kind == "video", "the scene's own cost is marked"
    assert possibly_billed_twice(project.calls) == [done[0].label]
    at_risk = at_risk_usd(project.calls)
    ambiguous = [c for c in marked if AMBIGUOUS_SUFFIX in c.fingerprint]
    assert len(ambiguous) == 1 and at_risk > 0.05 * SCENE_SECONDS  # the scene's estimate
    assert at_risk == pytest.approx(ambiguous[0].result["at_risk_usd"])
    meter = format_cost(project.spent_usd, None, None, at_risk)
    assert f"up to ${at_risk:,.2f} possibly billed twice" in meter, meter


@pytest.mark.slow
@pytest.mark.parametrize("rounds", [0, 1])
def test_ambiguous_start_that_keeps_failing_ends_complete_with_gaps(
    rounds: int, server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    """Every start of one scene times out; with the end-of-run retry off (0 rounds) or after
    it, the run still ends with a film of the other scenes, naming the missing one."""
    server = _start_timeout_server(server_factory, sticky=True)
    run = run_once(server, tmp_path / "projects", CONCEPT, end_retry_rounds=rounds)
    assert run.status == "complete_with_gaps", run
    assert run.videos_done == 2 and run.film_seconds > 0
    assert "Finished with gaps (1 missing): scene " in run.message, run.message
    assert "video start got no answer" in run.message, run.message
    assert len(server.timed_out) == 1 + rounds, "one start, plus one per retry round"
    assert run.repeated_paid == 0


@pytest.mark.slow
def test_polls_failing_for_a_while_do_not_fail_the_video(
    server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    """More poll failures in a row than the backend's own attempts: polling keeps going."""
    server = server_factory(video_pending_polls=2)
    server.fail_next("poll", grpc.StatusCode.UNAVAILABLE, n=15)
    run = run_once(server, tmp_path / "projects", CONCEPT)
    assert run.status == "complete", run
    assert server.paid("video") == 3 and run.repeated_paid == 0


@pytest.mark.slow
def test_an_error_that_is_not_transient_fails_one_asset_only(
    server_factory: Callable[..., ReliabilityServer], tmp_path: Path
) -> None:
    server = server_factory()
    server.fail_next("video", grpc.StatusCode.INVALID_ARGUMENT, details="bad frame")
    run = run_once(server, tmp_path / "projects", CONCEPT)
    assert run.status == "complete_with_gaps", run
    assert run.videos_done == 2 and "bad frame" in run.message


@pytest.mark.parametrize(
    ("code", "details", "words"),
    [
        (grpc.StatusCode.RESOURCE_EXHAUSTED, "You have exhausted your credits", "credits"),
        (grpc.StatusCode.PERMISSION_DENIED, "model not allowed", "not allowed"),
    ],
)
def test_errors_that_cannot_heal_end_the_run(
    code: grpc.StatusCode,
    details: str,
    words: str,
    server_factory: Callable[..., ReliabilityServer],
    tmp_path: Path,
) -> None:
    server = server_factory()
    server.fail_next("image", code, details=details)
    run = run_once(server, tmp_path / "projects", CONCEPT)
    assert run.status == "failed" and words in run.message, run
    assert server.paid("video") == 0


@pytest.mark.slow
def test_budget_cap_lowered_mid_run_stops_before_it_is_passed(
    server_factory: Callable[..., ReliabilityServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Settings -> Save while a run goes (``ProjectSession.apply_settings``, what the settings
    dialog calls): the new, lower cap applies to the very next paid call."""
    server = server_factory()
    monkeypatch.setenv("XAI_API_KEY", server.options.api_key)
    monkeypatch.setenv("XAI_API_HOST", server.host)
    settings = fast_settings(tmp_path)
    session = new_session(CONCEPT, RunOptions(backend="xai"), {}, settings)
    caps: list[float] = []

    def lower_the_cap() -> None:
        wait_for(lambda: server.paid("image") >= 2, 60, "both character sheets")
        # What the server has billed (the app's ledger may not have the last answer yet), plus
        # room for what is in flight when the second sheet is billed: the three plates' images
        # start with the sheets, and the first checks; not a keyframe (it waits for its sheets'
        # checks) nor a video.
        billed = server.paid("chat") * CHAT_COST_USD + server.paid("image") * IMAGE_COST_USD
        cap = round(billed + 0.07, 4)
        session.apply_settings(settings.model_copy(update={"budget_usd": cap}))
        caps.append(cap)

    changer = threading.Thread(target=lower_the_cap)
    changer.start()
    try:
        outcome = session.run(null_observer, threading.Event(), stop_after_plan=False)
        changer.join()
        spent = session.project.spent_usd
    finally:
        session.close()
    assert outcome.status == "failed" and "Budget cap" in outcome.message, outcome.message
    assert spent <= caps[0] + 1e-9, (spent, caps)
    assert server.paid("video") == 0


def test_continue_on_the_same_session_after_a_stop(
    server_factory: Callable[..., ReliabilityServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancel while a video start is in flight, then Continue in the same session (as the GUI
    does). The job's id is saved as pending, so Continue must poll it, not give up."""
    server = server_factory(slow={"video": 1.0})
    monkeypatch.setenv("XAI_API_KEY", server.options.api_key)
    monkeypatch.setenv("XAI_API_HOST", server.host)
    session = new_session(
        CONCEPT, RunOptions(backend="xai", scene_count=1), {}, fast_settings(tmp_path)
    )
    try:
        cancel = threading.Event()

        def stop_while_polling() -> None:
            wait_for(lambda: server.count("video") >= 1, 60, "video start")
            cancel.set()

        stopper = threading.Thread(target=stop_while_polling)
        stopper.start()
        first = session.run(null_observer, cancel, stop_after_plan=False)
        stopper.join()
        assert first.status == "cancelled"
        server.slow.clear()
        again = session.run(null_observer, threading.Event(), stop_after_plan=False)
        assert again.status == "complete", again.message
        assert server.paid("video") == 1 and server.count_repeated_paid() == 0
    finally:
        session.close()
