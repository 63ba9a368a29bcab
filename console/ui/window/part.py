"""WindowPart: what each part of the window's controller shares (the controller `c`, the
window `w`, and whether the window has closed, so that background work finishing later is
dropped: console.ui.workers asks `closed`)."""

from __future__ import annotations

from PySide6.QtCore import QObject


class WindowPart(QObject):
    """A part of one window's behaviour, owned by its WindowController."""

    def __init__(self, controller):
        super().__init__(controller)
        self.c = controller
        self.w = controller.w

    @property
    def closed(self) -> bool:
        return self.c.closed
