"""Light/dark appearance: follow the system colour scheme unless the user chose one.

Qt's own platform palette already follows the OS on Windows/macOS, but on Linux (and offscreen)
it is often plain light whatever the desktop says. So the Fusion style gets an explicit palette
for the chosen scheme, plus a small style sheet for the few things palettes cannot express
(banner colours, card borders, the welcome page).
"""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Literal

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from ..resource_files import resources_dir

Scheme = Literal["light", "dark"]
THEMES: tuple[str, ...] = ("system", "light", "dark")

_ACCENT = "#e4572e"  # the app's "spicy" orange-red


def system_scheme() -> Scheme:
    """What the OS asks for; light when Qt cannot tell."""
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve_scheme(theme: str | None) -> Scheme:
    """``theme`` is a settings value: system | light | dark (anything else means system)."""
    if theme == "dark":
        return "dark"
    if theme == "light":
        return "light"
    return system_scheme()


def make_palette(scheme: Scheme) -> QPalette:
    pal = QPalette()
    if scheme == "dark":
        colors = {
            QPalette.ColorRole.Window: "#1f2125",
            QPalette.ColorRole.WindowText: "#e8e8ea",
            QPalette.ColorRole.Base: "#16181b",
            QPalette.ColorRole.AlternateBase: "#262a2f",
            QPalette.ColorRole.ToolTipBase: "#2b2f35",
            QPalette.ColorRole.ToolTipText: "#e8e8ea",
            QPalette.ColorRole.PlaceholderText: "#8a8f98",
            QPalette.ColorRole.Text: "#e8e8ea",
            QPalette.ColorRole.Button: "#2a2d33",
            QPalette.ColorRole.ButtonText: "#e8e8ea",
            QPalette.ColorRole.BrightText: "#ffffff",
            QPalette.ColorRole.Highlight: _ACCENT,
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#ff8a65",
            QPalette.ColorRole.Light: "#3a3e45",
            QPalette.ColorRole.Midlight: "#32363c",
            QPalette.ColorRole.Mid: "#4a4f57",
            QPalette.ColorRole.Dark: "#111214",
            QPalette.ColorRole.Shadow: "#000000",
        }
        disabled = "#6b7079"
    else:
        colors = {
            QPalette.ColorRole.Window: "#f4f4f6",
            QPalette.ColorRole.WindowText: "#1d1f23",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#eef0f3",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1d1f23",
            QPalette.ColorRole.PlaceholderText: "#8a8f98",
            QPalette.ColorRole.Text: "#1d1f23",
            QPalette.ColorRole.Button: "#e9eaee",
            QPalette.ColorRole.ButtonText: "#1d1f23",
            QPalette.ColorRole.BrightText: "#000000",
            QPalette.ColorRole.Highlight: _ACCENT,
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.Link: "#c2410c",
            QPalette.ColorRole.Light: "#ffffff",
            QPalette.ColorRole.Midlight: "#e2e4e8",
            QPalette.ColorRole.Mid: "#b8bcc4",
            QPalette.ColorRole.Dark: "#8a8f98",
            QPalette.ColorRole.Shadow: "#4a4f57",
        }
        disabled = "#9aa0a8"
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return pal


def style_sheet(scheme: Scheme) -> str:
    """The few rules a palette cannot express: ``resources/style/app.qss`` with this scheme's
    colours filled in. Object names are set by the widgets."""
    dark = scheme == "dark"
    colors = {
        "accent": _ACCENT,
        "muted": "#a3a8b0" if dark else "#5d636c",
        "card": "#262a2f" if dark else "#ffffff",
        "border": "#3a3e45" if dark else "#d5d8de",
        "offline_bg": "#3b3320" if dark else "#fff4d6",
    }
    template = (RESOURCES / "style" / "app.qss").read_text(encoding="utf-8")
    return Template(template).substitute(colors)


def banner_colors(severity: str, scheme: Scheme) -> tuple[str, str, str]:
    """(background, border, text) for a banner of ``severity`` (error | warning | info)."""
    if scheme == "dark":
        table = {
            "error": ("#4a1f22", "#a8383f", "#ffd9db"),
            "warning": ("#463915", "#a37f1c", "#ffefc2"),
            "info": ("#1c3347", "#3b6f9e", "#d6eaff"),
        }
    else:
        table = {
            "error": ("#fde7e8", "#e5a1a5", "#7a1c22"),
            "warning": ("#fff4d6", "#e7c66a", "#5e4500"),
            "info": ("#e3f0fd", "#a6c8ec", "#113a63"),
        }
    return table.get(severity, table["info"])


_current: Scheme = "light"


def current_scheme() -> Scheme:
    """The scheme last applied by ``apply_theme``."""
    return _current


def apply_theme(app: QApplication, theme: str | None = "system") -> Scheme:
    """Apply ``theme`` (system | light | dark) to ``app``; returns the scheme actually used."""
    global _current
    scheme = resolve_scheme(theme)
    app.setStyle("Fusion")
    app.setPalette(make_palette(scheme))
    app.setStyleSheet(style_sheet(scheme))
    _current = scheme
    return scheme


# -- icons -------------------------------------------------------------------------------------

RESOURCES = resources_dir()
ICONS = RESOURCES / "icons"
APP_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)


def _svg_pixmap(svg: bytes, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


def app_icon() -> QIcon:
    """The app icon from the pre-rendered PNGs (crisp at every size), SVG as the fallback."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        png = ICONS / f"app-{size}.png"
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        icon = QIcon(str(ICONS / "app.svg"))
    return icon


def icon(name: str, scheme: Scheme | None = None) -> QIcon:
    """A toolbar icon drawn in the text colour of ``scheme`` (SVGs use ``currentColor``)."""
    path = ICONS / f"{name}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    colors = {"dark": "#e8e8ea", "light": "#33363c"}
    active = svg.replace("currentColor", colors[scheme or _current])
    disabled = svg.replace("currentColor", "#8a8f98")
    result = QIcon()
    for size in (16, 24, 32, 48):
        result.addPixmap(_svg_pixmap(active.encode(), size), QIcon.Mode.Normal)
        result.addPixmap(_svg_pixmap(disabled.encode(), size), QIcon.Mode.Disabled)
    return result


def render_app_icons(dest: Path = ICONS) -> list[Path]:
    """Render ``app.svg`` to ``app-<size>.png``; rerun after editing the SVG (needs a Qt app)."""
    svg = (ICONS / "app.svg").read_bytes()
    written = []
    for size in APP_ICON_SIZES:
        out = dest / f"app-{size}.png"
        _svg_pixmap(svg, size).save(str(out), "PNG")
        written.append(out)
    return written
