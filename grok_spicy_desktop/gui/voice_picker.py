"""A voice combo for a character: the preset voices of ``domain.voices`` (the one catalogue),
each with its description, and which other characters already speak with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ..domain.story import Character
from ..domain.voices import DEFAULT_VOICE, VOICES, is_known_voice


def voices_in_use(characters: Iterable[Character]) -> dict[str, list[str]]:
    """Voice id -> the names of the characters who speak with it."""
    used: dict[str, list[str]] = {}
    for ch in characters:
        used.setdefault(ch.voice, []).append(ch.name)
    return used


class VoiceCombo(QComboBox):
    """``voice()`` is always a known voice id; an unknown one is shown as the default."""

    voiceChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact  # narrow places (the character card): names only, no description
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8 if compact else 24)
        self.setAccessibleName("Voice")
        self.setToolTip(
            "The preset voice this character speaks with in every clip. Give each speaking "
            "character a different voice."
        )
        for v in VOICES:
            self.addItem(self._text(v.voice_id, (), compact), v.voice_id)
            self.setItemData(self.count() - 1, v.description, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(self.findData(DEFAULT_VOICE))
        self.currentIndexChanged.connect(lambda _i: self.voiceChanged.emit(self.voice()))

    @staticmethod
    def _text(voice_id: str, others: tuple[str, ...], compact: bool) -> str:
        v = next(x for x in VOICES if x.voice_id == voice_id)
        also = f"  · also {', '.join(others)}" if others else ""
        return f"{v.label}{also}" if compact else f"{v.label} — {v.description}{also}"

    def set_voice(self, voice_id: str | None) -> bool:
        """Select ``voice_id``; False (and the default voice) when it is not a known id."""
        known = is_known_voice(voice_id)
        key = (voice_id or "").strip().lower() if known else DEFAULT_VOICE
        self.setCurrentIndex(self.findData(key))
        return known

    def voice(self) -> str:
        return str(self.currentData() or DEFAULT_VOICE)

    def mark_taken(self, used_by: Mapping[str, list[str]]) -> None:
        """Show, per voice, the *other* characters who speak with it (voice id -> names)."""
        for i in range(self.count()):
            voice_id = str(self.itemData(i))
            others = tuple(used_by.get(voice_id, ()))
            self.setItemText(i, self._text(voice_id, others, self._compact))
