"""The _vt_user cookie helper reads every form users paste."""

import pytest

from console.core.cookies import CookieError, parse_vt_user

DOC = "8139618027113397_253412802711339765_false_false"


@pytest.mark.parametrize("text", [
    DOC,
    f"_vt_user={DOC}",
    f"Cookie: _ga=GA1.2.3; _vt_user={DOC}; other=1",
    f"_ga=GA1.2.3; _vt_user={DOC}",  # document.cookie
    "8139618027113397%5F253412802711339765%5Ffalse%5Ffalse",
    f"_vt_user={DOC.replace('_', '%5F')}",
    f"  '{DOC}'  ",
    f'_vt_user="{DOC}"',
    "_vt_user=8139618027113397%255F253412802711339765%255Ffalse%255Ffalse",
])
def test_reads_the_documents_example_in_every_form(text):
    user = parse_vt_user(text)
    assert user.user_id == "8139618027113397"
    assert user.session_id == "253412802711339765"
    assert user.flags == ("false", "false")


@pytest.mark.parametrize("text,words", [
    ("", "Paste"),
    ("_vt_user=", "empty"),
    ("_ga=1; other=2", "No _vt_user cookie"),
    ("8139618027113397", "at least two fields"),
    ("123_", "at least two fields"),
    ("123 456_789", "no spaces"),
])
def test_explains_what_is_wrong(text, words):
    with pytest.raises(CookieError, match=words):
        parse_vt_user(text)


def test_ids_that_are_not_digits_are_read_with_a_warning():
    """The document shows digits but names no rule: read it, and say it is unusual."""
    user = parse_vt_user("12345_abcdef_false_false")
    assert (user.user_id, user.session_id, user.flags) == ("12345", "abcdef", ("false", "false"))
    assert len(user.warnings) == 1 and "session ID" in user.warnings[0] and "'abcdef'" in user.warnings[0]
    assert parse_vt_user("8139618027113397_253412802711339765_false_false").warnings == ()
    assert len(parse_vt_user("١٢٣_456").warnings) == 1  # non-ASCII digits are not the document's digits


def test_a_vtsid_is_read_beside_or_without_the_vt_user_cookie():
    from console.core.cookies import read_cookies

    both = read_cookies("Cookie: _vt_user=111_222; _vtsid=s-1")
    assert (both.user.user_id, both.vtsid, both.problem) == ("111", "s-1", "")
    alone = read_cookies("_vtsid=s%2D2; theme=dark")  # document.cookie's text
    assert (alone.user, alone.vtsid, alone.problem) == (None, "s-2", "")
    neither = read_cookies("theme=dark")
    assert neither.user is None and neither.vtsid is None and "No _vt_user cookie" in neither.problem
