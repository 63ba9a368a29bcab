"""Qt stays in console/ui; requests only in the transport; keyring only in secrets.py."""

import ast
import pathlib
import subprocess
import sys

import console

ROOT = pathlib.Path(console.__file__).parent


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def modules(*packages):
    for package in packages:
        yield from (ROOT / package).rglob("*.py")


def test_no_qt_outside_ui():
    offenders = [str(p) for p in modules("core", "vendors", "sandbox") if "PySide6" in set(imports_of(p))]
    offenders += [str(p) for p in ROOT.glob("*.py") if "PySide6" in set(imports_of(p))]
    assert offenders == []


def test_only_the_transport_imports_requests():
    users = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if "requests" in set(imports_of(p))}
    assert users == {"core/transport.py"}


def test_only_secrets_imports_keyring():
    users = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if "keyring" in set(imports_of(p))}
    assert users == {"core/secrets.py"}


def test_vendors_command_imports_nothing_heavy():
    code = ("import sys, io; from console import cli; cli.main(['vendors'], stdout=io.StringIO()); "
            "print(','.join(m for m in ('requests','keyring','jsonschema','PySide6','sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
