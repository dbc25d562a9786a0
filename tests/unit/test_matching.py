"""Name matching and keys: one-edit closeness (rapidfuzz), name keys
(python-slugify), the question search fallback and relative dates."""
from __future__ import annotations

from datetime import date

from graph.model import name_key
from kiki.assistant import dates
from kiki.assistant.fallback import search_pages, search_words
from kiki.assistant.linking import _closeness, _one_edit


def test_one_edit_apart():
    for a, b in (("data", "dta"), ("data", "daat"), ("costa", "cost"), ("kaya", "kayak"), ("abcd", "bacd")):
        assert _one_edit(a, b), (a, b)
    for a, b in (("abcd", "xbcy"), ("abc", "abd"), ("data", "datums")):
        assert not _one_edit(a, b), (a, b)
    assert _closeness("ana", "ana") == 1.0 and _closeness("ris", "risk") == 1.0
    assert _closeness("paymnts", "payments") == 0.9 and _closeness("ana", "anna") == 0.9


def test_name_keys_are_stable_and_ascii():
    assert name_key("Risk Data") == "risk-data"
    assert name_key("Team: Payments (EU)") == "team-payments-eu"
    assert name_key("api.v2_beta") == "api.v2_beta"
    assert name_key("Straße Ærø") == "strasse-aero"
    assert name_key("") == ""


def test_search_fallback_tries_specific_words_alone():
    calls = []

    def search(query, n):
        calls.append(query)
        return {"ledger": [{"type": "System", "key": "ledger"}],
                "reconciliation": [{"type": "Process", "key": "recon"}, {"type": "System", "key": "ledger"}]
                }.get(query, [])

    words = search_words("what is the ledger reconciliation about?")
    assert words == "ledger reconciliation"
    assert [h["key"] for h in search_pages(words, search)] == ["ledger", "recon"]   # ledger matched twice
    assert calls[0] == "ledger reconciliation"
    assert search_pages("", search) == []


def test_months_back_keeps_the_day_or_the_end_of_a_shorter_month():
    assert dates._months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert dates._months_back(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert dates._end_of_month(2024, 2) == date(2024, 2, 29)
