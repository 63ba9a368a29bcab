"""The command line's exit statuses, one vocabulary (as httpie's `ExitStatus`): what the
contract promises (0-4) and the shell's conventions for a signal (128 + its number)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0  # sent and answered 2xx, a valid dry run, every case passed
    INVALID = 1  # validation errors, nothing sent
    CASES_FAILED = 1  # suite run: a case failed or could not run (the contract gives it 1 too)
    USAGE = 2  # a usage error, an unreadable file, a missing setting or secret, history not writable
    NON_2XX = 3  # sent, answered non-2xx
    NO_ANSWER = 4  # sent, no answer (refused, DNS, TLS, timeout, reset)
    INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT
    BROKEN_PIPE = 141  # the reader went away (`| head`): 128 + SIGPIPE
