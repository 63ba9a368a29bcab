"""Renderings of the definitions for people: `event-console vendors` (text and JSON) and the
README's vendor table. One source, several renderings."""

from __future__ import annotations

from typing import Any

from console.core.definitions import vendors


def catalogue() -> list[dict[str, Any]]:
    """Every vendor with its operations, settings and secrets, as plain data."""
    out = []
    for vendor in vendors().values():
        out.append({
            "vendor": vendor.name,
            "title": vendor.title,
            "document": vendor.doc,
            "settings": {n: {"label": s.label, "help": s.help, "default": s.default}
                         for n, s in vendor.settings.items()},
            "secrets": {n: {"label": s.label, "help": s.help} for n, s in vendor.secrets.items()},
            "operations": [{
                "operation": op.name,
                "title": op.title,
                "summary": op.summary,
                "method": op.request.method,
                "path": op.request.path,
                "settings": {n: vendor.setting_default(op, n) for n in op.settings},
                "secrets": list(op.credentials),
            } for op in vendor.operations.values()],
        })
    return out


def catalogue_text() -> str:
    lines = []
    for vendor in catalogue():
        lines.append(f"{vendor['vendor']}  ({vendor['title']})")
        for op in vendor["operations"]:
            secrets = " or ".join(op["secrets"]) or "none"
            settings = ", ".join(f"{k}={v}" if v else k for k, v in op["settings"].items())
            lines.append(f"  {op['operation']:<18} {op['method']:<4} {op['path']}")
            lines.append(f"  {'':<18} settings: {settings}; secrets: {secrets}")
        lines.append("")
    return "\n".join(lines).rstrip()


def markdown_table(documents: str = "") -> str:
    """The README's vendor table: each operation with the document lines that state the rules
    that block its send (console.core.document_ties), each document linked at `documents` + its
    name (the README says where the documents are; the package ships without them)."""
    from console.core.document_ties import ties_of

    rows = ["| vendor | operation | request | settings (default) | secrets | rules that block a send, where the document states them |",
            "|---|---|---|---|---|---|"]
    for vendor in vendors().values():
        described = next(v for v in catalogue() if v["vendor"] == vendor.name)
        for op in described["operations"]:
            settings = ", ".join(f"`{k}` (`{v}`)" if v else f"`{k}`" for k, v in op["settings"].items())
            secrets = " or ".join(f"`{s}`" for s in op["secrets"]) or "—"
            by_document: dict[str, list[int]] = {}
            for tie in ties_of(vendor, vendor.operations[op["operation"]]):
                by_document.setdefault(tie.document, []).append(tie.line)
            rules = "; ".join(f"[{document}]({documents}{document}) lines {', '.join(map(str, sorted(set(lines))))}"
                              for document, lines in by_document.items())
            rows.append(f"| {vendor.title} | `{op['operation']}` — {op['title']} | "
                        f"`{op['method']} {op['path']}` | {settings} | {secrets} | {rules} |")
    return "\n".join(rows)
