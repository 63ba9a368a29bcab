"""Send, Send anyway, Cancel and Resend in the window: the question before a send to a live
host, the busy state while the answer comes, and the answer shown when it lands. The send
itself runs on a worker (console.ui.window.sending)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from console.engine.environment import Where
from console.ui.window.part import WindowPart

if TYPE_CHECKING:
    from console.ui.window.sending import Sender

TICK_MS = 100  # how often "Sending… 1.2 s" counts up


class SendController(WindowPart):
    """Sends the controller's `prepared` draft; `job` is the send in flight (None when idle)."""

    def __init__(self, controller):
        super().__init__(controller)
        self.job = None
        self.runner: Sender | None = None  # made when start-up is ready (ensure_sender): not needed to paint
        self.live_question = None  # the open "Send to a live host?" box, while it is asked
        self._sent_at = 0.0
        self._tick_timer = QTimer(self, interval=TICK_MS)
        self._tick_timer.timeout.connect(self._tick)

    def stop(self) -> None:
        """The window closes: the send in flight is cancelled (its answer still lands in history)."""
        if self.job is not None and self.runner is not None:
            self.runner.cancel(self.job)
        self._tick_timer.stop()

    def wait(self, msecs: int) -> None:
        """Lets a late answer land in history (marked cancelled) before the database closes."""
        if self.runner is not None:
            self.runner.wait(msecs)

    def ensure_sender(self) -> Sender:
        """The Sender (made after start-up, or at the first send if that comes sooner)."""
        if self.runner is None:
            from console.ui.window.sending import Sender

            self.runner = Sender(self.c.ctx, self)
            self.runner.finished.connect(self._finished)
        return self.runner

    def send(self, force: bool = False) -> None:
        c = self.c
        if self.job is not None:
            return
        if c.payload.check_pending or c.prepared is None:
            c.payload.validate_now()  # an edit is waiting for its check: check it now
        prepared = c.prepared
        if prepared is None or prepared.missing or (prepared.errors and not force):
            return
        if c.environment.kind is Where.LIVE and not self._live_send_confirmed(prepared):
            return
        self._start_job(prepared, force, "Waiting for the answer…")

    def resend(self, exchange_id: int) -> None:
        """Sends a recorded exchange again as it was (console.engine.actions.resend)."""
        from PySide6.QtWidgets import QMessageBox

        from console.engine.actions import ActionError, resend

        if self.job is not None:
            return
        try:
            prepared = resend(self.c.ctx, exchange_id)
        except ActionError as exc:
            QMessageBox.warning(self.w, "Resend", str(exc))
            return
        self._start_job(prepared, True, f"Resending #{exchange_id}…")

    def _live_send_confirmed(self, prepared) -> bool:
        """Asks before a send to a live host: always when rules are broken; otherwise when the
        profile asks before each send (on by default; "Don't ask again" turns it off for it)."""
        from PySide6.QtWidgets import QCheckBox, QMessageBox

        c = self.c
        vendor, profile = self.w.vendor.currentData(), self.w.profile.currentText()
        host = c.environment.host
        count = len(prepared.errors)
        asks = c.ctx.profiles.asks_before_send(vendor, profile)
        if not count and not asks:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Send anyway to a live host?" if count else "Send to a live host?",
                          (f"This goes to {host}, a real account, with {count} rule"
                           f"{'s' if count != 1 else ''} broken. The vendor may refuse it, or record it as it is.\n\n"
                           "Send it anyway?") if count else
                          (f"This goes to {host}, a real {c.vendor_def.title} account "
                           f"(profile {profile!r}), and is recorded there.\n\nSend it?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.w)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName("Live send question")
        again = None
        if not count:
            again = QCheckBox(f"Don't ask again for profile {profile!r}")
            again.setAccessibleName("Don't ask again")
            box.setCheckBox(again)
        self.live_question = box
        answer = box.exec()
        self.live_question = None
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if again is not None and again.isChecked():
            c.ctx.profiles.set_asks_before_send(vendor, profile, False)
            c.update_environment()
        return True

    def _start_job(self, prepared, force: bool, waiting: str) -> None:
        """Hands a prepared request to the sender and shows the window busy until it answers."""
        self.job = self.ensure_sender().start(prepared, force)
        self._sent_at = time.monotonic()
        self.w.busy.setVisible(True)
        self.w.busy_label.setText("Sending…")
        self._tick_timer.start()
        self.w.response.clear(waiting)
        self.update_buttons()

    def cancel(self) -> None:
        if self.job is None or self.runner is None:
            return
        self.runner.cancel(self.job)
        self.job = None
        self._idle()
        self.w.response.clear("Cancelled")
        self.w.busy_label.setText("Cancelled: a late answer will be kept in history, marked cancelled.")

    def _tick(self) -> None:
        self.w.busy_label.setText(f"Sending… {time.monotonic() - self._sent_at:.1f} s")

    def _idle(self) -> None:
        self._tick_timer.stop()
        self.w.busy.setVisible(False)
        self.w.busy_label.setText("")
        self.update_buttons()

    def update_buttons(self) -> None:
        """Send, Send anyway, Cancel and Copy as cURL enabled as the draft and the job allow."""
        busy = self.job is not None
        prepared = self.c.prepared
        sendable = prepared is not None and not prepared.missing
        self.w.send_button.setEnabled(not busy and sendable and prepared.can_send)
        self.w.send_anyway.setEnabled(not busy and sendable and not prepared.can_send)
        # Only when there is something to force (no red button flashing while the window starts).
        self.w.send_anyway.setVisible(prepared is not None and not prepared.can_send)
        self.w.cancel_button.setEnabled(busy)
        self.w.copy_curl.setEnabled(prepared is not None)

    def _finished(self, result) -> None:
        c = self.c
        if c.closed:
            return
        # Many answers can land together: reload the history list once for all of them.
        c.actions.refresh_history_soon()
        if result.job is not self.job:
            return  # cancelled or superseded: it is in history, not the current response
        self.job = None
        self._idle()
        if result.error:
            self.w.response.show_failure(result.error)
            return
        outcome = result.outcome
        if outcome.record_error:  # sent, but its answer could not be written to history
            self.w.history_banner.setText(outcome.record_error)
            self.w.history_banner.setVisible(True)
        self.w.response.show_exchange(outcome.exchange, result.body, outcome.explanation)
        prepared = result.job.prepared
        key = f"{prepared.vendor.name}/{prepared.op.name}"
        if outcome.exchange.response is not None:
            c.last_answers[key] = (outcome.exchange.response.status, outcome.exchange.response.json())
        c.actions.label_response(key, outcome.history_id, outcome.exchange.started_at, prepared.draft.profile)
        if outcome.history_id is not None:
            self.w.response.show_details(c.ctx.history.details(outcome.history_id))
        c.payload.validate_now()  # history may change warnings (a repeated orderId)
        c.apply_retention(only_if_due=True)
