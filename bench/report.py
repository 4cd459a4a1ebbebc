"""Metrics, pass/fail against targets, and the two result files."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass
class Metric:
    """One measured figure against its target.

    ``better`` says which direction passes: ``"lower"`` means value <= target passes (or < when
    ``strict``), ``"higher"`` means value >= target passes. ``None`` targets are informational.
    """

    id: str
    name: str
    value: float | None
    unit: str
    target: float | None = None
    better: Literal["lower", "higher"] = "lower"
    strict: bool = False
    runs: int = 1
    note: str = ""
    skipped: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool | None:
        if self.skipped or self.value is None or self.target is None:
            return None
        if self.better == "lower":
            return self.value < self.target if self.strict else self.value <= self.target
        return self.value >= self.target

    @property
    def ratio_to_target(self) -> float | None:
        if self.value is None or not self.target:
            return None
        return round(self.value / self.target, 4)

    def miss(self) -> str:
        """By how much a missed target was missed, in words."""
        if self.passed is not False or self.value is None or self.target is None:
            return ""
        gap = abs(self.value - self.target)
        pct = 100 * gap / abs(self.target) if self.target else 0.0
        side = "over" if self.better == "lower" else "under"
        return f"{_fmt(gap)} {self.unit} {side} the target ({pct:.0f}%)"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["comparison"] = (
            None
            if self.target is None
            else ("<" if self.strict else "<=")
            if self.better == "lower"
            else ">="
        )
        data["passed"] = self.passed
        data["ratio_to_target"] = self.ratio_to_target
        data["missed_by"] = self.miss() or None
        return data


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["mem_total_mib"] = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    try:
        import PySide6
        import xai_sdk  # type: ignore[import-untyped]

        info["pyside6"] = PySide6.__version__
        info["xai_sdk"] = getattr(xai_sdk, "__version__", "?")
    except ImportError:
        pass
    return info


def write_json(path: Path, meta: dict[str, Any], metrics: list[Metric]) -> None:
    data = {**meta, "metrics": [m.as_dict() for m in metrics]}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def _status(m: Metric) -> str:
    if m.skipped:
        return "skipped"
    return {True: "pass", False: "**MISS**", None: "info"}[m.passed]


def _target_text(m: Metric) -> str:
    if m.target is None:
        return "-"
    op = ("<" if m.strict else "<=") if m.better == "lower" else ">="
    return f"{op} {_fmt(m.target)} {m.unit}".strip()


def write_markdown(
    path: Path, meta: dict[str, Any], metrics: list[Metric], notes: list[str]
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {meta['finished_at']} ({meta['duration_s']:.0f} s).",
        f"Latency scale **{meta['scale']}** (see README); medians of **{meta['runs']}** runs "
        "unless a row says otherwise. Machine: "
        f"{meta['machine'].get('cpus')} CPUs, {meta['machine'].get('cpu', '?')}, "
        f"{meta['machine'].get('mem_total_mib', '?')} MiB, Python {meta['machine']['python']}.",
        "",
        "| # | Metric | Value | Target | Ratio to target | Result | Runs |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in metrics:
        value = m.skipped if m.skipped else f"{_fmt(m.value)} {m.unit}".strip()
        ratio = "-" if m.ratio_to_target is None else f"{m.ratio_to_target:.2f}"
        lines.append(
            f"| {m.id} | {m.name} | {value} | {_target_text(m)} | {ratio} | {_status(m)} | {m.runs} |"
        )
    missed = [m for m in metrics if m.passed is False]
    lines += ["", "## Misses", ""]
    if not missed:
        lines.append("None: every measured target was met.")
    for m in missed:
        lines.append(
            f"- **{m.name}**: {_fmt(m.value)} {m.unit} against {_target_text(m)}: "
            f"{m.miss()}. {m.note}".rstrip()
        )
    lines += ["", "## Notes", ""]
    lines += [f"- {n}" for n in notes]
    lines += ["", "## Per-metric notes", ""]
    for m in metrics:
        if m.note or m.skipped:
            lines.append(f"- **{m.id} {m.name}**: {m.skipped or m.note}")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
