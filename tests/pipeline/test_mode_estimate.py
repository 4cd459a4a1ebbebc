"""Cost and expected time per keyframe mode (estimate and run button)."""

from __future__ import annotations

from grok_spicy_desktop.domain.project import Project
from grok_spicy_desktop.gui.locations import modes_line
from grok_spicy_desktop.pipeline.context import RunConfig
from grok_spicy_desktop.pipeline.mode_estimate import (
    critical_path,
    duration_text,
    mode_estimates,
    modes_text,
)
from tests.fakes import done_project, make_plan


def _planned(n: int) -> Project:
    plan = make_plan(n)
    for i, scene in enumerate(plan.scenes):
        scene.setting = ("the harbour", "the market")[i % 2]
    project = Project(id="x", name="x", concept="c", plan=plan, plan_approved=True)
    project.ensure_assets()
    return project


def test_plates_are_faster_and_cost_one_image_and_check_per_place() -> None:
    cfg = RunConfig()
    plates, chained = mode_estimates(_planned(5), cfg, offline=False)
    assert (plates.mode, chained.mode) == ("plates", "chained")
    p = cfg.prices
    assert plates.cost_usd == round(chained.cost_usd + 2 * (p.image + p.vision_per_call), 2)
    assert plates.seconds < chained.seconds
    # The chain grows by a keyframe (image 8 s + check 4 s) per scene; plates by the video
    # start spacing (1 s) only.
    chained7 = critical_path("chained", 2, 0, [6.0] * 7, planned=True)
    assert critical_path("chained", 2, 0, [6.0] * 8, planned=True) - chained7 == 12.0
    plates7 = critical_path("plates", 2, 2, [6.0] * 7, planned=True)
    assert critical_path("plates", 2, 2, [6.0] * 8, planned=True) - plates7 == 1.0
    assert critical_path("plates", 2, 2, [6.0] * 8, planned=True) < 12 + 12 + 8 + 18 + 4 + 1


def test_nothing_to_make_has_no_mode_line_and_offline_is_free() -> None:
    assert modes_line(done_project(), RunConfig(), offline=False) == ""
    text = modes_text(
        mode_estimates(_planned(3), RunConfig(), offline=True), "plates", offline=True
    )
    assert text.startswith("Keyframes from location plates (fast): free, ~")
    assert "(this project)" in text and "each from the previous scene (chained): free" in text
    assert duration_text(41.4) == "~41 s" and duration_text(185) == "~3 min"
