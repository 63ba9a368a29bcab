"""The import's streaming JSON reader reads what json.loads reads, item by item, whatever
the chunk boundaries: NaN, lone surrogates, huge numbers, escapes cut in half; and refuses what
json.loads refuses."""

import io
import json
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.history import json_stream
from console.core.history.json_stream import JsonStream, JsonStreamError

leaves = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
                   st.text(max_size=12), st.sampled_from(["\udcff", "a\ud83d", "\\", '"', "é€😀", "\n\t"]))
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                          max_size=4), max_leaves=20)
# Raw JSON the encoder never writes but files hold: NaN, Infinity, escaped surrogates, spacing.
odd = st.sampled_from(["NaN", "-Infinity", '"\\udcff"', '"\\ud83d\\ude00"', "1e999", "  \n 12.5e-3 ", "[ ]", "{ }",
                       '{"a" : [ 1 , { } ] }'])


def _text(items, spaced, extras):
    parts = [json.dumps(v, ensure_ascii=spaced) for v in items] + extras
    return "[" + (" ,\n ".join(parts) if spaced else ",".join(parts)) + "]"


def _stream(text, chunk):
    """A stream of `text` read `chunk` characters at a time (the module's CHUNK, patched while
    the caller reads)."""
    return patch.object(json_stream, "CHUNK", chunk), JsonStream(io.StringIO(text).read)


@settings(max_examples=400, deadline=None)
@given(st.lists(values, max_size=6), st.booleans(), st.lists(odd, max_size=3), st.integers(1, 40))
def test_items_are_what_json_loads_reads(items, spaced, extras, chunk):
    text = _text(items, spaced, extras)
    patched, stream = _stream(text, chunk)
    with patched:
        got = list(stream.items())
        stream.end()
    assert json.dumps(got) == json.dumps(json.loads(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(values, min_size=1, max_size=5), st.integers(0, 10**6), st.sampled_from(["", ",", "]", "}", "x", '"',
                                                                                     "\\", ":", "nul", "1."]),
       st.integers(1, 40))
def test_what_json_loads_refuses_is_refused(items, at, junk, chunk):
    """A file cut short or with something wrong anywhere: refused (never read as something else)."""
    text = _text(items, False, [])
    at %= len(text) + 1
    broken = text[:at] + junk + text[at + (1 if junk else 0):]
    try:
        expected = json.loads(broken)
    except ValueError:
        expected = None
    patched, stream = _stream(broken, chunk)
    with patched:
        if expected is None or not isinstance(expected, list):
            with pytest.raises(JsonStreamError):
                list(stream.items())
                stream.end()
        else:
            assert json.dumps(list(stream.items())) == json.dumps(expected)
            stream.end()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=6), st.integers(1, 30))
def test_members_walk_an_object_as_json_loads_reads_it(data, chunk):
    text = json.dumps(data, indent=1)
    patched, stream = _stream(text, chunk)
    with patched:
        walked = {key: stream.value() for key in stream.members()}
        stream.end()
    assert json.dumps(walked) == json.dumps(json.loads(text))


def test_a_long_array_is_read_a_chunk_at_a_time(monkeypatch):
    """The first item comes after reading a chunk or two, not the whole text; the text walked
    past is let go; and one item longer than many chunks is still read whole."""
    text = json.dumps([{"n": n, "body": "x" * 5000 if n == 3 else "y"} for n in range(200)])
    source = io.StringIO(text)
    monkeypatch.setattr(json_stream, "CHUNK", 256)
    stream = JsonStream(source.read)
    items = stream.items()
    assert next(items)["n"] == 0 and source.tell() <= 512
    held = []
    for item in items:
        held.append(len(stream._text))
        assert item["n"] == len(held)
    assert len(held) == 199 and max(held) < 5000 * 3 and held[-1] < 1024


def test_errors_say_where():
    with pytest.raises(JsonStreamError, match="Expecting ',' delimiter at character 7$"):
        list(JsonStream(io.StringIO("[1, 2 3]").read).items())
    with pytest.raises(JsonStreamError, match="Unterminated string starting at character 2$"):
        list(JsonStream(io.StringIO('["abc').read).items())
    with pytest.raises(JsonStreamError, match="Extra data"):
        stream = JsonStream(io.StringIO("[1] [2]").read)
        list(stream.items())
        stream.end()


def test_a_value_nested_too_deeply_is_refused_not_raised():
    from console.core.history.export import HistoryImportError, read_import

    with pytest.raises(JsonStreamError, match="Nested too deeply"):
        list(JsonStream(io.StringIO("[" + "[" * 100_000 + "]" * 100_000 + "]").read).items())
    with pytest.raises(HistoryImportError, match="This HAR file is not JSON: Nested too deeply"):
        read_import('{"log": {"entries": [' + "[" * 100_000 + "]" * 100_000 + "]}}")


def test_an_export_imports_whatever_the_order_of_its_members(make_ctx):
    """The app's JSON export and a HAR import alike with their members in any order (a file
    edited by hand, or written by another tool): exchanges before the format and version are
    read whole, then checked; a version after them still counts."""
    from console.core.history.export import HistoryImportError, read_import, to_json_export
    from console.engine import pipeline
    from tests.test_interchange import entry

    ctx = make_ctx()
    pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login")))
    data = json.loads(to_json_export(ctx.history.get_many([r.id for r in ctx.history.recent(1)])))
    reordered = {"exchanges": data["exchanges"], "version": data["version"], "format": data["format"]}
    ((record,), skipped) = read_import(json.dumps(reordered))
    assert (record.vendor, record.operation, skipped) == ("mytracker", "login", 0)
    with pytest.raises(HistoryImportError, match="newer Event Console"):
        read_import(json.dumps({"format": data["format"], "exchanges": data["exchanges"], "version": 99}))
    har = {"log": {"entries": [entry()], "creator": {"name": "x", "version": "1"}, "version": "1.2"}}
    assert len(read_import(json.dumps(har))[0]) == 1
    with pytest.raises(HistoryImportError, match="two log objects"):
        read_import('{"log": {"entries": []}, "log": {"entries": []}}')
