"""Redaction's two shortcuts, on and off, over what an import and a capture mask: the bodies
and header values of generated exchanges (tests/history_data.py, the histories the other
benchmarks use).

- redact_json_text asks the object keys json.loads met (`_nothing_to_mask`) before it walks a
  copy of the value: off, every JSON body is walked;
- redact_text looks for a separator, a scheme or a JWT's start (`_may_hold_credential`) before
  running its three patterns: off, every text runs them.

Each is timed both ways over the same texts, alternated, best of 7; the answers are the same
both ways (asserted). A shortcut stays only where its on/off ratio shows it pays.

Run: python bench/redaction.py [exchanges]   (2,000 by default)
"""

import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.core import redact  # noqa: E402
from tests.history_data import make_records  # noqa: E402


def timed(work, texts) -> float:
    """Best of 7 over the texts, microseconds a text."""
    return min(timeit.repeat(lambda: [work(t) for t in texts], number=1, repeat=7)) / len(texts) * 1e6


def both_ways(label: str, name: str, off, work, texts) -> None:
    on_answers = [work(t) for t in texts]
    original = getattr(redact, name)
    setattr(redact, name, off)
    try:
        assert [work(t) for t in texts] == on_answers, f"{label}: the shortcut changed an answer"
        without = timed(work, texts)
    finally:
        setattr(redact, name, original)
    with_it = timed(work, texts)
    print(f"  {label:<50} on {with_it:7.2f} µs   off {without:7.2f} µs   off/on {without / with_it:5.2f}x")


def main(count: int = 2000) -> None:
    records = make_records(count)
    bodies = [text for r in records for text in (r.payload, (r.response_body or b"").decode("utf-8", "replace"))
              if text and text.lstrip()[:1] in "{["]
    values = [value for r in records for value in (*r.request_headers.values(), *(r.response_headers or {}).values())]
    print(f"{len(bodies):,} JSON bodies (mean {sum(map(len, bodies)) // len(bodies)} characters) and {len(values):,} "
          f"header values of {count:,} generated exchanges, microseconds a text, best of 7:")
    both_ways("redact_json_text: the object keys asked first", "_nothing_to_mask", lambda _text, _keys: False,
              redact.redact_json_text, bodies)
    both_ways("redact_text: what its patterns need looked for", "_may_hold_credential", lambda _text: True,
              redact.redact_text, values)


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
