"""`event-console --self-test`: checks that this installation (from source or the frozen
bundle) works end to end, one line per check, in a temporary data home so that the user's
real history is never touched. Exit status 1 when any check fails."""

from __future__ import annotations

import os
import tempfile
import traceback
from pathlib import Path
from typing import IO


def run_self_test(out: IO[str]) -> int:
    from console import __version__

    failures = 0

    def report(ok: bool, text: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {text}", file=out, flush=True)

    print(f"event-console {__version__} self-test", file=out)
    with tempfile.TemporaryDirectory(prefix="event-console-self-test-") as home:
        from console.core.definitions import vendors
        from console.core.resources import resources_dir
        from console.core.validation import check_schema
        from console.engine import pipeline
        from console.engine.context import AppContext

        try:
            all_vendors = vendors()
            count = sum(len(v.operations) for v in all_vendors.values())
            report(True, f"definitions: {len(all_vendors)} vendors, {count} operations from {resources_dir()}")
        except Exception as exc:
            report(False, f"definitions: {exc}")
            return 1
        ctx = AppContext(home=Path(home))
        try:
            for vendor in all_vendors.values():
                for op in vendor.operations.values():
                    try:
                        check_schema(vendor.name, op.name)
                        # The example as sent: its dynamic values resolved, then checked.
                        prepared = pipeline.prepare(ctx, pipeline.Draft(vendor.name, op.name))
                        outcome = pipeline.send(ctx, prepared)
                        response = outcome.exchange.response
                        ok = not prepared.issues and response is not None and response.ok and outcome.history_id
                        detail = (f"{response.status} {response.reason}" if response is not None
                                  else outcome.exchange.error)
                        report(bool(ok), f"{vendor.name} {op.name}: example valid, sandbox answered {detail}")
                    except Exception as exc:
                        report(False, f"{vendor.name} {op.name}: {type(exc).__name__}: {exc}")
            if ctx.secrets.available:
                report(True, f"keyring: {ctx.secrets.backend_name()}")
            else:
                # Not a failure: the app then keeps keys for the session only, and says so.
                report(True, "keyring: none available, keys would be kept for the session only")
        finally:
            ctx.close()
        report(*_window_check(Path(home)))
    print(f"{'all checks passed' if not failures else f'{failures} check(s) failed'}", file=out)
    return 1 if failures else 0


def _window_check(home: Path) -> tuple[bool, str]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and os.name == "posix":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from console.app import open_and_close_window

        title = open_and_close_window(home)
        return True, f"window: opened and closed ({title}, platform {os.environ.get('QT_QPA_PLATFORM') or 'default'})"
    except Exception:
        return False, "window: " + traceback.format_exc(limit=3).strip().splitlines()[-1]
