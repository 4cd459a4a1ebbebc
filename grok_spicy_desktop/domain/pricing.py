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

    def video(self, seconds: float, resolution: str) -> float:
        rate = self.video_per_second.get(
            resolution, max(self.video_per_second.values(), default=0.07)
        )
        return round(seconds * rate + self.video_input_image, 6)

    def image_call(self, n_refs: int) -> float:
        return round(self.image + n_refs * self.image_edit_input, 6)
