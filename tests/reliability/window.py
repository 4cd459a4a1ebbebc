"""The kill window: which repeated paid requests a SIGKILL could not avoid.

The app writes every paid answer to the project's ledger (``project.json``) before doing any
other work with it. Between the moment the server sends an answer and the moment it is on disk
there is still a short window (the answer in transit, decoded, checked, the ledger saved with
fsync). A kill inside it loses an answer that was billed, and the resumed run pays for it again:
no client can avoid that.

A crash test therefore records, for each kill, the answers the server had sent and the app had
not persisted, and judges every repeated paid request on resume:

- **unavoidable** if the first copy's answer was sent at most ``KILL_WINDOW_S`` before the kill
  (or after it: a request already on the wire is answered, and billed, to a dead client);
- **a bug** otherwise (the answer had time to be persisted, so the app should have reused it).

``KILL_WINDOW_S`` is the measured bound (RELIABILITY.md, "The kill window", says how:
``test_kill_window.py`` measures it and fails if the app's window grows past it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.xai_server import PAID_RPCS

KILL_WINDOW_S = 1.0
"""Longest time from "answer sent" to "answer in project.json" accepted (measured, see above)."""

LEDGER_KIND_RPC = {
    "plan": "chat",
    "map_refs": "chat",
    "reword": "chat",
    "score": "chat",
    "image": "image",
    "video": "video",
}


@dataclass
class Repeat:
    rpc: str
    sent_before_kill_s: float  # how long before the kill the first copy's answer was sent


@dataclass
class KillReport:
    unpersisted_at_kill: dict[str, int]  # per kind: answers billed, not in the ledger at the kill
    unavoidable: list[Repeat] = field(default_factory=list)
    avoidable: list[Repeat] = field(default_factory=list)
    lost_in_window: Counter[str] = field(default_factory=Counter)  # may be paid again
    answered_after_kill: Counter[str] = field(default_factory=Counter)  # on the wire at the kill

    def may_pay_again(self) -> Counter[str]:
        """Per kind, how many paid calls on resume the kill window excuses."""
        excused = Counter(r.rpc for r in self.unavoidable)
        return Counter(
            {k: max(excused[k], self.lost_in_window[k]) for k in excused | self.lost_in_window}
        )

    def __str__(self) -> str:
        def fmt(items: list[Repeat]) -> str:
            return ", ".join(
                f"{r.rpc} sent {r.sent_before_kill_s * 1000:.0f} ms before" for r in items
            )

        return (
            f"unpersisted at the kill: {self.unpersisted_at_kill}; answered to the dead client "
            f"after it: {dict(self.answered_after_kill)} (lost, may be paid again: "
            f"{dict(self.lost_in_window)}); unavoidable repeats "
            f"(<= {KILL_WINDOW_S * 1000:.0f} ms): [{fmt(self.unavoidable)}]; "
            f"repeats that are the app's fault: [{fmt(self.avoidable)}]"
        )


def ledger_counts(project_json: Path) -> Counter[str]:
    """Paid answers the app had persisted, per kind (chat/image/video)."""
    try:
        data = json.loads(project_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Counter()
    counts: Counter[str] = Counter()
    for call in data.get("calls", []):
        if call.get("state") in ("done", "pending", "moderated") and (
            call.get("cost_usd", 0) > 0 or call.get("state") == "pending"
        ):
            counts[LEDGER_KIND_RPC.get(call.get("kind", ""), "?")] += 1
    return counts


def judge(
    paid_log: list[tuple[tuple[str, bytes], float]],
    killed_at: float,
    persisted: Counter[str],
    resumed_at: float | None = None,
) -> KillReport:
    """Classify repeated paid requests against the kill time (all times ``time.monotonic``).

    ``resumed_at``: when the resume started. Answers billed between the kill and then were on
    the wire at the kill, answered to a dead client: lost, so each may be paid again (its
    resend is not always byte-identical: an image uploaded just before the kill is uploaded
    again, with a new file id, when its id had not been saved yet)."""
    before = Counter(PAID_RPCS[rpc] for (rpc, _b), t in paid_log if t <= killed_at)
    unpersisted = {k: n - persisted.get(k, 0) for k, n in before.items() if n > persisted.get(k, 0)}
    report = KillReport(unpersisted_at_kill=unpersisted)
    # The answers lost at the kill are the most recent ones of their kind (the ledger is written
    # in the order answers arrive): each must have been sent within the window, or the app kept
    # an answer unpersisted for longer than it should. Each may be paid again on resume, even
    # with a slightly different request (so it is not always a byte-identical repeat).
    for kind, n in unpersisted.items():
        sent = sorted(t for (rpc, _b), t in paid_log if PAID_RPCS[rpc] == kind and t <= killed_at)
        for t in sent[-n:]:
            lost = Repeat(kind, killed_at - t)
            if killed_at - t <= KILL_WINDOW_S:
                report.lost_in_window[kind] += 1
            else:
                report.avoidable.append(lost)
    if resumed_at is not None:
        for (rpc, _b), t in paid_log:
            if killed_at < t < resumed_at:
                report.lost_in_window[PAID_RPCS[rpc]] += 1
                report.answered_after_kill[PAID_RPCS[rpc]] += 1
    first_sent: dict[tuple[str, bytes], float] = {}
    for item, sent in paid_log:
        if item not in first_sent:
            first_sent[item] = sent
            continue
        age = killed_at - first_sent[item]
        repeat = Repeat(PAID_RPCS[item[0]], age)
        if age <= KILL_WINDOW_S:
            report.unavoidable.append(repeat)
        else:
            report.avoidable.append(repeat)
    return report
