"""graph.page_urls: the one builder and parser of /<slug>/<key>."""
from __future__ import annotations

import pytest

from graph.page_urls import index_url, page_url, parse_page_url


def test_build_and_parse_round_trip():
    for label in ("Person", "Team", "Department", "System", "Process", "Topic"):
        assert parse_page_url(page_url(label, "some-key")) == (label, "some-key")
    assert page_url("Person", "ana-costa") == "/person/ana-costa"
    assert index_url("Team") == "/team/"
    with pytest.raises(KeyError):
        page_url("Step", "x")   # steps have no pages of their own


def test_parse_accepts_slash_query_fragment_and_base_url():
    assert parse_page_url("/team/risk-data/") == ("Team", "risk-data")
    assert parse_page_url("/team/risk-data?tab=1#members") == ("Team", "risk-data")
    assert parse_page_url("https://kiki.example/system/ledger", "https://kiki.example/") == ("System", "ledger")


def test_parse_refuses_other_urls():
    for url in ("", "/", "/search?q=x", "/static/wiki.css", "/person/", "/person/a/edit", "https://x.test/person/a",
                "../other.md"):
        assert parse_page_url(url) is None, url
