"""The price table: USD list prices used for estimates and when the API reports no cost.

One home for prices: the settings store it (``Settings.prices``), the pipeline reads it
(``RunConfig.prices``), the estimate and the run button's cost come from it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Prices(BaseModel):
    model_config = ConfigDict(extra="ignore")

    chat_per_call: float = Field(default=0.01, ge=0)
    vision_per_call: float = Field(default=0.01, ge=0)
    image: float = Field(default=0.02, ge=0)
    image_edit_input: float = Field(default=0.002, ge=0)
    video_per_second: dict[str, float] = Field(
        default_factory=lambda: {"480p": 0.05, "720p": 0.07, "1080p": 0.25}
    )
    video_input_image: float = Field(default=0.002, ge=0)
    video_edit_per_input_second: float = Field(default=0.01, ge=0)
    # Per video model: $ per output second by resolution, and $ per input image
    # (research/xai_video_15.md §3; third-party quotes, for estimates only).
    video_models: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "grok-imagine-video": {"480p": 0.05, "720p": 0.07, "input_image": 0.002},
            "grok-imagine-video-1.5": {
                "480p": 0.08,
                "720p": 0.14,
                "1080p": 0.25,
                "input_image": 0.01,
            },
        }
    )

    def video(
        self, seconds: float, resolution: str, *, n_images: int = 1, model: str | None = None
    ) -> float:
        """List price of a clip: seconds x the model's rate at ``resolution`` + input images."""
        table = self.video_models.get(model or "", {})
        rates = {k: v for k, v in table.items() if k != "input_image"} or self.video_per_second
        rate = rates.get(resolution, max(rates.values(), default=0.07))
        per_image = table.get("input_image", self.video_input_image)
        return round(seconds * rate + max(1, n_images) * per_image, 6)

    def image_call(self, n_refs: int) -> float:
        return round(self.image + n_refs * self.image_edit_input, 6)
