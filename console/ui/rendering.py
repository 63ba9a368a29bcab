"""Turns a response body into what the window shows, off the GUI thread: JSON pretty-printed
(JSONP unwrapped), everything capped so a huge answer never freezes the window."""

from __future__ import annotations

import json
from dataclasses import dataclass

from console.core.exchange import Response, unwrap_jsonp

PREVIEW_CHARS = 200_000
PRETTY_LIMIT = 2_000_000


@dataclass(frozen=True)
class RenderedBody:
    preview: str  # what the Body tab shows first
    full: str  # everything, for "Show all"
    is_json: bool
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
    shown = pretty if pretty is not None else text
    return RenderedBody(preview=shown[:PREVIEW_CHARS], full=shown,
                        is_json=pretty is not None, jsonp=unwrapped is not text and pretty is not None)
