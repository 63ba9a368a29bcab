"""Turns a response body into what the window shows, off the GUI thread: JSON pretty-printed
(JSONP unwrapped), everything capped so a huge answer never freezes the window."""

from __future__ import annotations

import json
from dataclasses import dataclass

from console.core.exchange import Response, unwrap_jsonp

PREVIEW_CHARS = 64_000
PRETTY_LIMIT = 2_000_000
# Qt lays out a line at once; one multi-megabyte line would stall the window, so the display
# (not the stored body) breaks lines longer than this.
DISPLAY_LINE = 1024


def break_long_lines(text: str) -> str:
    if len(text) <= DISPLAY_LINE or all(len(line) <= DISPLAY_LINE for line in text.split("\n")):
        return text
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(line[i:i + DISPLAY_LINE] for i in range(0, max(len(line), 1), DISPLAY_LINE))
    return "\n".join(out)


@dataclass(frozen=True)
class RenderedBody:
    preview: str  # what the Body tab shows first
    full: str  # everything, for "Show all"
    jsonp: bool

    @property
    def capped(self) -> bool:
        return len(self.preview) < len(self.full)


def render_body(response: Response | None) -> RenderedBody | None:
    if response is None:
        return None
    text = response.text()
    unwrapped = unwrap_jsonp(text)
    pretty = None
    if len(text) <= PRETTY_LIMIT:
        try:
            pretty = json.dumps(json.loads(unwrapped), indent=2, ensure_ascii=False)
        except ValueError:
            pretty = None
    shown = break_long_lines(pretty if pretty is not None else text)
    return RenderedBody(preview=shown[:PREVIEW_CHARS], full=shown,
                        jsonp=unwrapped is not text and pretty is not None)
