"""Step 2: character sheets (generated from text, or stylized from up to 3 reference photos),
and the matching of uploaded reference labels to planned characters."""

from __future__ import annotations

import logging
from pathlib import Path

from ..backends.base import BackendError
from ..domain.project import AssetStatus, CharacterAsset
from ..domain.rules import MAX_REFERENCES
from ..domain.story import CharacterRefMapping, StoryPlan
from . import prompts
from .context import PaidOutcome, RunContext, is_fatal
from .image_loop import ImageJob, run_image_loop

MAX_PHOTOS = MAX_REFERENCES


def match_references(ctx: RunContext, plan: StoryPlan) -> dict[str, str]:
    """Label -> character name: exact (case-insensitive) first, then the chat model's mapping."""
    project = ctx.project
    labels = [label for label, paths in project.references.items() if paths]
    mapping: dict[str, str] = {}
    for label in labels:
        ch = plan.character(label)
        if ch is not None:
            mapping[label] = ch.name
    unmatched = [label for label in labels if label not in mapping]
    taken = set(mapping.values())
    free = [c for c in plan.characters if c.name not in taken]
    if unmatched and free:
        fp = ctx.fp(
            "map_refs",
            slot="map_refs",
            labels=sorted(unmatched),
            characters=[(c.name, c.visual_description[:160]) for c in free],
        )

        def call() -> PaidOutcome:
            res = ctx.backend.map_references(unmatched, free)
            return PaidOutcome(res.value.model_dump(), res.cost_usd, res.model)

        try:
            result = ctx.paid(
                "map_refs",
                fp,
                "match reference photos",
                call,
                estimate=ctx.config.prices.chat_per_call,
            )
            for label, name in CharacterRefMapping.model_validate(result).mapping.items():
                ch = plan.character(name)
                if label in unmatched and ch is not None and ch.name not in mapping.values():
                    mapping[label] = ch.name
        except (
            BackendError,
            ValueError,
        ) as exc:  # best effort; unmatched photos are reported below
            if isinstance(exc, BackendError) and is_fatal(exc):
                raise
            ctx.note(f"Could not match reference photos automatically: {exc}", logging.WARNING)
    for label in labels:
        if label not in mapping:
            ctx.note(
                f"Reference photo '{label}' matches no character in the plan; it is not used. "
                "Drop it on a character card to use it.",
                logging.WARNING,
            )
    return mapping


def character_photos(ctx: RunContext, name: str) -> list[Path]:
    project = ctx.project
    photos: list[Path] = []
    for label, target in project.ref_mapping.items():
        if target.casefold() == name.casefold():
            photos.extend(ctx.path(p) for p in project.references.get(label, []))
    return [p for p in photos if p.is_file()][:MAX_PHOTOS]


def make_character(ctx: RunContext, plan: StoryPlan, asset: CharacterAsset) -> None:
    character = plan.character(asset.name)
    if character is None:  # plan edited since: nothing to do
        return
    if asset.selected is not None and asset.status == AssetStatus.DONE and asset.locked:
        return  # the user picked this take by hand
    photos = character_photos(ctx, asset.name)
    asset.mode = "stylize" if photos else "generate"
    asset.reference_paths = [ctx.rel(p) for p in photos]
    first_prompt = (
        prompts.stylize_prompt(plan, character, len(photos))
        if photos
        else prompts.character_prompt(plan, character)
    )
    job = ImageJob(
        asset=asset,
        slot=f"character:{character.name}",
        label=f"character {character.name}",
        folder="characters",
        stem=character.name,
        first_prompt=first_prompt,
        first_kind=asset.mode,
        first_refs=photos,
        aspect_ratio=plan.aspect_ratio,
        check_instructions=prompts.character_check(character, len(photos)),
        check_refs=photos,
        max_attempts=ctx.config.max_character_attempts,
        keep_clause=f"Keep {character.name} exactly: {character.visual_description}",
        hints={
            "kind": "character",
            "name": character.name,
            "description": character.visual_description,
            "role": character.role,
            "style": plan.style,
            "palette": plan.color_palette,
        },
        notify=lambda: ctx.asset_changed(asset),
    )
    run_image_loop(ctx, job)
