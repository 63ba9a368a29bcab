"""console.core.forked: a call in a forked child gives back what it returned or raised there;
a child that fails, or no child where forking is not safe, is said plainly (ChildFailed), and
the command line then checks by itself. Each case runs in a fresh interpreter: the test
process has threads of its own (Qt's, the servers'), and Pending rightly refuses to fork beside
them."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from console import fast_start

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")


def run(code: str, tmp_path=None) -> dict:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    if tmp_path is not None:
        env["EVENT_CONSOLE_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_child_does_the_work_and_the_answer_comes_back():
    out = run("""
        import json, os
        from console.core.forked import Pending
        pending = Pending(lambda x: {"pid": os.getpid(), "twice": x * 2}, 21)
        forked = pending.forked
        answer = pending.answer()
        print(json.dumps({"forked": forked, "child": answer["pid"] != os.getpid(), "twice": answer["twice"]}))
    """)
    assert out == {"forked": True, "child": True, "twice": 42}


def test_what_the_child_raises_is_raised_here():
    out = run("""
        import json
        from console.core.forked import Pending
        def fails():
            raise KeyError("no such operation")
        pending = Pending(fails)
        try:
            pending.answer()
        except KeyError as exc:
            print(json.dumps({"forked": True, "raised": exc.args[0]}))
    """)
    assert out == {"forked": True, "raised": "no such operation"}


@pytest.mark.parametrize("death", ["os.kill(os.getpid(), 9)", "os._exit(3)"])
def test_a_child_that_dies_gives_no_answer(death):
    out = run(f"""
        import json, os
        from console.core.forked import ChildFailed, Pending
        def work():
            {death}
        pending = Pending(work)
        forked = pending.forked
        try:
            pending.answer()
            failed = False
        except ChildFailed:
            failed = True
        print(json.dumps({{"forked": forked, "failed": failed}}))
    """)
    assert out == {"forked": True, "failed": True}


def test_no_fork_beside_another_thread():
    out = run("""
        import json, os, threading
        from console.core.forked import ChildFailed, Pending
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        pending = Pending(os.getpid)
        try:
            pending.answer()
            failed = False
        except ChildFailed:
            failed = True
        stop.set()
        print(json.dumps({"forked": pending.forked, "failed": failed}))
    """)
    assert out == {"forked": False, "failed": True}


def test_a_command_whose_child_dies_checks_by_itself(tmp_path):
    """`send` still refuses an invalid payload (exit 1, its errors said) when its child is
    killed before answering: the check is made in the process itself."""
    out = run("""
        import io, json, os, sys
        import console.engine.first_check as first_check
        real = first_check.check_in_child
        parent = os.getpid()
        def dies(*args):
            if os.getpid() != parent:
                os.kill(os.getpid(), 9)
            return real(*args)
        first_check.check_in_child = dies
        from console.cli import main
        out = io.StringIO()
        bad = os.path.join(os.environ["EVENT_CONSOLE_HOME"], "bad.json")
        with open(bad, "w") as f:
            json.dump({"ListID": "x", "event": "", "email": "bad"}, f)
        status = main(["send", "octeth", "event", "--data", bad, "--json"], stdout=out, stderr=io.StringIO())
        result = json.loads(out.getvalue())
        print(json.dumps({"status": status, "paths": [i["path"] for i in result["issues"]], "sent": result["sent"]}))
    """, tmp_path)
    assert out["status"] == 1 and out["sent"] is False
    assert {"/ListID", "/email", "/event"} <= set(out["paths"])


@pytest.mark.skipif(not fast_start.enabled("fork_first_check"), reason="the forked first check is switched off")
def test_the_command_lines_first_check_gives_the_issues_prepare_would(tmp_path):
    """first_check.begin (the command line's path) forks a child whose answer prepare() takes,
    and the issues are exactly those of a check in this process, for errors and for dynamic
    values alike; an answer for another payload is not taken."""
    out = run("""
        import json
        from console.core.validation import Issue
        from console.engine import first_check, pipeline
        from console.engine.context import AppContext
        payloads = [{"ListID": "x", "event": "", "email": "bad", "Extra": 1},
                    {"ListID": 1, "event": "{{$guid}}", "email": "{{$randomEmail}}"}]
        result = []
        for payload in payloads:
            ctx = AppContext()
            early = first_check.begin(ctx, "octeth", "event", payload)
            checked = early.answer()
            draft = pipeline.Draft("octeth", "event", "sandbox", payload)
            side = pipeline.prepare(ctx, draft, now=early.now, checked=checked)
            plain = pipeline.prepare(AppContext(), pipeline.Draft("octeth", "event", "sandbox", side.payload))
            # A made-up answer for the same operation but another payload is passed over.
            wrong = checked._replace(payload="{}", issues=(Issue("error", "/x", "made up", "schema.type"),))
            other = pipeline.prepare(AppContext(), draft, checked=wrong)
            result.append({"taken": checked.answers("octeth", "event", side.payload), "same": side.issues == plain.issues,
                           "paths": [i.path for i in side.issues], "made_up": any(i.message == "made up" for i in other.issues)})
            ctx.close()
        print(json.dumps(result))
    """, tmp_path)
    bad, good = out
    assert bad["taken"] and bad["same"] and good["taken"] and good["same"]
    assert {"/ListID", "/email", "/event"} <= set(bad["paths"]) and good["paths"] == []
    assert not bad["made_up"] and not good["made_up"]


def test_the_command_refuses_an_invalid_payload_checked_in_a_child(tmp_path):
    """`event-console send` as a program: the forked check's errors stop the send (exit 1),
    nothing goes out, and a valid payload is sent (exit 0) to the sandbox."""
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"ListID": "x", "event": "", "email": "bad"}))
    refused = subprocess.run([sys.executable, "-m", "console", "send", "octeth", "event", "--data", str(bad), "--json"],
                             capture_output=True, text=True, timeout=60, env=env)
    assert refused.returncode == 1, refused.stderr
    result = json.loads(refused.stdout)
    assert result["sent"] is False
    assert {"/ListID", "/email", "/event"} <= {i["path"] for i in result["issues"] if i["severity"] == "error"}
    sent = subprocess.run([sys.executable, "-m", "console", "send", "octeth", "event", "--json"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["response"]["status"] == 200
