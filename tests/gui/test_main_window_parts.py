"""The main window's own parts: banners, log view, run panel, app state, theme, exception hooks."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtGui import QGuiApplication

from grok_spicy_desktop.backends.base import ErrorKind
from grok_spicy_desktop.gui import theme
from grok_spicy_desktop.gui.banners import MAX_BANNERS, BannerArea
from grok_spicy_desktop.gui.log_view import LogView
from grok_spicy_desktop.gui.run_panel import RunPanel, format_cost
from grok_spicy_desktop.gui.state import AppState
from grok_spicy_desktop.pipeline.observer import STEPS

EXPECTED_BUTTON = {
    ErrorKind.AUTH: "Open Settings",
    ErrorKind.PERMISSION: "Open Settings",
    ErrorKind.NOT_FOUND: "Open Settings",
    ErrorKind.RATE_LIMIT: "Continue",
    ErrorKind.NETWORK: "Continue",
    ErrorKind.TIMEOUT: "Continue",
    ErrorKind.SERVER: "Continue",
    ErrorKind.BAD_RESPONSE: "Continue",
    ErrorKind.QUOTA: "Continue",
    ErrorKind.MODERATION: "Edit scene",
    ErrorKind.INVALID_REQUEST: "Edit scene",
    ErrorKind.EXPIRED: "Edit scene",
    ErrorKind.TOO_LARGE: None,
}
ACTION_ID = {"Open Settings": "settings", "Continue": "continue", "Edit scene": "edit_scene"}


# -- banners ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(ErrorKind))
def test_banner_for_each_error_kind(qtbot, kind: ErrorKind) -> None:
    area = BannerArea()
    qtbot.addWidget(area)
    banner = area.show_error(str(kind), "It failed.")
    assert not area.isHidden() and not banner.isHidden()  # shown, not just created
    label = EXPECTED_BUTTON[kind]
    text = banner.label.text()
    assert "It failed." in text
    if label is None:
        assert banner.button is None
        return
    assert banner.button is not None and banner.button.text() == label
    with qtbot.waitSignal(area.action_requested, timeout=1000) as blocker:
        banner.button.click()
    assert blocker.args == [ACTION_ID[label], str(kind)]
    qtbot.waitUntil(lambda: area.banners() == [], timeout=1000)
    assert area.isHidden()


def test_banner_adds_what_to_do_and_is_not_repeated(qtbot) -> None:
    area = BannerArea()
    qtbot.addWidget(area)
    first = area.show_error("auth", "The key was rejected.")
    assert "Settings" in first.label.text()  # the ERROR_ACTIONS advice is appended
    again = area.show_error("auth", "The key was rejected.")
    assert again is first and len(area.banners()) == 1


def test_at_most_max_banners(qtbot) -> None:
    area = BannerArea()
    qtbot.addWidget(area)
    for i in range(MAX_BANNERS + 2):
        area.show_error("network", f"failure {i}")
    messages = [b.message for b in area.banners()]
    assert len(messages) == MAX_BANNERS
    assert "failure 4" in messages[-1]


def test_unexpected_exception_shown_once_with_copy_details(qtbot) -> None:
    area = BannerArea()
    qtbot.addWidget(area)
    details = "Traceback (most recent call last):\n  key xai-" + "a" * 40 + "\nZeroDivisionError"
    banner = area.show_exception("ZeroDivisionError: division by zero", details)
    assert banner is not None
    assert "Traceback" not in banner.label.text()  # never a traceback on screen
    assert area.show_exception("ZeroDivisionError: division by zero", details) is None
    assert len(area.banners()) == 1
    assert banner.button is not None and banner.button.text() == "Copy details"
    banner.button.click()
    copied = QGuiApplication.clipboard().text()
    assert "ZeroDivisionError" in copied
    assert "xai-" + "a" * 40 not in copied  # secrets are redacted before they leave the app


def test_exception_hooks_route_to_handler_from_any_thread(qtbot) -> None:
    from grok_spicy_desktop.gui.app import install_exception_hooks, uninstall_exception_hooks

    got: list[tuple[str, str]] = []
    before = (sys.excepthook, threading.excepthook)
    install_exception_hooks(lambda summary, details: got.append((summary, details)))
    try:
        try:
            raise RuntimeError("boom on gui")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]

        def bad() -> None:
            raise ValueError("boom in thread")

        t = threading.Thread(target=bad)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(got) == 2, timeout=2000)
    finally:
        uninstall_exception_hooks()
    assert (sys.excepthook, threading.excepthook) == before
    assert got[0][0] == "RuntimeError: boom on gui"
    assert got[1][0] == "ValueError: boom in thread"
    assert "Traceback" in got[1][1]


# -- log view --------------------------------------------------------------------------------------
def test_log_view_filters_by_level_and_text(qtbot) -> None:
    view = LogView()
    qtbot.addWidget(view)
    view.append(logging.DEBUG, "debug detail")
    view.append(logging.INFO, "keyframe 1 done")
    view.append(logging.WARNING, "scene 3 blocked")
    view.append(logging.ERROR, "video failed")
    text = view.visible_text()
    assert "debug detail" not in text  # default: info and above
    assert all(s in text for s in ("keyframe 1 done", "scene 3 blocked", "video failed"))
    view.set_min_level(logging.WARNING)
    text = view.visible_text()
    assert "keyframe 1 done" not in text and "scene 3 blocked" in text
    view.set_min_level(logging.DEBUG)
    view.search.setText("SCENE")
    assert view.visible_text().count("\n") == 0 and "scene 3 blocked" in view.visible_text()
    view.search.clear()
    assert "debug detail" in view.visible_text()
    assert len(view.lines()) == 4
    view.clear()
    assert view.visible_text() == "" and view.lines() == []


def test_log_level_colours_differ(qapp) -> None:
    from grok_spicy_desktop.gui.log_view import level_color

    for scheme in ("light", "dark"):
        colours = {level_color(lv, scheme) for lv in (10, 20, 30, 40)}
        assert len(colours) == 4


# -- run panel -------------------------------------------------------------------------------------
def test_format_cost() -> None:
    assert format_cost(0.0, None) == "Spent $0.00"
    assert format_cost(0.4249, 1.1) == "Spent $0.42 of est. $1.10"
    assert format_cost(1, 2, 5) == "Spent $1.00 of est. $2.00 (budget $5.00)"


def test_run_panel_progress_and_buttons(qtbot) -> None:
    panel = RunPanel()
    qtbot.addWidget(panel)
    assert list(panel.step_bars) == list(STEPS)
    panel.set_progress("keyframes", 0.5, "scene 2 of 4", 0.45)
    assert panel.step_value("keyframes") == 0.5
    assert panel.step_value("plan") == 1.0 and panel.step_value("characters") == 1.0
    assert panel.step_value("videos") == 0.0
    assert panel.overall.value() == 450
    assert "scene 2 of 4" in panel.status_label.text()
    panel.set_running(True)
    assert not panel.start_button.isEnabled() and panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.cancel_clicked, timeout=500):
        panel.cancel_button.click()
    panel.set_cancelling()
    assert not panel.cancel_button.isEnabled()
    panel.set_running(False)
    assert panel.start_button.isEnabled() and panel.cancel_button.text() == "Cancel"
    panel.set_budget(2.0)
    panel.set_cost(2.5, 3.0)
    assert panel.cost_label.text() == "Spent $2.50 of est. $3.00 (budget $2.00)"
    assert "budget" in panel.cost_label.toolTip()


# -- state -----------------------------------------------------------------------------------------
def test_app_state_signals(qtbot) -> None:
    state = AppState()
    events: list[tuple] = []
    state.running_changed.connect(lambda v: events.append(("running", v)))
    state.job_changed.connect(lambda v: events.append(("job", v)))
    state.selected_scene_changed.connect(lambda v: events.append(("scene", v)))
    state.cost_changed.connect(lambda s, e: events.append(("cost", s, e)))
    state.set_job("Run")
    state.set_job("Run")  # no change, no signal
    state.select_scene(2)
    state.set_cost(0.5, 2.0)
    state.set_cost(0.75)  # keeps the estimate
    state.add_error("auth", "bad key")
    state.set_job("")
    assert events == [
        ("job", "Run"),
        ("running", True),
        ("scene", 2),
        ("cost", 0.5, 2.0),
        ("cost", 0.75, 2.0),
        ("job", ""),
        ("running", False),
    ]
    assert [e.kind for e in state.errors] == ["auth"]
    assert not state.running and state.estimate == 2.0


# -- theme -----------------------------------------------------------------------------------------
def test_theme_palettes_have_readable_contrast(qapp) -> None:
    def luminance(c) -> float:
        return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()

    from PySide6.QtGui import QPalette

    for scheme in ("light", "dark"):
        pal = theme.make_palette(scheme)
        window = luminance(pal.color(QPalette.ColorRole.Window))
        text = luminance(pal.color(QPalette.ColorRole.WindowText))
        assert abs(window - text) > 0.6, scheme
    assert theme.resolve_scheme("dark") == "dark"
    assert theme.resolve_scheme("light") == "light"
    assert theme.resolve_scheme("system") in ("light", "dark")


def test_apply_theme_and_icons(qapp) -> None:
    try:
        assert theme.apply_theme(qapp, "dark") == "dark"
        assert theme.current_scheme() == "dark"
        assert qapp.palette().window().color().lightness() < 80
        for name in ("new", "open", "start", "cancel", "export", "settings"):
            assert not theme.icon(name).isNull(), name
        assert not theme.app_icon().isNull()
        assert len(theme.app_icon().availableSizes()) >= 8
    finally:
        theme.apply_theme(qapp, "light")
