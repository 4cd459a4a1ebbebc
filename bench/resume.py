"""Benchmark 2b: SIGKILL the headless CLI mid-run, resume it, count repeated paid calls.

The server runs in this process (so its counters can be read live); the client is the real
``python -m grok_spicy_desktop run ... --backend xai`` in a subprocess, killed with SIGKILL
once the server has answered N paid calls, then ``python -m grok_spicy_desktop resume D``.

The kill is triggered by the app's own ledger (``project.json``): once it holds N paid
answers. A paid request the server had received but whose answer the app had not recorded at the
kill (in flight, or answered a moment before) is billed, yet its answer never reached the app,
so resuming must send it again: that repeat is unavoidable and is counted separately as
``unrecorded_at_kill`` = (paid requests the server billed before the resume) - (ledger records
at the kill); requests still in transit at the kill arrive during the grace wait, so they are
counted too. The target is zero repeats beyond those.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .env import BENCH_KEY, child_env, python
from .latency import LatencyModel
from .schedule import CONCEPT, expected_paid
from .server import BenchXaiServer

CLI = ["-m", "grok_spicy_desktop"]


def _write_settings(poll_interval_s: float) -> None:
    from grok_spicy_desktop.storage.settings import Settings, save_settings

    save_settings(Settings(video_poll_interval_s=poll_interval_s))


def ledger_count(project_file: Path) -> int:
    """Paid answers the app has recorded (done, pending video jobs, moderated)."""
    try:
        data = json.loads(project_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(
        1
        for c in data.get("calls", [])
        if c.get("state") in ("done", "pending", "moderated")
        and not str(c.get("fingerprint", "")).endswith("~superseded")
    )


def kill_and_resume(
    lat: LatencyModel,
    kill_after_paid: int,
    work: Path,
    *,
    characters: int = 2,
    scenes: int = 3,
    clip_seconds: int = 6,
    poll_interval_s: float = 0.05,
    timeout_s: float = 300.0,
) -> dict[str, Any]:
    _write_settings(poll_interval_s)
    folder = Path(tempfile.mkdtemp(prefix="resume-", dir=work)) / "project"
    with BenchXaiServer(
        lat, characters=characters, clip_seconds=clip_seconds, api_key=BENCH_KEY
    ) as server:
        env = child_env(XAI_API_KEY=BENCH_KEY, XAI_API_HOST=server.host)
        run_cmd = [
            python(),
            *CLI,
            "run",
            CONCEPT,
            "--output-dir",
            str(folder),
            "--backend",
            "xai",
            "--scenes",
            str(scenes),
            "--aspect-ratio",
            "16:9",
        ]
        proc = subprocess.Popen(
            run_cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + timeout_s
        received = 0
        recorded = 0
        project_file = folder / "project.json"
        while proc.poll() is None and time.monotonic() < deadline:
            if ledger_count(project_file) >= kill_after_paid:
                os.kill(proc.pid, signal.SIGKILL)
                received = sum(server.paid_calls.values()) + server.inflight_paid()
                break
            time.sleep(0.01)
        proc.wait(30)
        recorded = ledger_count(project_file)
        first_err = proc.stderr.read() if proc.stderr else ""
        if proc.returncode != -signal.SIGKILL:
            raise RuntimeError(
                f"the run was not killed (exit {proc.returncode}); stderr: {first_err[-800:]}"
            )
        time.sleep(max(lat.image, lat.vision, lat.chat) + 0.2)  # in-flight handlers finish
        before = dict(server.paid_calls)
        received = max(received, sum(before.values()))  # incl. requests in transit at the kill
        resumed = subprocess.run(
            [python(), *CLI, "resume", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if resumed.returncode != 0:
            raise RuntimeError(f"resume exited {resumed.returncode}: {resumed.stderr[-1200:]}")
        repeated = server.count_repeated_paid()
        total = dict(server.paid_calls)
    return {
        "kill_after_recorded": kill_after_paid,
        "recorded_at_kill": recorded,
        "received_at_kill": received,
        "unrecorded_at_kill": max(0, received - recorded),
        "paid_before_resume": before,
        "paid_total": total,
        "paid_expected_without_kill": expected_paid(characters, scenes),
        "repeated_paid": repeated,
        "repeated_beyond_unrecorded": max(0, repeated - max(0, received - recorded)),
        "final_video": resumed.stdout.strip().splitlines()[-1] if resumed.stdout.strip() else "",
    }
