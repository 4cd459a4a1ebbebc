"""Run controls, progress and the cost meter.

The panel only shows things and emits button clicks; the main window decides what Start means
(new run, continue after plan review, resume) and tells the panel which label to use.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..app.live_prices import price_source
from ..pipeline.observer import STEPS

STEP_LABELS: dict[str, str] = {
    "plan": "Plan",
    "characters": "Characters",
    "keyframes": "Keyframes",
    "script": "Script",
    "videos": "Videos",
    "assembly": "Assembly",
}


def format_cost(spent: float, estimate: float | None, budget: float | None = None) -> str:
    """'Spent $0.42 of est. $1.10 (budget $5.00)'."""
    text = f"Spent ${spent:,.2f}"
    if estimate is not None:
        text += f" of est. ${estimate:,.2f}"
    if budget:
        text += f" (budget ${budget:,.2f})"
    return text


class RunPanel(QWidget):
    start_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primaryButton")
        self.start_button.setToolTip("Plan the story, then review it before anything paid starts")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop after the call in flight; finished work is kept")
        self.start_button.clicked.connect(self.start_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)

        self.status_label = QLabel("Idle")
        self.status_label.setObjectName("mutedLabel")
        self.status_label.setWordWrap(True)
        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.overall.setValue(0)
        self.overall.setFormat("%p%")
        self.cost_label = QLabel(format_cost(0.0, None))
        self.cost_label.setObjectName("costLabel")
        self.cost_label.setWordWrap(True)

        self.step_bars: dict[str, QProgressBar] = {}
        self.step_labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(5)
        for row, step in enumerate(STEPS):
            label = QLabel(STEP_LABELS.get(step, step.title()))
            bar = QProgressBar()
            bar.setObjectName("stepBar")
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setValue(0)
            bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(label, row, 0)
            grid.addWidget(bar, row, 1)
            self.step_bars[step] = bar
            self.step_labels[step] = label
        grid.setColumnStretch(1, 1)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.start_button, 1)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(self.overall)
        layout.addWidget(self.status_label)
        layout.addLayout(grid)
        layout.addWidget(self.cost_label)
        layout.addStretch(1)
        self._budget: float | None = None

    # -- updates from the main window --------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.cancel_button.setText("Cancel")

    def set_cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.status_label.setText("Cancelling after the call in flight…")

    def set_start_label(self, text: str, tooltip: str = "") -> None:
        self.start_button.setText(text)
        if tooltip:
            self.start_button.setToolTip(tooltip)

    def set_start_enabled(self, enabled: bool) -> None:
        self.start_button.setEnabled(enabled)

    def set_progress(self, step: str, fraction: float, message: str, overall: float) -> None:
        bar = self.step_bars.get(step)
        if bar is not None:
            bar.setValue(_permille(fraction))
            bar.setToolTip(message)
        # Steps before this one are finished once a later step reports.
        if step in STEPS:
            for earlier in STEPS[: STEPS.index(step)]:
                if self.step_bars[earlier].value() < 1000 and overall > 0:
                    self.step_bars[earlier].setValue(1000)
        self.overall.setValue(_permille(overall))
        if message:
            name = STEP_LABELS.get(step, step)
            self.status_label.setText(f"{name}: {message}")

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def reset_progress(self) -> None:
        for bar in self.step_bars.values():
            bar.setValue(0)
        self.overall.setValue(0)

    def set_all_done(self) -> None:
        for bar in self.step_bars.values():
            bar.setValue(1000)
        self.overall.setValue(1000)

    def set_budget(self, budget: float | None) -> None:
        self._budget = budget or None

    def set_cost(self, spent: float, estimate: float | None) -> None:
        self.cost_label.setText(format_cost(spent, estimate, self._budget))
        over = self._budget is not None and spent >= self._budget
        self.cost_label.setToolTip(
            "The budget cap is reached: the run stops before it would spend more."
            if over
            else "What this project has paid so far, and the estimate for the whole run "
            f"({price_source()})."
        )

    def step_value(self, step: str) -> float:
        return self.step_bars[step].value() / 1000.0


def _permille(fraction: float) -> int:
    return max(0, min(1000, round(float(fraction) * 1000)))


__all__ = ["STEP_LABELS", "RunPanel", "format_cost"]
