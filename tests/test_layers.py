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


def test_layer_contracts_hold():
    """The import-linter contracts in pyproject.toml (also run by scripts/test)."""
    done = subprocess.run([str(pathlib.Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                          capture_output=True, text=True, cwd=ROOT.parent)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_no_import_cycle():
    """No module of console/ reaches itself through imports (lazy ones included)."""
    import grimp

    graph = grimp.build_graph("console")
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):  # Tarjan's strongly connected components, iteratively
        work = [(module, iter(sorted(graph.find_modules_directly_imported_by(module))))]
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert cycles == []
