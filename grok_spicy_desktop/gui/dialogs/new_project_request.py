"""What the New project dialog returns, and the checks and choices behind its fields (no widgets)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.project import RunOptions
from ...domain.rules import MAX_REFERENCES
from ...pipeline.plan import MAX_CONCEPT_CHARS as PIPELINE_MAX_CONCEPT_CHARS

MAX_CONCEPT_CHARS = PIPELINE_MAX_CONCEPT_CHARS  # one limit for the app and the CLI
MAX_REFS_PER_CHARACTER = MAX_REFERENCES
RATIO_NAMES = {
    "16:9": "landscape",
    "9:16": "portrait / phone",
    "1:1": "square",
    "4:3": "classic TV",
    "3:4": "portrait",
    "3:2": "photo",
    "2:3": "portrait photo",
}
LENGTH_MODES = ("auto", "scenes", "seconds")
EstimateFn = Callable[[str, RunOptions], float]


@dataclass
class NewProjectRequest:
    concept: str
    name: str | None
    options: RunOptions
    references: dict[str, list[Path]] = field(default_factory=dict)


def concept_problem(text: str) -> str | None:
    """The inline message for a concept that cannot be used, or ``None``."""
    stripped = text.strip()
    if not stripped:
        return (
            "Describe your story in a sentence or two, e.g. “A lighthouse keeper befriends a "
            "lost fox during a storm”."
        )
    if len(stripped) > MAX_CONCEPT_CHARS:
        return (
            f"The concept is {len(stripped):,} characters; the limit is {MAX_CONCEPT_CHARS:,}. "
            "Shorten it to the core of the story."
        )
    return None
