"""What the Settings dialog edits: key-source texts, numeric fields with ranges, model fields."""

from __future__ import annotations

KEY_SOURCES = {
    "env": "A key is set by the XAI_API_KEY environment variable (it takes precedence).",
    "keyring": "A key is saved in your system keyring.",
    "session": "A key is kept for this session only (no system keyring available).",
    "none": "No key yet: the offline demo is used. Paste your key from console.x.ai.",
}
INT_FIELDS = (
    (
        "max_character_attempts",
        "Character attempts",
        1,
        10,
        "Portraits tried per character before keeping the best",
    ),
    (
        "max_keyframe_iterations",
        "Keyframe fixes",
        1,
        10,
        "Edit passes per keyframe below the threshold",
    ),
    ("max_video_corrections", "Video corrections", 0, 10, "Corrections per clip that drifts"),
    ("max_rewords", "Moderation rewordings", 0, 10, "Rewordings tried when a prompt is blocked"),
    (
        "character_concurrency",
        "Portraits at once",
        1,
        16,
        "Character sheets made in parallel in chained mode (plates mode starts every sheet "
        "and plate at once; the image rate limit spaces them)",
    ),
    ("video_concurrency", "Videos at once", 1, 16, "Video jobs in flight at the same time"),
    ("max_scenes", "Max scenes", 1, 50, "Longer plans are cut to this many scenes"),
    (
        "end_retry_rounds",
        "End-of-run retries",
        0,
        10,
        "Rounds that retry what failed on a passing API error (rate limit, outage, timeout) "
        "once the rest of the run is done; 0 turns them off",
    ),
    (
        "end_retry_delay_s",
        "First retry after (s)",
        0,
        600,
        "Wait before the first end-of-run retry round; each later round waits twice as long",
    ),
)
MODEL_FIELDS = (
    ("chat_model", "Chat (planning)"),
    ("vision_model", "Vision (scoring)"),
    ("image_model", "Images"),
    ("video_model", "Videos"),
)

__all__ = ["INT_FIELDS", "KEY_SOURCES", "MODEL_FIELDS"]
