"""An in-memory keyring backend for tests: a real keyring.backend.KeyringBackend, no disk."""

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


class NoKeyring(KeyringBackend):
    """What keyring reports when no backend is usable (priority 0, like keyring.backends.fail)."""

    priority = 0

    def get_password(self, service, username):
        raise RuntimeError("No recommended backend was available.")

    def set_password(self, service, username, password):
        raise RuntimeError("No recommended backend was available.")

    def delete_password(self, service, username):
        raise RuntimeError("No recommended backend was available.")
