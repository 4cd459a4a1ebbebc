"""Ledger figures beyond "spent": money that may have been billed without the app knowing.

A video start that got no answer (a timeout) may or may not have created a job on the server.
The pipeline writes a ``possibly_billed_twice`` record for it (cost 0, the estimate it put at
risk in ``result["at_risk_usd"]``), and marks the scene's later successful record the same way.
The cost meter shows the sum as "possibly billed twice".
"""

from __future__ import annotations

from collections.abc import Iterable

from .project import CallRecord

AMBIGUOUS_SUFFIX = "~ambiguous"


def at_risk_usd(calls: Iterable[CallRecord]) -> float:
    """Dollars of video starts that may have run on the server without the app knowing."""
    total = 0.0
    for call in calls:
        if call.possibly_billed_twice and AMBIGUOUS_SUFFIX in call.fingerprint:
            try:
                total += float(call.result.get("at_risk_usd", 0.0))
            except (TypeError, ValueError):
                continue
    return round(total, 6)


def possibly_billed_twice(calls: Iterable[CallRecord]) -> list[str]:
    """Labels of the paid calls marked "possibly billed twice" (one per label)."""
    labels: list[str] = []
    for call in calls:
        if call.possibly_billed_twice and call.label and call.label not in labels:
            labels.append(call.label)
    return labels
