"""Profiles are read once per version of the file (capture asks for every request it checks),
and a change made elsewhere (the window, `event-console profile set` in another process, an
editor) is seen at the next read."""

import json
import os

from console.core.profiles import ProfileStore


def test_a_change_made_by_another_store_is_seen_at_once(tmp_path):
    reader, writer = ProfileStore(tmp_path), ProfileStore(tmp_path)
    assert reader.settings("octeth", "staging") == {}
    writer.update("octeth", "staging", {"base_url": "https://one.example"})
    assert reader.settings("octeth", "staging") == {"base_url": "https://one.example"}
    writer.update("octeth", "staging", {"base_url": "https://two.example"})  # the same size
    assert reader.settings("octeth", "staging") == {"base_url": "https://two.example"}
    writer.delete("octeth", "staging")
    assert not reader.exists("octeth", "staging")


def test_an_edit_in_place_of_the_same_size_is_seen(tmp_path):
    store = ProfileStore(tmp_path)
    store.update("octeth", "staging", {"base_url": "https://aaa.example"})
    assert store.settings("octeth", "staging")["base_url"] == "https://aaa.example"
    text = store.path.read_text().replace("aaa", "bbb")
    stat = store.path.stat()
    with open(store.path, "r+", encoding="utf-8") as file:  # the same inode and size, as an editor may write
        file.write(text)
    os.utime(store.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert store.settings("octeth", "staging")["base_url"] == "https://bbb.example"


def test_what_a_caller_changes_is_not_kept(tmp_path):
    store = ProfileStore(tmp_path)
    store.update("octeth", "staging", {"base_url": "https://one.example"})
    store.settings("octeth", "staging")["base_url"] = "changed by a caller"
    assert store.settings("octeth", "staging")["base_url"] == "https://one.example"


def test_a_file_that_went_away_reads_as_empty(tmp_path):
    store = ProfileStore(tmp_path)
    store.update("octeth", "staging", {"base_url": "https://one.example"})
    store.settings("octeth", "staging")
    store.path.unlink()
    assert store.names("octeth") == ["sandbox"]
    store.path.write_text(json.dumps({"version": 1, "profiles": {"octeth": {"x": {"settings": {}}}}}))
    assert store.names("octeth") == ["sandbox", "x"]
