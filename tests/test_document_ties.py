"""Only the documents' rules block: every schema node of the definitions whose failure is an
error names the line of the vendor document that states it, and that line says the field (or
the words quoted); every error raised in code names its line beside it. What no line states is
a warning (tests/test_false_positives.py shows the payloads that taught us)."""

import re
from pathlib import Path

import pytest

from console.core.definitions import vendors
from console.core.document_ties import definition_nodes, ties

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT.parent / "shared" / "vendor-docs"
pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="../shared/vendor-docs is not beside the checkout")


def doc_line(document: str, line: int) -> str:
    lines = (DOCS / document).read_text(encoding="utf-8").split("\n")
    assert 1 <= line <= len(lines), (document, line)
    return lines[line - 1]


def test_every_blocking_rule_names_its_document_line():
    known = ties()
    nodes = [node for vendor in vendors().values() for node in definition_nodes(vendor)]
    assert [pointer for pointer, _ in nodes if pointer not in known] == []
    assert sorted(set(known) - {pointer for pointer, _ in nodes}) == []  # no tie for a rule that is gone
    for pointer, field in nodes:
        tie = known[pointer]
        assert tie.document in vendors()[pointer.split("/")[1]].doc, (pointer, tie)
        text = doc_line(tie.document, tie.line)
        assert tie.says in text, (pointer, tie, text)
        if tie.says == field:  # found by the field's name: as a word, not inside another
            assert re.search(r"(?<![\w$-])" + re.escape(field) + r"(?![\w-])", text), (pointer, text)


def test_every_error_in_code_names_its_line():
    found = 0
    for path in sorted((ROOT / "console" / "vendors").glob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, text in enumerate(lines):
            if "Issue(ERROR" not in text:
                continue
            found += 1
            near = "\n".join(lines[max(0, number - 3):number + 1])
            cited = re.search(r"# doc: ([\w.-]+\.txt):(\d+)", near)
            assert cited or "# not a vendor rule:" in near, f"{path.name}:{number + 1} names no document line"
            if cited:
                assert doc_line(cited.group(1), int(cited.group(2))).strip(), (path.name, cited.group(0))
    assert found >= 5
