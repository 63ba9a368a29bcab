"""AppContext: everything a run touches (data home, keyring, clock, transport, history,
profiles, the embedded sandbox), built once by cli.py or app.py and passed down, so tests can
build one with a temporary home, an in-memory keyring and a fixed clock."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console import APP_NAME
from console.core.profiles import ProfileStore
from console.core.secrets import SecretStore

if TYPE_CHECKING:
    import random

    from console.core.history.store import HistoryStore
    from console.core.plans import PlanSet
    from console.core.transport import Transport
    from console.sandbox.server import SandboxServer

HOME_VARIABLE = "EVENT_CONSOLE_HOME"


def default_home() -> Path:
    """$EVENT_CONSOLE_HOME when set (portable mode), else the platform's user data folder."""
    if os.environ.get(HOME_VARIABLE):
        return Path(os.environ[HOME_VARIABLE]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# Seconds to wait for a connection and for the answer (the command line's --timeout overrides).
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0


class AppContext:
    """The collaborators of one run of the app. Heavy parts are made on first use."""

    def __init__(self, home: Path | None = None, secrets: SecretStore | None = None,
                 clock: Callable[[], datetime] = utc_now, rng: random.Random | None = None,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 read_timeout: float = DEFAULT_READ_TIMEOUT) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.secrets = secrets if secrets is not None else SecretStore()
        self.clock = clock
        self._rng = rng  # random.Random; made on first use (random imports OpenSSL's hashes)
        self._rng_seed: int | None = None  # what it is made from (None: the OS's entropy); see seed_rng
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.profiles = ProfileStore(self.home)
        # Tokens obtained by a token exchange (Synerise login), in memory only.
        self.tokens: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._transport: Transport | None = None
        self._history: HistoryStore | None = None
        # Who hears what history says when it opens (a damaged file set aside, captured requests
        # recovered or waiting): the command line's stderr; the window reads `history.message`.
        self.tell: Callable[[str], None] | None = None
        # The tracking plan payloads are checked against as well (console.core.plans.PlanSet), or None.
        self.plans: PlanSet | None = None
        self._sandbox: SandboxServer | None = None
        # The sandbox's listening socket, bound when its URL is first needed (a preview, a
        # dry run); its server (http.server and the emulators) starts only for a real send.
        self._sandbox_socket: Any = None  # a _socket.socket

    @property
    def rng(self) -> random.Random:
        if self._rng is None:
            import random

            self._rng = random.Random(self._rng_seed)
        return self._rng

    def seed_rng(self, seed: int) -> bool:
        """Makes the random generator from `seed` when it is made, if it is not made yet (says
        whether): the command line's first check makes the payload's dynamic values in a forked
        child from the same seed, so both make the same ones."""
        self._rng_seed = seed
        return self._rng is None

    @property
    def transport(self) -> Transport:
        with self._lock:
            if self._transport is None:
                from console.core.transport import Transport

                self._transport = Transport(self.connect_timeout, self.read_timeout)
            return self._transport

    @property
    def history(self) -> HistoryStore:
        with self._lock:
            if self._history is None:
                from console.core.history.store import HistoryStore

                self._history = HistoryStore(self.home)
                # Read-only, the refusal that follows says it (a send), or the listing does.
                if self._history.message and self.tell is not None and not self._history.read_only:
                    self.tell(self._history.message)
            return self._history

    @property
    def sandbox(self) -> SandboxServer:
        """The embedded sandbox (a SandboxServer), started on first use, on the socket its URL
        was given for when one was."""
        with self._lock:
            if self._sandbox is None:
                from console.sandbox.server import SandboxServer

                reserved = None
                if self._sandbox_socket is not None:
                    import socket

                    reserved = socket.socket(fileno=self._sandbox_socket.detach())
                self._sandbox = SandboxServer(sock=reserved)
                self._sandbox_socket = None
                self._sandbox.start()
            return self._sandbox

    def sandbox_url(self) -> str:
        """The base URL of the embedded sandbox. Only binds its port (cheap); the server
        starts with `sandbox` (a send to it calls ensure_sandbox_for first)."""
        with self._lock:
            if self._sandbox is not None:
                return self._sandbox.url
            if self._sandbox_socket is None:
                # The C socket alone: the socket module's enums cost 0.6 MB at start-up, for a
                # port number (the server wraps it in a socket.socket when it starts).
                import _socket

                sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
                sock.bind(("127.0.0.1", 0))
                sock.listen(256)  # console.sandbox.server.BACKLOG: 200 clients arriving at once
                self._sandbox_socket = sock
            host, port = self._sandbox_socket.getsockname()[:2]
            return f"http://{host}:{port}"

    def ensure_sandbox_for(self, url: str) -> None:
        """Starts the embedded sandbox when `url` is on it (before anything is sent there)."""
        with self._lock:
            reserved = self._sandbox_socket
        if reserved is not None:
            host, port = reserved.getsockname()[:2]
            if url.startswith(f"http://{host}:{port}/"):
                self.sandbox  # noqa: B018 - starts it

    def close(self) -> None:
        with self._lock:
            if self._sandbox is not None:
                self._sandbox.stop()
                self._sandbox = None
            if self._sandbox_socket is not None:
                self._sandbox_socket.close()
                self._sandbox_socket = None
            if self._transport is not None:
                self._transport.close()
                self._transport = None
            if self._history is not None:
                self._history.close()
                self._history = None
