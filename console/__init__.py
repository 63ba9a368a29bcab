"""Event Console: build, check, send and inspect server-side tracking events."""

__version__ = "0.1.0"
APP_NAME = "event-console"
