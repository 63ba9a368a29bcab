"""Code a backend's developers can paste: an exchange as a Python (`requests`), Node.js
(`fetch`) or PHP (curl) snippet that sends exactly its bytes (method, URL, headers, body).

History holds requests with their keys masked, so a snippet carries `***` where a key went:
the developer puts theirs in. Headers the client library sets itself (Content-Length, Host)
are left to it.
"""

from __future__ import annotations

import base64
import json

LANGUAGES = {"python": "Python (requests)", "node": "Node.js (fetch)", "php": "PHP (curl)"}
_LEFT_TO_THE_CLIENT = {"content-length", "host"}


def _headers(headers: dict[str, str] | None) -> list[tuple[str, str]]:
    return [(k, v) for k, v in (headers or {}).items() if k.lower() not in _LEFT_TO_THE_CLIENT]


def _js(text: str) -> str:
    return json.dumps(text)  # a JSON string is a JavaScript string literal (\u2028 included, escaped)


def _php(text: str) -> str:
    """A PHP single-quoted string: only \\ and ' are escaped there."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def python(method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> list[str]:
    lines = [f"url = {url!r}",
             "headers = {" + ", ".join(f"{k!r}: {v!r}" for k, v in _headers(headers)) + "}"]
    call = f"response = requests.request({method!r}, url, headers=headers"
    if body:
        try:
            lines.append(f"body = {body.decode('utf-8')!r}.encode('utf-8')  # the exact bytes sent")
        except UnicodeDecodeError:
            lines.append(f"body = base64.b64decode({base64.b64encode(body).decode()!r})")
        call += ", data=body"
    return lines + [call + ", timeout=30)", "print(response.status_code, response.text)"]


def node(method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> list[str]:
    lines = [f"const url = {_js(url)};",
             "const headers = {" + ", ".join(f"{_js(k)}: {_js(v)}" for k, v in _headers(headers)) + "};"]
    options = f"method: {_js(method)}, headers"
    if body:
        try:
            lines.append(f"const body = Buffer.from({_js(body.decode('utf-8'))}, 'utf8');  // the exact bytes sent")
        except UnicodeDecodeError:
            lines.append(f"const body = Buffer.from({_js(base64.b64encode(body).decode())}, 'base64');")
        options += ", body"
    return lines + [f"const response = await fetch(url, {{ {options} }});",
                    "console.log(response.status, await response.text());"]


def php(method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> list[str]:
    lines = [f"$ch = curl_init({_php(url)});",
             f"curl_setopt($ch, CURLOPT_CUSTOMREQUEST, {_php(method)});",
             # 'Expect:' turns off curl's 100-continue: the body goes at once, as the console sent it.
             "curl_setopt($ch, CURLOPT_HTTPHEADER, [" + ", ".join(_php(f"{k}: {v}") for k, v in _headers(headers))
             + ", 'Expect:']);",
             "curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);"]
    if body:
        try:
            literal = _php(body.decode("utf-8"))
        except UnicodeDecodeError:
            literal = f"base64_decode({_php(base64.b64encode(body).decode())})"
        lines.append(f"curl_setopt($ch, CURLOPT_POSTFIELDS, {literal});  // the exact bytes sent")
    return lines + ["$answer = curl_exec($ch);",
                    'echo curl_getinfo($ch, CURLINFO_HTTP_CODE), " ", $answer, "\\n";',
                    "curl_close($ch);"]


MAKERS = {"python": python, "node": node, "php": php}
_COMMENT = {"python": "#", "node": "//", "php": "//"}
_NOTE = "Keys are masked (***): put yours in their place."


def program_head(language: str) -> str:
    """What a program in `language` begins with, before its requests."""
    return {"python": f"# {_NOTE}\nimport base64  # noqa: F401 - for a body that is not text\n\nimport requests\n\n",
            "node": f"// {_NOTE} Node.js 18 or later.\n(async () => {{\n\n",
            "php": f"<?php\n// {_NOTE}\n\n"}[language]


def program_tail(language: str) -> str:
    """What a program in `language` ends with, after its requests."""
    return "\n})();\n" if language == "node" else "\n"


def program_part(language: str, title: str, method: str, url: str, headers: dict[str, str] | None,
                 body: bytes | None) -> str:
    """One request of a program in `language`, titled (a comment)."""
    lines = MAKERS[language](method, url, headers, body)
    if language == "node":
        lines = ["{"] + [f"  {line}" for line in lines] + ["}"]  # each request in its own scope
    return "\n".join([f"{_COMMENT[language]} {title}"] + lines)


def program(language: str, requests: list[tuple[str, str, str, dict[str, str] | None, bytes | None]]) -> str:
    """A runnable program in `language` (a key of LANGUAGES) that sends each request, in order:
    (title, method, URL, headers, body)."""
    return (program_head(language) + "\n\n".join(program_part(language, *request) for request in requests)
            + program_tail(language))
