"""A tracking plan's coverage over history, and the regressions between two reports.

`coverage` reads the exchanges of a source and a time span (one QA session of capture, a suite
run) and reports, for the plan, each event and how often it was seen, the expected events never
seen, the events seen that the plan does not list, the plan's properties never seen, the issues
per event, and the properties seen with their types (what `compare` needs). `compare` tells,
against an earlier report, the events and properties that appeared, disappeared or changed
type, and the issues that are new: the regression list between two releases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.core.definitions import vendors
from console.core.history.records import HistoryFilter
from console.core.plans import PlanEvent, PlanSet, events_of, properties_of

if TYPE_CHECKING:
    from console.core.history.entry import HistoryEntry
    from console.core.history.store import HistoryStore

PAGE = 500


def coverage(store: HistoryStore, plans: PlanSet, source: str = "", since: str = "", until: str = "") -> dict[str, Any]:
    """The contract's coverage report (plus `properties`: what each event was seen with)."""
    events = [event for plan in plans.plans for event in plan.events]
    names = [event.event for event in events]
    # Reported by the event's name; where two operations share it, as vendor/operation/name.
    planned = {(event.event if names.count(event.event) == 1 else "/".join(event.key)): event for event in events}
    seen = dict.fromkeys(planned, 0)
    issues = dict.fromkeys(planned, 0)
    properties: dict[str, dict[str, str]] = {name: {} for name in planned}
    unexpected: dict[str, int] = {}
    covered = set(plans.covering)
    filters = HistoryFilter(source=source, since=since, until=until)
    before = None
    while True:
        listed = store.page(before, PAGE, filters=filters)
        if not listed:
            break
        before = listed[-1].id
        wanted = [e.id for e in listed if (e.vendor, e.operation) in covered]
        for entry in store.get_many(wanted):
            _count(entry, planned, seen, issues, properties, unexpected)
    return {
        "plan": plans.name,
        "seen": seen,
        "missing": [name for name, event in planned.items() if event.expected and not seen[name]],
        "unexpected": sorted(unexpected),
        "unseen_properties": {name: [p for p in event.properties if p not in properties[name]]
                              for name, event in planned.items() if seen[name]},
        "issues": issues,
        "properties": properties,
    }


def _count(entry: HistoryEntry, planned: dict[str, PlanEvent], seen: dict[str, int], issues: dict[str, int],
           properties: dict[str, dict[str, str]], unexpected: dict[str, int]) -> None:
    import json

    try:
        payload = json.loads(entry.payload) if entry.payload else None
    except ValueError:
        return
    op = vendors()[entry.vendor].operations[entry.operation]
    labels = {event.key: label for label, event in planned.items()}
    for where, found, event in events_of(op, payload, entry.settings or {}):
        name = labels.get((entry.vendor, entry.operation, found or ""))
        if name is None:
            unexpected[found or "(no name)"] = unexpected.get(found or "(no name)", 0) + 1
            continue
        seen[name] += 1
        properties[name].update(properties_of(event))
        issues[name] += sum(1 for issue in entry.issues if _under(issue.get("path", ""), where))


def _under(path: str, event: str) -> bool:
    """Whether an issue at `path` is about the event at `event` ("" is the whole payload)."""
    return event == "" or path == event or path.startswith(event + "/")


def compare(report: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """What changed since `baseline` (an earlier report): events and properties that appeared,
    disappeared or changed type, and issues that are new; `regression` says whether any of it
    is a loss (something gone, a type changed, new issues)."""
    now = {name for name, count in report.get("seen", {}).items() if count}
    then = {name for name, count in (baseline.get("seen") or {}).items() if count}
    now_props, then_props = report.get("properties", {}), baseline.get("properties") or {}
    appeared, disappeared, changed = {}, {}, {}
    for name in sorted(now & then):
        new, old = now_props.get(name, {}), then_props.get(name, {})
        if set(new) - set(old):
            appeared[name] = sorted(set(new) - set(old))
        if set(old) - set(new):
            disappeared[name] = sorted(set(old) - set(new))
        types = {p: [old[p], new[p]] for p in sorted(set(new) & set(old)) if old[p] != new[p]}
        if types:
            changed[name] = types
    new_issues = {name: count for name, count in report.get("issues", {}).items()
                  if count > (baseline.get("issues") or {}).get(name, 0)}
    diff: dict[str, Any] = {"events_appeared": sorted(now - then), "events_disappeared": sorted(then - now),
            "properties_appeared": appeared, "properties_disappeared": disappeared, "types_changed": changed,
            "new_issues": new_issues}
    diff["regression"] = bool(diff["events_disappeared"] or disappeared or changed or new_issues)
    return diff


def describe(report: dict[str, Any], diff: dict[str, Any] | None = None) -> str:
    """The report for people."""
    lines = [f"Plan {report['plan']}: {sum(1 for c in report['seen'].values() if c)} of {len(report['seen'])} "
             "events seen."]
    for name, count in report["seen"].items():
        mark = "✔" if count else ("✖" if name in report["missing"] else "·")
        extra = f", {report['issues'][name]} issue(s)" if report["issues"].get(name) else ""
        unseen = report["unseen_properties"].get(name)
        extra += f"; never seen: {', '.join(unseen)}" if unseen else ""
        lines.append(f"  {mark} {name}: seen {count} time(s){extra}")
    if report["missing"]:
        lines.append(f"Missing (expected, never seen): {', '.join(report['missing'])}")
    if report["unexpected"]:
        lines.append(f"Not in the plan: {', '.join(report['unexpected'])}")
    if diff is not None:
        lines.append("Against the baseline:" if any(v for k, v in diff.items() if k != "regression")
                     else "Against the baseline: nothing changed.")
        for key, words in (("events_appeared", "events that appeared"), ("events_disappeared", "events that disappeared")):
            if diff[key]:
                lines.append(f"  {words}: {', '.join(diff[key])}")
        for key, words in (("properties_appeared", "appeared"), ("properties_disappeared", "disappeared")):
            for name, props in diff[key].items():
                lines.append(f"  {name}: properties {words}: {', '.join(props)}")
        for name, types in diff["types_changed"].items():
            lines += [f"  {name}: {p} changed type from {old} to {new}" for p, (old, new) in types.items()]
        for name, count in diff["new_issues"].items():
            lines.append(f"  {name}: new issues ({count} now)")
    return "\n".join(lines)
