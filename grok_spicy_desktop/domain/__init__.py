"""Pure data: the LLM-facing models, asset records with their takes, and the project document."""

from .project import (
    SCHEMA_VERSION,
    AssetStatus,
    CallRecord,
    CharacterAsset,
    Gap,
    KeyframeAsset,
    Project,
    RunOptions,
    RunOutcome,
    Take,
    VideoAsset,
)
from .story import (
    ASPECT_RATIOS,
    Character,
    CharacterRefMapping,
    ConsistencyScore,
    DialogueLine,
    RewordedPrompt,
    Scene,
    StoryPlan,
)
from .validation import PlanError, normalize_plan

__all__ = [
    "ASPECT_RATIOS",
    "SCHEMA_VERSION",
    "AssetStatus",
    "CallRecord",
    "Character",
    "CharacterAsset",
    "CharacterRefMapping",
    "ConsistencyScore",
    "DialogueLine",
    "Gap",
    "KeyframeAsset",
    "PlanError",
    "Project",
    "RewordedPrompt",
    "RunOptions",
    "RunOutcome",
    "Scene",
    "StoryPlan",
    "Take",
    "VideoAsset",
    "normalize_plan",
]
