"""``grok-spicy plan``: only the story plan, printed (one chat call on xAI, nothing else paid).

``--json`` prints the StoryPlan with the SPEC §2 field names on stdout; otherwise a readable
summary and the estimate of a full run. Exit codes are those of ``run``: 0 ok, 2 bad input,
4 failed. Validation is ``run``'s own (``check_concept`` and the ``--ref`` parser passed in by
``cli``), so the two commands accept and refuse exactly the same input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .domain.story import StoryPlan

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 4

log = logging.getLogger("grok_spicy_desktop.cli")


def add_plan_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("plan", help="make only the story plan and print it (one chat call)")
    p.add_argument("concept", nargs="?", help="the story concept, one or two sentences")
    p.add_argument("--backend", choices=["xai", "offline"], help="default: xai with a key")
    p.add_argument("--scenes", type=int, metavar="N", help="number of scenes (1-12)")
    p.add_argument("--aspect-ratio", metavar="W:H", help="16:9, 9:16, 1:1, 4:3, 3:4, 3:2 or 2:3")
    p.add_argument("--style", help="visual style hint")
    p.add_argument(
        "--ref",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a reference photo for a character (repeatable; its name becomes a character)",
    )
    p.add_argument("--json", action="store_true", help="print the plan as JSON on stdout")
    p.add_argument("-v", "--verbose", action="store_true", help="debug output on the console")


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"grok-spicy: {message}", file=sys.stderr)
    return code


def cmd_plan(args: argparse.Namespace, parse_refs: Callable[[Sequence[str]], dict[str, list[Path]]]) -> int:  # fmt: skip
    """Run the plan command; ``parse_refs`` is ``cli.parse_refs`` (raises its UsageError)."""
    from .app.projects import make_backend, resolve_backend
    from .backends.base import PlanRequest
    from .domain.project import Project, RunOptions
    from .domain.story import nearest_aspect_ratio
    from .domain.validation import PlanError, normalize_plan
    from .pipeline.context import RunConfig
    from .pipeline.plan import check_concept, estimate_usd
    from .storage.settings import load_settings

    if not args.concept:
        return _fail(
            'Give a concept, e.g. grok-spicy plan "A lighthouse keeper befriends a whale".'
        )
    try:
        concept = check_concept(args.concept)
    except ValueError as exc:
        return _fail(str(exc))
    refs = parse_refs(args.ref)
    if args.scenes is not None and not 1 <= args.scenes <= 12:
        return _fail("--scenes must be between 1 and 12.")
    aspect = nearest_aspect_ratio(args.aspect_ratio) if args.aspect_ratio else None
    settings = load_settings()
    kind, why = resolve_backend(args.backend, settings)
    print(why, file=sys.stderr)
    backend = make_backend(kind, settings)
    try:
        request = PlanRequest(
            concept=concept,
            reference_labels=sorted(refs),
            style=args.style,
            scene_count=args.scenes,
            aspect_ratio=aspect,
        )
        result = backend.plan_story(request)
    finally:
        backend.close()
    try:
        plan, warnings = normalize_plan(result.value, max_scenes=12)
    except PlanError as exc:
        return _fail(str(exc), EXIT_FAILED)
    if aspect:
        plan.aspect_ratio = aspect
    if args.style and args.style.strip().casefold() not in plan.style.casefold():
        plan.style = f"{args.style.strip()}. {plan.style}"
    for note in (*result.notices, *warnings):
        print(f"Note: {note}", file=sys.stderr)
    options = RunOptions(
        backend="xai" if kind == "xai" else "offline",
        scene_count=args.scenes,
        style=args.style,
        aspect_ratio=aspect,
        resolution=settings.video_resolution,
    )  # type: ignore[arg-type]
    probe = Project(id="plan", name=plan.title, concept=concept, options=options, plan=plan)
    estimate = estimate_usd(probe, RunConfig.from_settings(settings), offline=kind != "xai")
    if args.json:
        print(json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print_summary(plan, estimate, offline=kind != "xai", out=sys.stdout)
    return EXIT_OK


def print_summary(plan: StoryPlan, estimate: float, *, offline: bool, out: TextIO) -> None:
    seconds = sum(s.duration_seconds for s in plan.scenes)
    w = out.write
    w(f"{plan.title}\n")
    w(f"{len(plan.scenes)} scenes, about {seconds} s, {plan.aspect_ratio}; style: {plan.style}\n")
    w(f"Palette: {plan.color_palette}\n\nCharacters\n")
    for ch in plan.characters:
        first = ch.visual_description.split(". ", 1)[0].rstrip(".")
        w(f"  {ch.name} ({ch.role}, voice {ch.voice}): {first}.\n")
    w("\nScenes\n")
    for s in plan.scenes:
        w(f"  {s.scene_id}. {s.title}  [{s.duration_seconds} s, then {s.transition}]\n")
        w(f"     {s.description}\n")
        w(f"     Where: {s.setting}. Who: {', '.join(s.characters_present) or 'nobody'}.\n")
        for line in s.dialogue:
            w(f'     {line.speaker}: "{line.line}"\n')
    cost = "be free (offline demo)" if offline else f"cost about ${estimate:.2f} at list prices"
    w(f"\nA full run would {cost}.\n")
