"""Qt measurements, each in a fresh process (``python -m bench.qt_probe MODE ...``).

A fresh process per measurement keeps start-up cold and peak RSS honest (nothing else of the
suite is in memory). Each mode prints one JSON line on stdout; the parent parses the last line.

- ``startup T0``: build the app exactly as ``run_gui`` does and exit at the first paint of the
  main window; ``T0`` is the parent's ``time.monotonic()`` just before spawning (the clock is
  system-wide on Linux), so the figure includes interpreter start and every import.
- ``memory PROJECT_DIR``: open a project in the main window, let thumbnails load, select each
  scene, and read the peak RSS (``VmHWM``) from ``/proc/self/status``.
- ``responsive SCENES``: a 5 ms heartbeat timer on the GUI thread while the window's own demo
  action runs a full offline project through the real Worker / QtObserver path; the gaps
  between heartbeats are the event-loop stalls.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HEARTBEAT_MS = 5


def _emit(data: dict[str, Any]) -> None:
    print(json.dumps(data), flush=True)


def _proc_status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def startup(t0: float) -> None:
    from PySide6.QtCore import QEvent, QObject

    from grok_spicy_desktop.gui.app import create_app
    from grok_spicy_desktop.gui.main_window import MainWindow
    from grok_spicy_desktop.gui.theme import apply_theme
    from grok_spicy_desktop.storage.logging_setup import setup_logging
    from grok_spicy_desktop.storage.settings import load_settings

    imported = time.monotonic()
    setup_logging(console=False)
    app = create_app(["grok-spicy"])
    settings = load_settings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings)
    window.persist_settings = False

    class FirstPaint(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                now = time.monotonic()
                _emit(
                    {
                        "first_paint_s": now - t0,
                        "imports_s": imported - t0,
                        "platform": app.platformName(),
                    }
                )
                os._exit(0)  # the measurement ends here; teardown is not start-up
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    app.exec()
    _emit({"error": "the window was never painted"})
    sys.exit(1)


def _process_events_for(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def memory(project_dir: Path) -> None:
    from grok_spicy_desktop.gui.app import create_app
    from grok_spicy_desktop.gui.main_window import MainWindow
    from grok_spicy_desktop.storage.settings import Settings

    create_app(["grok-spicy"])
    window = MainWindow(Settings())
    window.persist_settings = False
    window.show()
    before = _proc_status_kib("VmHWM")
    if not window.open_path(project_dir):
        _emit({"error": f"could not open {project_dir}"})
        sys.exit(1)
    _process_events_for(1.5)  # thumbnails decode off the GUI thread, then paint
    session = window.session
    scenes = [s.scene_id for s in session.project.plan.scenes]
    for sid in scenes:
        window.select_scene(sid)
        _process_events_for(0.05)
    _process_events_for(0.5)
    _emit(
        {
            "scenes": len(scenes),
            "peak_rss_mib": (_proc_status_kib("VmHWM") or 0) / 1024,
            "rss_mib": (_proc_status_kib("VmRSS") or 0) / 1024,
            "window_only_peak_mib": (before or 0) / 1024,
        }
    )
    window.close_without_asking = True
    os._exit(0)


class StallSampler:
    """Samples the GUI thread's Python stack whenever the heartbeat is late (attribution).

    Runs on its own thread; when the last heartbeat is older than ``late_ms`` it records the
    GUI thread's innermost app frames, so the report can say *what* the loop was doing.
    """

    def __init__(self, ticks: list[float], late_ms: float = 30.0) -> None:
        import threading
        from collections import Counter

        self.ticks = ticks
        self.late = late_ms / 1000
        self.counts: Counter[str] = Counter()
        self.main_id = threading.main_thread().ident
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import traceback

        while not self.stop.wait(0.005):
            if not self.ticks or time.monotonic() - self.ticks[-1] < self.late:
                continue
            frame = sys._current_frames().get(self.main_id)  # type: ignore[arg-type]
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            mine = [f for f in stack if "grok_spicy_desktop" in f.filename or "bench" in f.filename]
            where = mine[-3:] if mine else stack[-2:]
            key = " <- ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(where)
            )
            self.counts[key] += 1

    def top(self, n: int = 6) -> list[tuple[str, int]]:
        return self.counts.most_common(n)


def responsive(scenes: int, timeout_s: float) -> None:
    from PySide6.QtCore import QTimer

    from grok_spicy_desktop.gui import main_window as mw
    from grok_spicy_desktop.gui.app import create_app
    from grok_spicy_desktop.storage.settings import Settings

    app = create_app(["grok-spicy"])
    window = mw.MainWindow(Settings())
    window.persist_settings = False
    window.show()
    _process_events_for(0.3)

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start()
    sampler = StallSampler(ticks)
    sampler.thread.start()
    _process_events_for(0.1)
    started = time.monotonic()
    window.start_demo()  # the Welcome page's "Try the demo": offline backend, real worker path
    if not window.runner.busy:
        _emit({"error": "the demo run did not start"})
        sys.exit(1)
    deadline = started + timeout_s
    while (window.runner.busy or window.state.running) and time.monotonic() < deadline:
        app.processEvents()
        _process_events_for(0.05)
    run_s = time.monotonic() - started
    _process_events_for(0.3)  # the coalesced refresh after the last events
    heartbeat.stop()
    sampler.stop.set()
    session = window.session
    outcome = session.project.outcome if session is not None else None
    during = [t for t in ticks if t >= started]
    gaps = sorted(b - a for a, b in itertools.pairwise(during))
    _emit(
        {
            "run_s": run_s,
            "timed_out": time.monotonic() >= deadline,
            "outcome": outcome.status if outcome is not None else None,
            "scenes": len(session.project.plan.scenes) if session and session.project.plan else 0,
            "heartbeats": len(during),
            "gaps_ms": [round(g * 1000, 3) for g in gaps],
            "stall_samples": sampler.top(),
            "sample_period_ms": 5,
        }
    )
    window.close_without_asking = True
    os._exit(0)


def responsive_control(scenes: int, timeout_s: float) -> None:
    """The same offline run and heartbeat with no window: QtObserver + Worker only.

    Whatever stalls remain here come from sharing the interpreter (GIL) and two cores with the
    pipeline's workers, not from GUI code; the difference to ``responsive`` is the GUI's share.
    """
    from PySide6.QtCore import QTimer

    from grok_spicy_desktop.app.projects import new_session
    from grok_spicy_desktop.domain.project import RunOptions
    from grok_spicy_desktop.gui.app import create_app
    from grok_spicy_desktop.gui.qt_observer import QtObserver
    from grok_spicy_desktop.gui.workers import Worker, start
    from grok_spicy_desktop.pipeline.events import LogLine
    from grok_spicy_desktop.storage.settings import Settings

    app = create_app(["grok-spicy"])
    observer = QtObserver()
    received: list[str] = []
    observer.received.connect(
        lambda e: received.append(e.message) if isinstance(e, LogLine) else None
    )
    session = new_session(
        "A shy robot gardener and a curious fox plant a glowing seed.",
        RunOptions(backend="offline", scene_count=scenes),
        {},
        Settings(),
    )
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: ticks.append(time.monotonic()))
    heartbeat.start()
    _process_events_for(0.1)
    started = time.monotonic()
    worker = start(
        Worker(lambda cancel, progress: session.run(observer, cancel, stop_after_plan=False))
    )
    deadline = started + timeout_s
    while not worker.done.is_set() and time.monotonic() < deadline:
        app.processEvents()
        _process_events_for(0.05)
    run_s = time.monotonic() - started
    _process_events_for(0.3)
    heartbeat.stop()
    during = [t for t in ticks if t >= started]
    gaps = sorted(b - a for a, b in itertools.pairwise(during))
    outcome = session.project.outcome
    _emit(
        {
            "run_s": run_s,
            "timed_out": time.monotonic() >= deadline,
            "outcome": outcome.status if outcome is not None else None,
            "events": len(received),
            "heartbeats": len(during),
            "gaps_ms": [round(g * 1000, 3) for g in gaps],
        }
    )
    os._exit(0)


def main(argv: list[str]) -> None:
    mode = argv[0] if argv else ""
    if mode == "startup":
        startup(float(argv[1]))
    elif mode == "memory":
        memory(Path(argv[1]))
    elif mode == "responsive-control":
        responsive_control(
            int(argv[1]) if len(argv) > 1 else 3, float(argv[2]) if len(argv) > 2 else 300
        )
    elif mode == "responsive":
        responsive(int(argv[1]) if len(argv) > 1 else 3, float(argv[2]) if len(argv) > 2 else 300)
    else:
        print("usage: python -m bench.qt_probe startup T0 | memory DIR | responsive [SCENES]")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
