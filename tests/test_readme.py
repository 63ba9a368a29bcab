"""The README stays true: its vendor table is the one the definitions render, and its first
two commands are the install-and-launch and test commands."""

import re
from pathlib import Path

from console.core.catalogue import markdown_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_vendor_table_is_current():
    table = re.search(r"<!-- vendor-table:start.*?-->\n(.*?)\n<!-- vendor-table:end -->", README, re.S).group(1)
    assert table.strip() == markdown_table(documents="../shared/vendor-docs/").strip()


def test_first_two_commands():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert block[0].startswith("scripts/run") and block[1].startswith("scripts/test")
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "scripts/test" in ci
