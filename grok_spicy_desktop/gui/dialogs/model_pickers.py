"""Model pickers for Settings: an editable list of the key's own models with the price beside it.

Before the key's models are known the picker is a plain text field holding the current model
name. Once Test key (or the start-up price fetch) has listed the key's models, the drop-down
offers them and the label beside it shows the chosen model's price, or warns when the key's list
does not contain the typed name (a retired name can still answer, at another price).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...backends.xai.models import AccountModels
from ..thumbnails import SPACING_S

Choice = tuple[str, str]  # (model name, price text)


class ModelPicker(QWidget):
    """An editable combo box of model names plus a label with the selected model's price."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(24)
        self.price = QLabel("")
        self.price.setObjectName("mutedLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING_S)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.price)
        self._prices: dict[str, str] = {}
        self._source = ""
        self._listed = False
        self.combo.setEditText(current)
        self.combo.currentTextChanged.connect(self._update_price)

    def text(self) -> str:
        return self.combo.currentText()

    def setText(self, value: str) -> None:
        self.combo.setEditText(value)

    def names(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def set_choices(self, choices: Sequence[Choice], source: str, *, listed: bool = True) -> None:
        """Offer ``choices`` (name, price text); ``source`` says where prices came from.

        ``listed`` False means the choices are not the key's own list (no "not listed" warning).
        """
        current = self.text()
        self._prices = dict(choices)
        self._source = source
        self._listed = listed
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([name for name, _ in choices])
        for index, (_, price) in enumerate(choices):
            self.combo.setItemData(index, price, role=3)  # Qt.ToolTipRole
        self.combo.setEditText(current)
        self.combo.blockSignals(False)
        self._update_price(current)

    def _update_price(self, name: str) -> None:
        price = self._prices.get(name.strip())
        if price:
            self.price.setText(price)
            self.price.setToolTip(f"From {self._source}")
        elif self._listed and self._prices:
            self.price.setText("not in your key's model list")
            self.price.setToolTip(
                "xAI may still answer under this name, but retired names can bill at other "
                "rates: pick a model from the list."
            )
        else:
            self.price.setText("")


def language_choices(models: AccountModels, *, vision_only: bool = False) -> list[Choice]:
    listed = models.vision_models() if vision_only else models.chat_models()
    return [(m.name, m.price_text()) for m in listed]


def image_choices(models: AccountModels) -> list[Choice]:
    return [(m.name, m.price_text()) for m in models.image]


def video_choices(
    current: str, per_second: dict[str, float], extra: Iterable[str] = ()
) -> list[Choice]:
    """The video model from the price table (the SDK has no video listing)."""
    text = ", ".join(f"${usd:.2f}/s at {res}" for res, usd in per_second.items())
    names = [current, *[n for n in extra if n != current]]
    return [(name, text) for name in names if name]
