"""The window's first check runs in a forked child begun before Qt (console.engine.first_check):
the window shows exactly what its own check would, and falls back to that check whenever the
child's answer does not fit. Each case starts the real entry point (create_main_window) in a
fresh interpreter: the test process has threads, beside which nothing is forked."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from console.core.window_state import WindowState, save_state

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")

SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    if len(sys.argv) > 2:  # a child that never answers
        import console.engine.first_check as first_check
        import console.ui.window.startup_sequence as startup_sequence
        first_check._check = lambda *args: time.sleep(120)
        startup_sequence.FIRST_CHECK_WAIT_MS = 300
    from console.app import create_main_window
    window = create_main_window(sys.argv[1])
    child = window.controller.startup.first_check.pid if window.controller.startup.first_check else None
    forked = window.controller.startup.first_check is not None
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    window.show()
    deadline = time.monotonic() + 30
    while not window.controller.ready and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    c = window.controller
    issues = [window.issues.item(i).text() for i in range(window.issues.count())]
    out = {"forked": forked, "ready": c.ready, "jsonschema_at_ready": "jsonschema" in sys.modules,
           "issues": issues, "preview": window.preview.toPlainText(),
           "payload": c.prepared.payload if c.prepared else None,
           "text": window.editor.toPlainText()}
    # What the window's own check finds for the same payload, made the same way.
    if c.prepared is not None:
        from dataclasses import replace
        from console.engine import pipeline
        own = pipeline.prepare(window.ctx, replace(c.prepared.draft, payload=c.prepared.payload))
        out["own"] = [i.to_json() for i in own.issues]
        out["shown"] = [i.to_json() for i in c.prepared.issues]
    window.close()
    try:  # the child is gone, reaped (not left behind, not a zombie)
        os.kill(child, 0)
        out["child_left"] = True
    except (ProcessLookupError, TypeError):
        out["child_left"] = False
    print(json.dumps(out))
""")


def start(home, *extra) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(home), *extra], capture_output=True, text=True,
                          timeout=90, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_example_is_checked_in_the_child_with_its_dynamic_values(tmp_path):
    """VibeTrace's example has {{$guid}}: the child made the same value the window's prepare
    made (else the window would have checked it itself and imported jsonschema)."""
    save_state(tmp_path, WindowState(vendor="vibetrace", operation="track"))
    out = start(tmp_path)
    assert out["forked"] and out["ready"] and out["child_left"] is False
    assert out["jsonschema_at_ready"] is False  # the schema's answer was the child's
    assert "{{$guid}}" in out["text"] or "{{$" in out["text"]
    assert out["shown"] == out["own"]
    made = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", json.dumps(out["payload"]))
    assert made and made.group(0) in out["preview"]  # the preview shows the value made


def test_a_draft_with_errors_shows_the_childs_errors_as_the_window_would(tmp_path):
    draft = json.dumps({"ListID": "x", "event": "", "email": "bad"}, indent=2)
    save_state(tmp_path, WindowState(vendor="octeth", operation="event", drafts={"octeth/event": draft}))
    out = start(tmp_path)
    assert out["forked"] and out["jsonschema_at_ready"] is False
    assert out["shown"] == out["own"]
    paths = {i["path"] for i in out["shown"] if i["severity"] == "error"}
    assert {"/ListID", "/email", "/event"} <= paths
    assert any("email is not a valid email address" in line for line in out["issues"])


def test_a_draft_that_does_not_parse_shows_the_syntax_error(tmp_path):
    save_state(tmp_path, WindowState(vendor="octeth", operation="event", drafts={"octeth/event": '{"ListID": 1,'}))
    out = start(tmp_path)
    assert out["ready"] and out["payload"] is None
    assert any("Nothing can be sent until the JSON is valid" in line for line in out["issues"])


def test_a_profile_of_a_real_account_takes_the_childs_answer_after_the_keyring(tmp_path):
    """The key is read from the keyring (looked up on a worker first); the schema's answer is
    still the child's, and the missing key is said."""
    from console.core.profiles import ProfileStore

    ProfileStore(tmp_path).update("octeth", "live", {"base_url": "http://127.0.0.1:9"})
    save_state(tmp_path, WindowState(vendor="octeth", operation="event", profiles={"octeth": "live"}))
    out = start(tmp_path)
    assert out["forked"] and out["ready"] and out["child_left"] is False
    assert out["jsonschema_at_ready"] is False
    assert out["shown"] == out["own"]
    assert any(i["path"].startswith("secrets/") for i in out["shown"])


def test_a_child_that_never_answers_is_given_up_and_the_window_checks_itself(tmp_path):
    save_state(tmp_path, WindowState(vendor="octeth", operation="event"))
    out = start(tmp_path, "hang")
    assert out["forked"] and out["ready"]
    assert out["jsonschema_at_ready"] is True and out["shown"] == out["own"]
    assert out["child_left"] is False



def test_closing_the_window_before_the_answer_ends_the_child(tmp_path):
    script = textwrap.dedent("""
        import json, os, sys, time
        import console.engine.first_check as first_check
        first_check._check = lambda *args: time.sleep(120)  # never answers
        from console.app import create_main_window
        window = create_main_window(sys.argv[1])
        child = window.controller.startup.first_check.pid
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        window.show()
        end = time.monotonic() + 1.0  # past the start-up steps: waiting for the child
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)
        waiting = window.controller.startup.first_check is not None
        window.close()
        try:
            os.kill(child, 0)
            left = True
        except ProcessLookupError:
            left = False
        print(json.dumps({"waiting": waiting, "left": left, "ready": window.controller.ready}))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          timeout=90, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"waiting": True, "left": False, "ready": False}
    assert "QSocketNotifier" not in done.stderr
