"""console.core.forked: work in a forked child gives what it would give here, and when the child
fails or forking is not safe, the work is done here. Each case runs in a fresh interpreter: the
test process has threads of its own (Qt's, the servers'), and Pending rightly refuses to fork
beside them."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

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
        answer = pending.result()
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
            pending.result()
        except KeyError as exc:
            print(json.dumps({"forked": True, "raised": exc.args[0]}))
    """)
    assert out == {"forked": True, "raised": "no such operation"}


@pytest.mark.parametrize("death", ["os.kill(os.getpid(), 9)", "os._exit(3)"])
def test_a_child_that_dies_leaves_the_work_to_this_process(death):
    out = run(f"""
        import json, os
        from console.core.forked import Pending
        parent = os.getpid()
        def work():
            if os.getpid() != parent:
                {death}
            return os.getpid()
        pending = Pending(work)
        print(json.dumps({{"forked": pending.forked, "here": pending.result() == parent}}))
    """)
    assert out == {"forked": True, "here": True}


def test_no_fork_beside_another_thread():
    out = run("""
        import json, os, threading
        from console.core.forked import Pending
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        pending = Pending(os.getpid)
        here = pending.result() == os.getpid()
        stop.set()
        print(json.dumps({"forked": pending.forked, "here": here}))
    """)
    assert out == {"forked": False, "here": True}


def test_prepare_checks_in_a_child_with_the_same_issues(tmp_path):
    """The command line's path (meanwhile given) finds exactly the issues of the plain one, the
    schema's and the rules' alike, and does the caller's work while the child checks."""
    out = run("""
        import json
        import console.core.forked as forked
        from console.engine import pipeline
        from console.engine.context import AppContext
        ctx = AppContext()
        payloads = [{"ListID": "x", "event": "", "email": "bad", "Extra": 1}, {"ListID": 1, "event": "a", "email": "a@b.co"}]
        seen, forks = [], []
        real = forked.Pending.__init__
        def spy(self, *args):
            real(self, *args)
            forks.append(self.forked)
        forked.Pending.__init__ = spy
        result = []
        for payload in payloads:
            draft = pipeline.Draft("octeth", "event", "sandbox", payload)
            side = pipeline.prepare(ctx, draft, meanwhile=lambda: seen.append("meanwhile")).issues
            plain = pipeline.prepare(ctx, draft).issues
            result.append([side == plain, [i.path for i in side]])
        ctx.close()
        print(json.dumps({"result": result, "meanwhile": seen, "forks": forks}))
    """, tmp_path)
    assert out["forks"] == [True, True] and out["meanwhile"] == ["meanwhile", "meanwhile"]
    (same_bad, bad_paths), (same_good, good_paths) = out["result"]
    assert same_bad and same_good
    assert {"/ListID", "/email", "/event"} <= set(bad_paths) and good_paths == []


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
