"""Colours that follow the system's light or dark palette."""

from __future__ import annotations

from PySide6.QtGui import QPalette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colour(status: int | None, dark: bool) -> str:
    """Colour of a response status by class; None is "no answer"."""
    if status is None:
        return "#9e9e9e"
    if 200 <= status < 300:
        return "#66bb6a" if dark else "#2e7d32"
    if 300 <= status < 400:
        return "#64b5f6" if dark else "#1565c0"
    if 400 <= status < 500:
        return "#ffa726" if dark else "#e65100"
    return "#ef5350" if dark else "#c62828"


def severity_colour(severity: str, dark: bool) -> str:
    if severity == "error":
        return "#ef5350" if dark else "#c62828"
    return "#ffca28" if dark else "#8d6e00"


# The Environment label's look: calm for the sandbox, a warning colour for a live host.
ENVIRONMENT_STYLES = {
    "sandbox": "QLabel { background: #1b7f5b; color: white; border-radius: 4px; padding: 2px 8px; }",
    "local": "QLabel { background: #455a64; color: white; border-radius: 4px; padding: 2px 8px; }",
    "live": "QLabel { background: #c62828; color: white; border-radius: 4px; padding: 2px 8px; font-weight: bold; }",
}


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, for desktops whose platform theme gives none
    (Xvfb, some Linux desktops); `diagnostics screenshot --dark` uses it."""
    from PySide6.QtGui import QColor

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#e0e0e0"), (roles.Base, "#1e1e1e"),
                         (roles.AlternateBase, "#262626"), (roles.Text, "#e0e0e0"), (roles.Button, "#353535"),
                         (roles.ButtonText, "#e0e0e0"), (roles.Highlight, "#2f65ca"),
                         (roles.HighlightedText, "#ffffff"), (roles.ToolTipBase, "#353535"),
                         (roles.ToolTipText, "#e0e0e0"), (roles.PlaceholderText, "#8a8a8a"), (roles.Link, "#64b5f6")):
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#777777"))
    return palette
