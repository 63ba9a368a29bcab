"""The shipped data is found from an installed wheel, not only from the checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_resources_and_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("event_console-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for vendor in ("vibetrace", "mytracker", "octeth", "synerise"):
        assert f"console/resources/vendors/{vendor}.json" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import console.core.resources as r, console.core.definitions as d; "
            "print(r.resources_dir()); print(len(d.vendors()))")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout.split()
    assert out[0] == str(target / "console" / "resources")
    assert out[1] == "4"


def test_version_matches_pyproject():
    import tomllib

    from console import __version__

    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == __version__
