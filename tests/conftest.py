import io
import os
from datetime import datetime, timezone

import pytest

from console import cli
from console.core.secrets import SecretStore
from console.engine.context import AppContext
from tests.memory_keyring import MemoryKeyring
from tests.servers import RecordingServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
FIXED_NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def keyring_backend():
    return MemoryKeyring()


@pytest.fixture
def make_ctx(tmp_path, keyring_backend):
    """A factory of AppContexts sharing one temporary home and one in-memory keyring."""
    made = []

    def factory(**kwargs):
        kwargs.setdefault("home", tmp_path / "home")
        kwargs.setdefault("secrets", SecretStore(keyring_backend))
        ctx = AppContext(**kwargs)
        made.append(ctx)
        return ctx

    yield factory
    for ctx in made:
        ctx.close()


@pytest.fixture
def ctx(make_ctx):
    return make_ctx()


class CliRun:
    def __init__(self, status, out, err):
        self.status, self.out, self.err = status, out, err


@pytest.fixture
def run_cli(make_ctx):
    """Runs the command line in-process against the test home and keyring."""

    def run(*argv, stdin=""):
        out, err = io.StringIO(), io.StringIO()
        status = cli.main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err,
                          make_context=make_ctx)
        return CliRun(status, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def recorder():
    server = RecordingServer()
    yield server
    server.stop()


@pytest.fixture
def capture(tmp_path):
    """Starts `event-console capture --port 0` processes (tests.test_capture.CaptureProcess);
    each is killed at the end if the test did not stop it."""
    from tests.test_capture import CaptureProcess

    made = []

    def start(*args, home=None):
        process = CaptureProcess(home or tmp_path / "capture-home", *args)
        made.append(process)
        return process

    yield start
    for process in made:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()
