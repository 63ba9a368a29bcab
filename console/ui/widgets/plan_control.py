"""The `Tracking plan` control: opens a plan folder (remembered) and shows the plan's rules for
the event being edited, required first, with their descriptions and allowed values. The checks
themselves run in the core (console.core.plans); their issues join the vendor's, marked with
the plan's name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QVBoxLayout, QWidget

from console.ui.widgets.spoken import SpokenLabel


class PlanControl(QWidget):
    """`open_requested` asks the window to choose a plan folder; `close_requested` to drop it."""

    open_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.button = QPushButton("Tracking plan…")
        self.button.setAccessibleName("Tracking plan")
        self.button.setToolTip("Open your team's tracking plan (a folder of *.plan.json): payloads are checked "
                               "against it too, and its rules for this event are listed here")
        self.close_button = QPushButton("Close plan")
        self.close_button.setAccessibleName("Close tracking plan")
        self.close_button.setVisible(False)
        self.status = SpokenLabel("No tracking plan.")
        self.status.setAccessibleName("Tracking plan status")
        self.status.setWordWrap(True)
        row.addWidget(self.button)
        row.addWidget(self.close_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.rules = QListWidget()
        self.rules.setAccessibleName("Tracking plan rules")
        self.rules.setWordWrap(True)
        self.rules.setMaximumHeight(110)
        self.rules.setVisible(False)
        layout.addWidget(self.rules)
        self.button.clicked.connect(self.open_requested.emit)
        self.close_button.clicked.connect(self.close_requested.emit)

    def show_plan(self, name: str | None, folder: str = "") -> None:
        """The plan in use (None: none)."""
        self.close_button.setVisible(name is not None)
        self.rules.setVisible(name is not None)
        self.button.setText("Tracking plan…" if name is None else f"Plan: {name}")
        text = "No tracking plan." if name is None else f"Checking against {name} ({folder})."
        self.status.setText(text)
        self.button.setAccessibleDescription(text)
        if name is None:
            self.rules.clear()

    def show_rules(self, lines: list[str]) -> None:
        self.rules.clear()
        self.rules.addItems(lines)


def rule_lines(plans, op, payload, settings: dict[str, str] | None = None) -> list[str]:
    """The plan's rules for the events of a payload, for people: each event's name and
    description, then its properties, required first, with type, bounds and allowed values."""
    from console.core.plans import events_of

    lines: list[str] = []
    planned = [e.event for e in plans.events_for(op.vendor, op.name)]
    for _where, name, _event in events_of(op, payload, settings)[:20]:
        found = plans.by_key.get((op.vendor, op.name, name or ""))
        if found is None:
            if planned:
                lines.append(f"{name or 'This event'} is not in the plan: it lists {', '.join(planned[:12])}.")
            continue
        plan, event = found
        lines.append(f"{event.event} ({plan.name})" + (f": {event.description}" if event.description else ""))
        for prop, rule in sorted(event.properties.items(), key=lambda item: not item[1].required):
            facts = [word for word in ("required" if rule.required else "", rule.type or "",
                                       _bounds(rule.min, rule.max)) if word]
            allowed = f"; one of {' | '.join(map(str, rule.enum))}" if rule.enum else ""
            pattern = f"; matches {rule.pattern}" if rule.pattern else ""
            about = f" — {rule.description}" if rule.description else ""
            lines.append(f"    {prop} ({', '.join(facts) or 'optional'}{allowed}{pattern}){about}")
    return lines


def _bounds(low, high) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}" if high is not None else ""
