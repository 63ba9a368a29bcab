"""The `event-console` command line: parses, calls the core, prints. Nothing else lives here.

Exit statuses of `send`: 0 sent and answered 2xx (or a valid --dry-run); 1 validation errors,
nothing sent; 2 usage error; 3 sent, answered non-2xx; 4 sent, no answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from console import APP_NAME, __version__, fast_start
from console.core.issue_codes import IssueCode
from console.exit_status import ExitStatus


class UsageError(Exception):
    """A mistake in how the command was called; printed as one line, exit status 2."""


def _help_width() -> int:
    """The width argparse gives help text: the terminal's, less 2, as shutil.get_terminal_size
    reads it (COLUMNS, then standard output's terminal, then 80 columns)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, given its width: left to itself it imports shutil to read the
    terminal's (5 ms, a twentieth of a quick command's time), and it makes a formatter for every
    argument a parser is given, help or not."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser laid out by _Formatter; its subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or, given the `command` being run, only
    that one's (building them all takes 15-20 ms, most of a quick command's own time; the
    usage line names none of them, so what is printed is the same either way). A command
    whose help is SUPPRESS is there only when it is run: argparse would list it anyway."""
    parser = _Parser(
        prog=APP_NAME,
        description="Build, check, send and inspect server-side tracking events. "
                    "Without a command, the desktop window opens.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check definitions, the sandbox and the keyring, then exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, (help_text, add_arguments) in COMMANDS.items():
        if command == name or (command is None and help_text != argparse.SUPPRESS):
            add_arguments(commands.add_parser(name, help=help_text))
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The command `argv` runs, when its first word names one (after an option such as
    --help, every command is wanted)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def _send_arguments(send: argparse.ArgumentParser) -> None:
    send.add_argument("vendor")
    send.add_argument("operation")
    send.add_argument("--data", metavar="FILE|-", help="payload JSON file, - for stdin (default: the example)")
    send.add_argument("--profile", default="sandbox", help="profile to use (default: sandbox)")
    send.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="a setting or secret for this run only (repeatable; never saved)")
    send.add_argument("--base-url", help="replace the operation's base_url for this run")
    send.add_argument("--timeout", type=float, metavar="SECONDS", help="connect and read timeout")
    send.add_argument("--dry-run", action="store_true", help="validate and show the request; send nothing")
    send.add_argument("--force", action="store_true", help="send even when validation finds errors")
    send.add_argument("--json", action="store_true", help="print one JSON object")
    send.add_argument("--plan", metavar="DIR", help="check against a tracking plan too (a folder of *.plan.json)")


def _sandbox_arguments(sandbox: argparse.ArgumentParser) -> None:
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=_port, default=8765)


def _vendors_arguments(vendors: argparse.ArgumentParser) -> None:
    vendors.add_argument("--json", action="store_true")


def _profile_arguments(profile: argparse.ArgumentParser) -> None:
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    profile_set = profile_commands.add_parser("set", help="save settings of a profile")
    profile_set.add_argument("vendor")
    profile_set.add_argument("profile")
    profile_set.add_argument("values", nargs="+", metavar="KEY=VALUE")


def _secret_arguments(secret: argparse.ArgumentParser) -> None:
    secret_commands = secret.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    secret_set = secret_commands.add_parser("set", help="read a secret from stdin into the keyring")
    secret_set.add_argument("vendor")
    secret_set.add_argument("profile")
    secret_set.add_argument("name")


def _capture_arguments(capture: argparse.ArgumentParser) -> None:
    capture.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    capture.add_argument("--port", type=_port, default=8766, help="port (default: 8766; 0: a free one)")
    capture.add_argument("--forward", metavar="PROFILE",
                         help="pass each request on to this profile's base URLs and answer with the vendor's answer")
    capture.add_argument("--plan", metavar="DIR", help="check every request against a tracking plan too")


def _suite_arguments(suite: argparse.ArgumentParser) -> None:
    suite_commands = suite.add_subparsers(dest="suite_command", metavar="ACTION", required=True)
    suite_run = suite_commands.add_parser("run", help="run every case under PATH, sorted by path")
    suite_run.add_argument("path", metavar="PATH")
    suite_run.add_argument("--profile", default="sandbox", help="profile to send with (default: sandbox)")
    suite_run.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    suite_run.add_argument("--json", action="store_true", help="print one JSON object")
    suite_run.add_argument("--plan", metavar="DIR", help="check every case's payload against a tracking plan too")
    suite_run.add_argument("--data", metavar="ROWS", dest="rows",
                           help="run every case once per row of ROWS (CSV with a header row, or a JSON array of "
                                "objects), the row's columns as {{variables}}")
    suite_run.add_argument("--rate", metavar="N", help="send at most N requests a second (e.g. 5 or 0.5)")
    postman_in = suite_commands.add_parser("import-postman", help="case files from a Postman collection (v2.1)")
    postman_in.add_argument("collection", metavar="COLLECTION.json")
    postman_in.add_argument("--environment", metavar="ENV.json",
                            help="a Postman environment: made a profile (its credentials go to the keyring)")
    postman_in.add_argument("--output", required=True, metavar="DIR", help="the suite folder to write the cases into")
    postman_out = suite_commands.add_parser("export-postman", help="the cases under PATH as a Postman collection (v2.1)")
    postman_out.add_argument("path", metavar="PATH")
    postman_out.add_argument("--output", required=True, metavar="COLLECTION.json")
    postman_out.add_argument("--profile", default="sandbox",
                             help="whose hosts the requests go to (default: sandbox, as `event-console sandbox` "
                                  "serves it); a real profile's keys are left for newman's --env-var")


def _plan_arguments(plan: argparse.ArgumentParser) -> None:
    plan_commands = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    plan_check = plan_commands.add_parser("check", help="check the plan files under DIR")
    plan_check.add_argument("dir", metavar="DIR")
    plan_import = plan_commands.add_parser("import", help="a plan from a spreadsheet saved as CSV")
    plan_import.add_argument("sheet", metavar="SHEET.csv")
    plan_import.add_argument("--output", required=True, metavar="DIR", help="the plan folder to write into")
    plan_export = plan_commands.add_parser("export", help="the plans under DIR as a spreadsheet (CSV)")
    plan_export.add_argument("dir", metavar="DIR")
    plan_export.add_argument("--output", required=True, metavar="SHEET.csv")
    plan_coverage = plan_commands.add_parser("coverage", help="what history saw of the plan's events")
    plan_coverage.add_argument("--plan", required=True, metavar="DIR")
    plan_coverage.add_argument("--source", choices=("capture", "cli", "suite", "window", "import"), default="")
    plan_coverage.add_argument("--since", default="", metavar="ISO", help="from this time on (ISO 8601)")
    plan_coverage.add_argument("--until", default="", metavar="ISO", help="before this time (ISO 8601)")
    plan_coverage.add_argument("--baseline", metavar="REPORT.json", help="compare with an earlier --json report")
    plan_coverage.add_argument("--json", action="store_true", help="print one JSON object")


def _diagnostics_arguments(diagnostics: argparse.ArgumentParser) -> None:
    diagnostics.add_argument("words", nargs="*")


def _history_arguments(history: argparse.ArgumentParser) -> None:
    history.add_argument("--limit", type=int, default=20)
    history.add_argument("--json", action="store_true")
    history_commands = history.add_subparsers(dest="history_command", metavar="ACTION")
    export = history_commands.add_parser("export", help="write exchanges as HAR 1.2, JSON or cURL (keys masked)")
    export.add_argument("--format", required=True, choices=("har", "json", "curl", "python", "node", "php"))
    export.add_argument("--output", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument("--limit", type=int, dest="export_limit", metavar="N",
                        help="the newest N exchanges (default: all)")
    load = history_commands.add_parser("import", help="read a HAR 1.2 file or this console's JSON export")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--keep-unknown", action="store_true",
                      help="keep HAR entries that match no known endpoint, as vendor 'other'")


# Each command: its help line, and what adds its arguments to its parser.
COMMANDS = {
    "send": ("validate and send one event (or batch)", _send_arguments),
    "sandbox": ("run the sandbox in the foreground", _sandbox_arguments),
    "vendors": ("list vendors, operations, settings, secrets", _vendors_arguments),
    "profile": ("manage profiles", _profile_arguments),
    "secret": ("manage secrets in the OS keyring", _secret_arguments),
    "capture": ("be the endpoint your backend sends to: check, record, answer", _capture_arguments),
    "suite": ("run saved test cases (*.case.json)", _suite_arguments),
    "plan": ("tracking plans: check, import and export a sheet, coverage", _plan_arguments),
    "diagnostics": (argparse.SUPPRESS, _diagnostics_arguments),  # CI and bench/ only
    "history": ("list, export and import exchanges", _history_arguments),
}


def _port(text: str) -> int:
    """A TCP port number for argparse (a clear usage error instead of an OverflowError)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def run() -> None:
    """The `event-console` command (and `python -m console`): main(), then the process ends
    with its status (at once, as console.fast_start's os_exit says: history is closed and the
    output flushed by then, and nothing else holds state worth saving)."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away after the last line: as main's own case
        code = code or ExitStatus.BROKEN_PIPE
    except (OSError, ValueError):  # a closed or failing stream: nothing more can be said on it
        pass
    fast_start.exit_now(code)


def _window() -> int:
    """`event-console` without a command: the desktop window, until it closes."""
    from console.app import main as window_main

    return window_main()


def main(argv: list[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None,
         stderr: IO[str] | None = None, make_context: Callable[[], Any] | None = None) -> int:
    """Runs the command line; returns the exit status. Tests pass their own streams and a
    factory for the AppContext (temporary home, in-memory keyring)."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the window: nothing to parse (building the parser takes 15-20 ms)
        return _window()
    parser = _parser(_command_in(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own message
        return ExitStatus.USAGE if exc.code else ExitStatus.OK

    if args.self_test:
        from console.selftest import run_self_test

        return run_self_test(stdout)
    if args.command is None:  # `event-console --`: no command either
        return _window()

    def context():
        if make_context is not None:
            made = make_context()
        else:
            from console.engine.context import AppContext

            made = AppContext()
        # What history says as it opens (a damaged file set aside, …) reaches stderr, once.
        made.tell = lambda message: print(_terminal_safe(message), file=stderr, flush=True)
        if getattr(args, "plan", None) and args.command != "plan":  # --plan DIR: checked against it too
            made.plans = _load_plans(args.plan)
        return made

    if args.command == "diagnostics":
        from console.ui.diagnostics import main as diagnostics_main

        return diagnostics_main(args.words)
    handlers = {"send": _send, "sandbox": _sandbox, "vendors": _vendors, "profile": _profile,
                "secret": _secret, "history": _history, "suite": _suite, "capture": _capture, "plan": _plan}
    try:
        return handlers[args.command](args, context, stdin, stdout, stderr)
    except UsageError as exc:
        print(f"{APP_NAME}: {exc}", file=stderr)
        return ExitStatus.USAGE
    except KeyboardInterrupt:
        print(f"{APP_NAME}: interrupted.", file=stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`event-console history | head`): stop quietly, and keep Python
        # from failing again when it flushes standard output at exit.
        if stdout is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return ExitStatus.BROKEN_PIPE
    except Exception as exc:
        # Imported only now: `vendors` must not load SQLite.
        from console.core.history.connection import HistoryUnavailable

        if isinstance(exc, HistoryUnavailable):  # nothing was sent: say which file and what to do
            print(f"{APP_NAME}: {exc}", file=stderr)
            return ExitStatus.USAGE
        raise


def _load_payload(source: str | None, stdin: IO[str]) -> Any:
    if source is None:
        return None
    from console.core.files import InputFileError, read_regular

    try:
        text = stdin.read() if source == "-" else read_regular(source, PAYLOAD_FILE_CAP, "payload file").decode("utf-8")
    except InputFileError as exc:
        raise UsageError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {source}: {exc}") from None
    from console.core.payload import JsonSyntaxError, PayloadError, parse_payload

    name = "stdin" if source == "-" else source
    try:
        return parse_payload(text)
    except JsonSyntaxError as exc:
        raise UsageError(f"{name} is not valid JSON: {exc}") from None
    except PayloadError as exc:
        raise UsageError(f"{name} cannot be sent: {exc}") from None


PAYLOAD_FILE_CAP = 64 * 1024 * 1024  # --data FILE: an event payload is kilobytes; the transport caps bodies too


def _overrides(pairs: list[str], vendor, op) -> dict[str, str]:
    known = set(op.settings) | set(vendor.secrets)
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set takes KEY=VALUE, not {pair!r}")
        if key not in known:
            raise UsageError(f"{key!r} is not a setting or secret of {vendor.name} {op.name}; "
                             f"known: {', '.join(sorted(known))}")
        values[key] = value
    return values


def _send(args, context, stdin, stdout, stderr) -> int:
    from console.core.definitions import find_operation

    try:
        vendor, op = find_operation(args.vendor, args.operation)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout takes a number of seconds above 0")
    overrides = _overrides(args.overrides, vendor, op)
    payload = _load_payload(args.data, stdin)

    from console.engine import first_check

    ctx = context()
    # From here on a forked child checks the payload against its schema (jsonschema's import
    # is most of that) while this process loads the pipeline, profiles, history and, for a
    # send, the HTTP library: see console.engine.first_check.
    early = first_check.begin(ctx, vendor.name, op.name, payload)
    from console.core.profiles import ProfileError
    from console.engine import pipeline

    try:
        if not ctx.profiles.exists(vendor.name, args.profile):
            raise UsageError(f"no profile {args.profile!r} for {vendor.name}; "
                             f"known: {', '.join(ctx.profiles.names(vendor.name))}")
        draft = pipeline.Draft(vendor.name, op.name, args.profile, payload, overrides, args.base_url)
        if not args.dry_run:
            ctx.transport  # noqa: B018 - loads the HTTP library while the child checks
        checked = early.answer() if early is not None else None
        prepared = pipeline.prepare(ctx, draft, now=early.now if early is not None else None, checked=checked)
        if prepared.missing:
            from console.engine.pipeline import missing_key_hint

            issue = prepared.missing[0]
            hint = missing_key_hint(prepared) if issue.code == IssueCode.SECRET_MISSING else ""
            raise UsageError(issue.message + hint)
        result: dict[str, Any] = {
            "vendor": vendor.name, "operation": op.name, "sent": False,
            "issues": [i.to_json() for i in prepared.issues],
            "request": prepared.preview().to_json(), "response": None, "error": None,
        }
        if prepared.generated:  # the dynamic values made for this send
            result["generated"] = [made._asdict() for made in prepared.generated]
        if args.dry_run or (prepared.errors and not args.force):
            status = ExitStatus.OK if not prepared.errors else ExitStatus.INVALID
            if not args.dry_run:
                result["history_id"] = pipeline.record_not_sent(ctx, prepared)
            _print_send(args, result, None, stdout, stderr, show_request=args.dry_run)
            return status
        timeout = (min(ctx.connect_timeout, args.timeout), args.timeout) if args.timeout else None
        try:
            outcome = pipeline.send(ctx, prepared, force=args.force, timeout=timeout, deadline=args.timeout)
        except KeyboardInterrupt:
            print(f"{APP_NAME}: interrupted while waiting for the answer; the request may have reached "
                  "the vendor. It is recorded in history as interrupted.", file=stderr)
            return ExitStatus.INTERRUPTED
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    finally:
        if early is not None:
            early.discard()  # when it was not waited for (a usage error): ended, reaped
        ctx.close()

    exchange = outcome.exchange
    result["sent"] = True
    result["request"] = exchange.request.to_json()
    result["error"] = exchange.error
    result["explanation"] = outcome.explanation
    result["history_id"] = outcome.history_id
    if exchange.response is not None:
        r = exchange.response
        result["response"] = {"status": r.status, "reason": r.reason, "headers": r.headers,
                              "body": r.text(), "elapsed_ms": round(exchange.elapsed_ms, 2),
                              "size": r.size, "truncated": r.truncated}
    if outcome.record_error:
        result["record_error"] = outcome.record_error
    _print_send(args, result, exchange, stdout, stderr, show_request=False)
    if exchange.response is None:
        return ExitStatus.NO_ANSWER
    return ExitStatus.OK if outcome.succeeded else ExitStatus.NON_2XX


def _print_send(args, result, exchange, stdout, stderr, show_request: bool) -> None:
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2), file=stdout)
        return
    out = _terminal_safe
    for issue in result["issues"]:
        where = issue["path"] or "(payload)"
        print(out(f"{issue['severity']:<7} {where}: {issue['message']}"), file=stderr)
    if show_request:
        request = result["request"]
        print(out(f"{request['method']} {request['url']}"), file=stdout)
        for name, value in request["headers"].items():
            print(out(f"{name}: {value}"), file=stdout)
        if request["body"]:
            print("", file=stdout)
            print(out(request["body"]), file=stdout)
        for made in result.get("generated", []):
            print(out(f"generated {made['path'] or '(payload)'} = {made['value']}  ({made['token']})"), file=stderr)
        return
    if not result["sent"]:
        print("Not sent: fix the errors above, or use --force to see the vendor's own answer.", file=stderr)
        return
    if result.get("record_error"):
        print(out(f"Warning: {result['record_error']}"), file=stderr)
    response = result["response"]
    if response is None:
        print(out(f"No answer: {result['error']}"), file=stderr)
        return
    size = f"{response['size']:,} B" + (" (truncated)" if response["truncated"] else "")
    print(out(f"{response['status']} {response['reason']}  ({response['elapsed_ms']:.0f} ms, {size})"), file=stderr)
    if result.get("error"):
        print(out(result["error"]), file=stderr)
    if result.get("explanation"):
        print(out(result["explanation"]), file=stderr)
    if response["body"]:
        print(out(response["body"]), file=stdout)


# Characters that steer a terminal (escape sequences, bell, bidirectional overrides) are shown
# escaped: an answer must not retitle, clear or rewrite the user's terminal.
def _terminal_safe(text: str) -> str:
    """`text` for a terminal: control and bidi characters shown as escapes
    (console.core.redact.escape_controls; what is printed was masked where it was made)."""
    from console.core.redact import escape_controls

    return escape_controls(text)


def _sandbox(args, context, stdin, stdout, stderr) -> int:
    from console.sandbox.server import SandboxServer

    try:
        server = SandboxServer(args.host, args.port, log=lambda line: print(line, file=stderr, flush=True))
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    def banner() -> None:
        print(f"Sandbox listening on {server.url} (Ctrl+C stops it). Base URLs:", file=stdout)
        for name, url in server.base_urls().items():
            print(f"  {name:<10} {url}", file=stdout)

    _serve_until_stopped(server, stdout, banner)
    return ExitStatus.OK


def _serve_until_stopped(server, stdout, banner: Callable[[], None]) -> None:
    """Says `banner()`, then serves in the foreground until Ctrl+C (or SIGTERM, see
    _stop_on_signals), then stops."""
    try:
        # The banner in here: whoever reads it may press Ctrl+C the moment a line arrives (with
        # PYTHONUNBUFFERED, each line leaves as it is printed).
        banner()
        stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _capture(args, context, stdin, stdout, stderr) -> int:
    """`capture`: serves the five APIs, checks and records every request, until Ctrl+C."""
    from console.core.definitions import vendors
    from console.core.history.journal import JournalUnavailable
    from console.core.hosts import is_loopback
    from console.engine.capture import KEYS_NOTE, KEYS_NOTE_FORWARD, CaptureServer, describe

    ctx = context()
    try:
        ctx.history.check_writable()
        if args.forward and args.forward != "sandbox" and not any(
                ctx.profiles.exists(v, args.forward) for v in vendors()):
            raise UsageError(f"no profile {args.forward!r}: create it in the window (Profiles & keys) or with "
                             "'event-console profile set'")

        def line(text: str) -> None:
            print(text, file=stdout, flush=True)

        try:
            server = CaptureServer(ctx, args.host, args.port, args.forward or None, log=line,
                                   on_request=lambda captured: line(describe(captured)))
        except JournalUnavailable as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        _stop_on_signals()  # before the banner: whoever read it may stop the server at once
        answered = f"forwarded to profile {args.forward!r}" if args.forward else "answered as the vendor answers"

        def banner() -> None:
            print(f"Capturing on {server.url} (Ctrl+C stops): requests are checked, recorded in history and "
                  f"{answered}. Base URLs:", file=stdout)
            for name, url in server.base_urls().items():
                target = f"  → {server.capture.forward_base(name)}" if args.forward else ""
                print(f"  {name:<10} {url}{target}", file=stdout)
            print(KEYS_NOTE_FORWARD if args.forward else KEYS_NOTE, file=stdout)
            if not is_loopback(args.host):
                print(f"Warning: listening on {args.host}, not only this computer: anyone on that network can "
                      "send to capture and have it recorded.", file=stdout)

        _serve_until_stopped(server, stdout, banner)
        print(f"Capture stopped: {server.capture.count} request(s) recorded in history.", file=stdout, flush=True)
        for path, count in server.capture.left_in_journal.items():
            print(f"{count} answered request(s) could not be recorded yet: they wait in {path} and are recorded the "
                  "next time history opens (free some disk space first).", file=stdout, flush=True)
        if server.capture.unrecorded:
            print(f"{server.capture.unrecorded} request(s) were answered 503: capture could not keep them "
                  "(see the lines above).", file=stdout, flush=True)
        if server.refused:
            print(f"{server.refused} request(s) from web pages (another site's Origin, or a Host that is not this "
                  "computer) were refused with 403 and not recorded.", file=stdout, flush=True)
        return ExitStatus.OK
    finally:
        ctx.close()


def _stop_on_signals() -> None:
    """Ctrl+C and SIGTERM (a service manager, `kill`) both stop a server cleanly, even when it
    was started with SIGINT ignored (in the background of a script)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # tests run the command line in a thread; signals go to the main one

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _vendors(args, context, stdin, stdout, stderr) -> int:
    from console.core.catalogue import catalogue, catalogue_text

    if args.json:
        print(json.dumps(catalogue(), indent=2, ensure_ascii=False), file=stdout)
    else:
        print(catalogue_text(), file=stdout)
    return ExitStatus.OK


def _profile(args, context, stdin, stdout, stderr) -> int:
    from console.core.definitions import vendors
    from console.core.profiles import VARIABLE_NAME, VARIABLE_PREFIX, ProfileError

    vendor = vendors().get(args.vendor)
    if vendor is None:
        raise UsageError(f"unknown vendor {args.vendor!r}; known: {', '.join(vendors())}")
    values = {}
    for pair in args.values:
        key, sep, value = pair.partition("=")
        if sep and key.startswith(VARIABLE_PREFIX):
            if not VARIABLE_NAME.match(key[len(VARIABLE_PREFIX):]):
                raise UsageError(f"{key!r}: a variable's name is letters, digits, _, . and - "
                                 "(it begins with a letter or _)")
            values[key] = value
            continue
        name = key.split(".", 1)[-1]
        scope = key.split(".", 1)[0] if "." in key else None
        if not sep or name not in vendor.settings or (scope and scope not in vendor.operations):
            if name in vendor.secrets:
                raise UsageError(f"{name} is a secret: use 'event-console secret set {vendor.name} {args.profile} {name}'")
            raise UsageError(f"{key!r} is not a setting of {vendor.name}; known: {', '.join(vendor.settings)} "
                             "(optionally OPERATION.KEY for one operation), or var.NAME for a variable")
        values[key] = value
    ctx = context()
    try:
        ctx.profiles.update(vendor.name, args.profile, values)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    print(f"Saved {', '.join(values)} in profile {args.profile!r} of {vendor.name}.", file=stdout)
    return ExitStatus.OK


def _secret(args, context, stdin, stdout, stderr) -> int:
    from console.core.definitions import vendors
    from console.core.profiles import SANDBOX, ProfileError, check_profile_name

    vendor = vendors().get(args.vendor)
    if vendor is None:
        raise UsageError(f"unknown vendor {args.vendor!r}; known: {', '.join(vendors())}")
    if args.name not in vendor.secrets:
        raise UsageError(f"{args.name!r} is not a secret of {vendor.name}; known: {', '.join(vendor.secrets)}")
    if args.profile == SANDBOX:
        raise UsageError("the sandbox profile has built-in dummy credentials; choose another profile")
    try:
        check_profile_name(args.profile)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    value = stdin.readline().rstrip("\r\n")
    if not value:
        raise UsageError(f"no value on standard input for {args.name}")
    ctx = context()
    if not ctx.secrets.available:
        raise UsageError(ctx.secrets.problem)
    if not ctx.secrets.set(vendor.name, args.profile, args.name, value):
        raise UsageError(ctx.secrets.problem)
    if not ctx.profiles.exists(vendor.name, args.profile):
        ctx.profiles.update(vendor.name, args.profile, {})  # so that --profile finds it at once
    print(f"Stored {vendor.name}/{args.profile}/{args.name} in the keyring ({ctx.secrets.backend_name()}).", file=stdout)
    return ExitStatus.OK


def _history(args, context, stdin, stdout, stderr) -> int:
    if args.history_command == "export":
        return _history_export(args, context, stdout, stderr)
    if args.history_command == "import":
        return _history_import(args, context, stdout, stderr)
    if args.limit < 1:
        raise UsageError("--limit takes a number above 0")
    ctx = context()
    try:
        if ctx.history.read_only and ctx.history.message:
            print(_terminal_safe(ctx.history.message), file=stderr)
        listed = ctx.history.recent(args.limit)
        # --json carries each exchange's issues, which live with its details.
        entries = ctx.history.get_many([e.id for e in listed]) if args.json else listed
    finally:
        ctx.close()
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2), file=stdout)
        return ExitStatus.OK
    if not entries:
        print("History is empty.", file=stdout)
    for e in entries:
        elapsed = f"{e.elapsed_ms:.0f} ms" if e.elapsed_ms is not None else ""
        mark = f"  {e.issue_mark}" if e.issue_mark else ""
        print(_terminal_safe(f"#{e.id:<6} {e.time[:19]}  {e.vendor}/{e.operation} [{e.profile}]  "
                             f"{e.status_label}{mark}  {elapsed}  {e.method} {e.url}"), file=stdout)
    return ExitStatus.OK


def _rate(text: str | None) -> float | None:
    """`--rate N`: requests a second, above 0 (None when not given)."""
    if text is None:
        return None
    try:
        rate = float(text.removesuffix("/s"))
    except ValueError:
        rate = 0.0
    if not rate > 0 or rate == float("inf"):
        raise UsageError(f"--rate {text!r} is not a rate: give requests a second above 0, e.g. 5 or 0.5")
    return rate


def _suite(args, context, stdin, stdout, stderr) -> int:
    if args.suite_command == "import-postman":
        return _import_postman(args, context, stdout)
    if args.suite_command == "export-postman":
        return _export_postman(args, context, stdout)
    return _suite_run(args, context, stdout)


def _read_text(path: str, what: str) -> str:
    from console.core.files import InputFileError
    from console.engine.postman import PostmanError, read_file

    try:
        return read_file(path, what)
    except (InputFileError, PostmanError) as exc:
        raise UsageError(str(exc)) from None


def _import_postman(args, context, stdout) -> int:
    """`suite import-postman`: case files for the requests that are operations; the rest listed."""
    from console.core.profiles import ProfileError
    from console.engine.postman import PostmanError, import_collection, save_imported

    collection = _read_text(args.collection, "collection")
    environment = _read_text(args.environment, "environment") if args.environment else None
    try:
        imported = import_collection(collection, environment)
    except PostmanError as exc:
        raise UsageError(f"{args.collection if 'collection' in str(exc) else args.environment}: {exc}") from None
    ctx = context() if imported.profile is not None else None
    try:
        lines = save_imported(ctx, imported, Path(args.output))
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    finally:
        if ctx is not None:
            ctx.close()
    for line in lines:
        print(_terminal_safe(line), file=stdout)
    return ExitStatus.OK


def _export_postman(args, context, stdout) -> int:
    """`suite export-postman`: the cases as a collection newman runs with the same results."""
    from console.core.files import atomic_write
    from console.engine.postman import export_collection
    from console.engine.suites import SuiteError, load_cases

    root = Path(args.path)
    try:
        cases = load_cases(root, keep_broken=True)
    except SuiteError as exc:
        raise UsageError(str(exc)) from None
    ctx = context()
    try:
        for vendor in sorted({c.vendor for c in cases if not c.problem}):
            if not ctx.profiles.exists(vendor, args.profile):
                raise UsageError(f"no profile {args.profile!r} for {vendor}")
        collection = export_collection(ctx, cases, root, args.profile)
    finally:
        ctx.close()
    try:
        atomic_write(args.output, json.dumps(collection, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    broken = [c for c in cases if c.problem]
    for case in broken:
        print(_terminal_safe(f"skipped {case.path}: {case.problem}"), file=stdout)
    print(f"Exported {len(cases) - len(broken)} case(s) to {args.output}"
          + ("" if args.profile == "sandbox" else " (credentials left empty: give them with newman's --env-var)")
          + ".", file=stdout)
    return ExitStatus.OK


def _suite_run(args, context, stdout) -> int:
    """`suite run`: 0 when every case passed, 1 when any failed, 2 for a usage error."""
    from console.core.data_rows import RowsError, read_rows
    from console.engine.suites import SuiteError, junit_xml, load_cases, run_suite

    rate = _rate(args.rate)
    try:
        cases = load_cases(Path(args.path), keep_broken=True)  # a malformed file is an error case; the run goes on
        rows = read_rows(args.rows) if args.rows else None
    except (SuiteError, RowsError) as exc:
        raise UsageError(str(exc)) from None
    ctx = context()
    results = []
    counts = {True: 0, False: 0}
    try:
        names = {case.vendor for case in cases if not case.problem}
        for vendor in sorted(names):
            if not ctx.profiles.exists(vendor, args.profile):
                raise UsageError(f"no profile {args.profile!r} for {vendor}")
        # Counted as they come; kept only for a report that lists them (a 10,000-row run
        # printing lines holds nothing per row).
        keep = bool(args.json or args.junit)
        for result in run_suite(ctx, cases, args.profile, rows, rate):
            counts[result.passed] += 1
            if keep:
                results.append(result)
            if not args.json:
                case = result.case
                mark = "pass" if result.passed else "ERROR" if result.error else "FAIL"
                what = f"{case.vendor}.{case.operation}" if not case.problem else "unreadable"
                print(_terminal_safe(f"{mark}  {result.name}  ({what}, {result.seconds * 1000:.0f} ms)"
                                     + ("" if result.passed else f": {result.reason}")), file=stdout)
    except RowsError as exc:
        raise UsageError(f"{exc} (the run stopped there; {sum(counts.values())} result(s) before it)") from None
    finally:
        ctx.close()
    passed, failed = counts[True], counts[False]
    if args.junit:
        from console.core.files import atomic_write

        try:
            atomic_write(args.junit, junit_xml(results))
        except OSError as exc:
            raise UsageError(f"cannot write {args.junit}: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps({"passed": passed, "failed": failed, "cases": [
            {"name": r.name, "path": str(r.case.path), "passed": r.passed, "reason": r.reason or None,
             "history_id": r.history_id} for r in results]}, ensure_ascii=False, indent=2), file=stdout)
    else:
        print(f"{passed} passed, {failed} failed", file=stdout)
    return ExitStatus.OK if not failed else ExitStatus.CASES_FAILED


def _history_export(args, context, stdout, stderr) -> int:
    """`history export`: written as it is read (constant memory, any history); progress on a
    terminal."""
    from console.engine.history_ops import export_to, export_to_file

    if args.export_limit is not None and args.export_limit < 1:
        raise UsageError("--limit takes a number above 0")
    ctx = context()
    total = [0]
    shown = stderr.isatty() if hasattr(stderr, "isatty") else False

    def progress(count: int, of: int | None = None) -> None:
        total[0] = count
        if shown:
            print(f"\rExporting… {count:,}" + (f" of {of:,}" if of else "") + " exchange(s)", end="", file=stderr,
                  flush=True)

    try:
        if args.output:
            try:
                count = export_to_file(ctx.history, args.output, args.format, limit=args.export_limit,
                                       progress=progress)
            except OSError as exc:
                raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
            if shown and total[0]:
                print("", file=stderr)
            print(f"Exported {count} exchange(s) to {args.output} (keys masked).", file=stderr)
        else:
            export_to(stdout, ctx.history, args.format, limit=args.export_limit)
    finally:
        ctx.close()
    return ExitStatus.OK


def _history_import(args, context, stdout, stderr) -> int:
    """`history import`: how far it is, on a terminal."""
    from console.core.history.export import HistoryImportError, Unknown, import_summary
    from console.engine.history_ops import import_file

    ctx = context()
    shown = stderr.isatty() if hasattr(stderr, "isatty") else False

    def progress(read: int, total: int | None) -> None:
        about = "" if read == total else "about "
        print(f"\rImporting… {read:,} of {about}{total or read:,} entries" + " " * 8, end="", file=stderr, flush=True)

    try:
        done = import_file(ctx.history, args.file, Unknown.KEEP if args.keep_unknown else Unknown.SKIP,
                           progress=progress if shown else None)
    except HistoryImportError as exc:
        raise UsageError(str(exc) if str(exc).startswith(str(args.file)) else f"{args.file}: {exc}") from None
    finally:
        if shown:
            print("", file=stderr)
        ctx.close()
    print(import_summary(args.file, done.imported, done.skipped, done.repeated), file=stdout)
    return ExitStatus.OK


def _load_plans(folder: str):
    from console.core.plans import PlanError, load_plans

    try:
        return load_plans(folder)
    except PlanError as exc:
        raise UsageError(str(exc)) from None


def _plan(args, context, stdin, stdout, stderr) -> int:
    """`plan check|import|export|coverage` (see the contract's Tracking plans)."""
    from console.core.files import InputFileError, atomic_write, read_regular
    from console.core.plan_sheet import plan_json, read_sheet, write_sheet
    from console.core.plans import PlanError

    if args.plan_command == "check":
        plans = _load_plans(args.dir)
        events = sum(len(p.events) for p in plans.plans)
        print(f"{len(plans.plans)} plan file(s), {events} event(s): valid.", file=stdout)
        return ExitStatus.OK
    if args.plan_command == "import":
        try:
            text = read_regular(args.sheet, 64 * 1024 * 1024, "sheet").decode("utf-8-sig")
            plan = read_sheet(text, Path(args.sheet).stem)
        except (InputFileError, PlanError) as exc:
            raise UsageError(f"{args.sheet}: {exc}" if not str(exc).startswith(args.sheet) else str(exc)) from None
        except UnicodeDecodeError:
            raise UsageError(f"{args.sheet} is not UTF-8 text (save the sheet as CSV UTF-8)") from None
        target = Path(args.output) / f"{plan.name}.plan.json"
        atomic_write(target, plan_json(plan))
        print(f"Wrote {target}: {len(plan.events)} event(s), "
              f"{sum(len(e.properties) for e in plan.events)} propert(ies).", file=stdout)
        return ExitStatus.OK
    if args.plan_command == "export":
        plans = _load_plans(args.dir)
        atomic_write(args.output, write_sheet(list(plans.plans)))
        print(f"Wrote {args.output}.", file=stdout)
        return ExitStatus.OK
    return _plan_coverage(args, context, stdout)


def _plan_coverage(args, context, stdout) -> int:
    from console.core.files import InputFileError, read_regular
    from console.engine.coverage import compare, coverage, describe

    plans = _load_plans(args.plan)
    baseline = None
    if args.baseline:
        try:
            baseline = json.loads(read_regular(args.baseline, 64 * 1024 * 1024, "report").decode("utf-8"))
        except (InputFileError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(f"{args.baseline}: not a coverage report ({exc})") from None
        if not isinstance(baseline, dict) or not isinstance(baseline.get("seen"), dict):
            raise UsageError(f"{args.baseline}: not a coverage report (no \"seen\" object)")
    ctx = context()
    try:
        report = coverage(ctx.history, plans, args.source, args.since, args.until)
    finally:
        ctx.close()
    diff = compare(report, baseline) if baseline is not None else None
    if args.json:
        print(json.dumps({**report, **({"baseline": diff} if diff is not None else {})}, ensure_ascii=False,
                         indent=2), file=stdout)
    else:
        print(_terminal_safe(describe(report, diff)), file=stdout)
    failed = bool(report["missing"]) or bool(diff and diff["regression"])
    return ExitStatus.CASES_FAILED if failed else ExitStatus.OK


if __name__ == "__main__":
    run()
