"""The response panel: status coloured by class, time and size, the vendor's answer in plain
words, the body (pretty, capped, "show all" loaded in slices) and headers."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.ui.widgets.spoken import SpokenLabel
from console.ui.widgets.theme import is_dark, status_colour

if TYPE_CHECKING:  # the exchange and rendering modules are loaded with the first answer
    from console.core.exchange import Exchange
    from console.core.history.entry import HistoryEntry
    from console.ui.widgets.large_text import LargeTextView
    from console.ui.widgets.rendering import RenderedBody

# The preview goes into the view a piece at a time, a few pieces per event-loop turn, so that
# no turn holds the GUI thread longer than TURN_BUDGET seconds: the first piece at once, the
# rest right after. "Show all" needs no pieces: the light view takes the whole text at once.
SLICE = 2 * 1024
TURN_BUDGET = 0.010
# A body this long (characters) leaving the view gives its memory back (give_memory_back).
LARGE = 1_000_000



def give_memory_back() -> None:
    """Returns freed heap to the OS (glibc keeps it otherwise): after a multi-megabyte body
    leaves the view, the process shrinks back instead of keeping its peak for good."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to do
        pass


def human_size(size: int | None) -> str:
    if size is None:
        return "—"
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return ""


class ResponseBody(QPlainTextEdit):
    """The Body tab: a read-only text edit for the capped preview, and, once "Show all" is
    asked for, a LargeTextView over it holding everything (a QTextDocument of a 5 MB answer
    took 7× its size). Either way it is the one control named "Response body", and
    toPlainText gives what is shown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._all: LargeTextView | None = None

    def show_all_of(self, text: str) -> None:
        """Shows all of `text` in the light view (the preview is dropped)."""
        from console.ui.widgets.large_text import LargeTextView

        if self._all is None:
            self._all = LargeTextView(self)
            self._all.setAccessibleName("Response body (all of it)")
        self.setPlainText("")
        self._all.setPlainText(text)
        self._all.setGeometry(self.rect())
        self._all.show()
        if self.hasFocus():
            self._all.setFocus()

    def showing_all(self) -> bool:
        return self._all is not None and self._all.isVisible()

    def _is_large(self) -> bool:
        """Whether it holds a body large enough to give memory back when it goes."""
        return self.showing_all() or self.document().characterCount() > LARGE

    def setPlainText(self, text: str) -> None:
        """Replaces what is shown; a large body that goes gives its memory back."""
        was_large = self._is_large()
        if self._all is not None and self.showing_all():
            self._all.setPlainText("")
            self._all.hide()
        super().setPlainText(text)
        if was_large:
            give_memory_back()

    def toPlainText(self) -> str:
        return self._all.toPlainText() if self._all is not None and self.showing_all() else super().toPlainText()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._all is not None:
            self._all.setGeometry(self.rect())

    def focusInEvent(self, event) -> None:
        if self._all is not None and self.showing_all():
            self._all.setFocus()
            return
        super().focusInEvent(event)


class ResponseView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.status = SpokenLabel("No response yet")
        self.status.setAccessibleName("Response status")
        self.status.setStyleSheet("font-weight: bold; font-size: 14px")
        self.meta = SpokenLabel("")
        self.meta.setAccessibleName("Response details")
        top.addWidget(self.status)
        top.addWidget(self.meta, 1)
        self.show_all = QPushButton("Show all")
        self.show_all.setToolTip("The body is shown capped; load all of it")
        self.show_all.setVisible(False)
        self.show_all.clicked.connect(self._load_all)
        self.raw = QPushButton("Raw")
        self.raw.setCheckable(True)
        self.raw.setToolTip("Show the body exactly as received (no pretty-printing, JSONP kept)")
        self.raw.toggled.connect(self._show_body)
        top.addWidget(self.raw)
        top.addWidget(self.show_all)
        layout.addLayout(top)
        # Which exchange the answer belongs to: an answer never passes for another operation's.
        self.about = SpokenLabel("")
        self.about.setAccessibleName("Response of")
        self.about.setVisible(False)
        layout.addWidget(self.about)
        self.shown_key: str | None = None  # "vendor/operation" of the exchange shown
        self._about_text = ""
        self.explanation = SpokenLabel("")
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("Response explanation")
        self.explanation.setVisible(False)
        layout.addWidget(self.explanation)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Response views")
        self.body = ResponseBody()
        self.body.setReadOnly(True)
        # A read-only view keeps no undo history: with it, every piece appended stayed in memory
        # a second time (a 5 MB "Show all" cost 218 MB).
        self.body.setUndoRedoEnabled(False)
        self.body.setFont(mono)
        self.body.setAccessibleName("Response body")
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.body.setPlaceholderText("(no body)")
        self.headers = QPlainTextEdit()
        self.headers.setReadOnly(True)
        self.headers.setFont(mono)
        self.headers.setAccessibleName("Response headers")
        self.sent = QPlainTextEdit()
        self.sent.setReadOnly(True)
        self.sent.setFont(mono)
        self.sent.setAccessibleName("Request sent")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(mono)
        self.details.setAccessibleName("Exchange details")
        self.tabs.addTab(self.body, "Body")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.sent, "Request sent")
        self.tabs.addTab(self.details, "Details")
        layout.addWidget(self.tabs, 1)
        self._rendered: RenderedBody | None = None
        self._pending = ""  # the text being put into the body view (the preview, then all)
        self._offset = self._end = 0
        self._slicer = QTimer(self)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._append_slice)

    @property
    def rendered(self) -> RenderedBody | None:
        """The body shown now, as rendered (its preview and, on demand, all of it)."""
        return self._rendered

    def set_about(self, key: str | None, text: str) -> None:
        """Names the exchange shown: `key` is its "vendor/operation", `text` says which one."""
        self.shown_key, self._about_text = key, text
        self.about.setText(text)
        self.about.setStyleSheet("")
        self.about.setVisible(bool(text))

    def follow_operation(self, key: str) -> None:
        """The user chose another vendor or operation: an answer shown for a different one stays
        readable but is labelled as the earlier request's and greyed."""
        if self.shown_key is None:
            return
        if key == self.shown_key:
            self.set_about(self.shown_key, self._about_text)
            return
        self.about.setText(f"Earlier request, not {key}: {self._about_text}")
        self.about.setStyleSheet("color: palette(mid); font-style: italic")
        self.about.setVisible(True)
        self.status.setStyleSheet("font-weight: bold; font-size: 14px; color: palette(mid)")

    def clear(self, text: str = "No response yet") -> None:
        self._slicer.stop()
        self.set_about(None, "")
        self.status.setText(text)
        self.status.setStyleSheet("font-weight: bold; font-size: 14px")
        self.meta.setText("")
        self.explanation.setVisible(False)
        self.body.setPlainText("")
        self.headers.setPlainText("")
        self.sent.setPlainText("")
        self.details.setPlainText("")
        self.show_all.setVisible(False)
        self._rendered = None

    def show_failure(self, message: str) -> None:
        """A send that could not be completed at all (not a vendor's answer): said in the
        response area, where the answer would be, instead of a dialog that stops the window."""
        self.clear("Send failed")
        self._set_explanation(f"The send could not be completed: {message}")

    def show_details(self, entry: HistoryEntry | None) -> None:
        """What history keeps about the exchange: when, where, timings, sizes, issues."""
        if entry is None:
            self.details.setPlainText("")
            return
        request_size = entry.request_size if entry.request_size is not None else len(entry.request_body or b"")
        lines = [f"Exchange #{entry.id}  {entry.time}" + (f"  (from {entry.source})" if entry.source else ""),
                 f"{entry.vendor} / {entry.operation}  profile {entry.profile}"
                 + ("  (sent despite errors)" if entry.forced else "")
                 + ("  📌 pinned" if entry.pinned else ""),
                 f"Outcome: {entry.status_label}" + (f" — {entry.error}" if entry.error else ""),
                 f"Time: {entry.elapsed_ms:.1f} ms" if entry.elapsed_ms is not None else "Time: —",
                 f"Request body: {human_size(request_size)}; response body: "
                 f"{human_size(entry.response_size)}" + (" (first 5 MB kept)" if entry.response_truncated else ""),
                 "Settings: " + ", ".join(f"{k}={v}" for k, v in (entry.settings or {}).items()),
                 f"Credential used: {entry.credential or 'none'} (its value is never stored)", ""]
        issues = entry.issues
        lines.append("Validation issues at the time of sending:" if issues else "No validation issues at the time of sending.")
        lines += [f"  {i['severity']:<7} {i['path'] or '(payload)'}: {i['message']}" for i in issues]
        self.details.setPlainText("\n".join(lines))

    def show_exchange(self, exchange: Exchange, rendered: RenderedBody | None, explanation: str | None,
                      cancelled: bool = False) -> None:
        """Shows one exchange (already masked)."""
        self._slicer.stop()
        dark = is_dark(self.palette())
        response = exchange.response
        request = exchange.request
        self.sent.setPlainText(
            f"{request.method} {request.url}\n" + "".join(f"{k}: {v}\n" for k, v in request.headers.items())
            + ("\n" + request.body_text() if request.body else ""))
        if response is None:
            self.status.setText("Cancelled" if cancelled else "No answer")
            self.status.setStyleSheet(f"font-weight: bold; font-size: 14px; color: {status_colour(None, dark)}")
            self.meta.setText(f"{exchange.elapsed_ms:.0f} ms")
            self._set_explanation(exchange.error or explanation)
            self.body.setPlainText("")
            self.headers.setPlainText("")
            self.show_all.setVisible(False)
            self._rendered = None
            return
        self.status.setText(f"{response.status} {response.reason}")
        self.status.setStyleSheet(f"font-weight: bold; font-size: 14px; color: {status_colour(response.status, dark)}")
        kind = response.headers.get("Content-Type", response.headers.get("content-type", ""))
        size = human_size(response.size) + (" (kept the first 5 MB)" if response.truncated else "")
        self.meta.setText(f"{exchange.elapsed_ms:.0f} ms · {size}" + (f" · {kind}" if kind else ""))
        self._set_explanation(explanation)
        self.headers.setPlainText("".join(f"{k}: {v}\n" for k, v in response.headers.items()))
        if rendered is not None and rendered.jsonp:
            self.meta.setText(self.meta.text() + " · JSONP unwrapped (Raw shows it as received)")
        self._rendered = rendered
        self._response = response
        self._show_body()

    def _set_explanation(self, text: str | None) -> None:
        self.explanation.setText(text or "")
        self.explanation.setVisible(bool(text))

    def _show_body(self, *_):
        self._slicer.stop()
        rendered = self._rendered
        if rendered is None:
            return
        if self.raw.isChecked():
            from console.ui.widgets.rendering import break_long_lines

            source = break_long_lines(self._response.text())
            preview = len(rendered.preview)
        else:
            source, preview = rendered.full, len(rendered.preview)
        self._pending = source
        self.show_all.setVisible(len(source) > preview)
        self.body.setPlainText(source[:SLICE])
        self._offset = min(SLICE, len(source))
        self._fill_to(min(preview, len(source)))

    def _load_all(self) -> None:
        """Everything, in the light view: no QTextDocument of megabytes (see ResponseBody)."""
        self._slicer.stop()
        self.body.show_all_of(self._pending)
        self.show_all.setVisible(False)

    def _fill_to(self, end: int) -> None:
        """Appends `_pending` from what is shown up to `end`, a few pieces per turn."""
        self._end = end
        self._slicer.start()

    def _append_slice(self) -> None:
        deadline = time.perf_counter() + TURN_BUDGET
        cursor = self.body.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        while self._offset < self._end and time.perf_counter() < deadline:
            piece = self._pending[self._offset:min(self._offset + SLICE, self._end)]
            self._offset += len(piece)
            cursor.insertText(piece)
        if self._offset >= self._end:
            self._slicer.stop()
