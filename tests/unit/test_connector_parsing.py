"""Parsers of the ingest connectors that need no server: docs steps,
CODEOWNERS rules (gitignore patterns through pathspec), front matter, HR dates."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.connectors.codeowners import owners_of, parse_codeowners, pattern_spec
from ingest.connectors.docs import parse_steps, plain, split_front_matter
from ingest.connectors.people import key_of, parse_date

REPO = Path(__file__).parent.parent / "data" / "connectors" / "repo"


def test_docs_steps_parser():
    steps = parse_steps("Intro\n\n## Steps\n1. First [thing](/x) (owner: @a)\n   more detail\n1. Second (owners: @b, @c)\n"
                        "1. Third.\n\nAfter the list.\n2. not a step\n")
    assert [(s["name"], s["owners"], s["detail"]) for s in steps] == [
        ("First thing", ["@a"], "more detail"), ("Second", ["@b", "@c"], ""), ("Third", [], "")]
    assert parse_steps("# Title\n\n1. no steps heading\n") == []


def test_codeowners_parser_last_match_wins():
    rules, bad = parse_codeowners((REPO / ".github" / "CODEOWNERS").read_text())
    assert bad == [(11, "not an owner: notanowner (use @user, @org/team or an email)")]
    assert [r.pattern for r in rules][:3] == ["*", "/services/payments/", "/services/payments/*.md"]
    assert owners_of(rules, "services/payments").owners == ["@acme/payments-team", "ana.costa2@acme.example"]
    assert owners_of(rules, "services/ledger").owners == ["@acme/risk-data", "@raj-patel", "@acme/unknown-team"]
    assert owners_of(rules, "services/other").owners == ["@acme/platform"]
    assert owners_of(rules, "docs/guides").owners == ["@acme/tech-writers"]
    assert owners_of(rules, "libs/shared").owners == []


def test_codeowners_patterns_follow_gitignore_rules():
    def owns(pattern: str, folder: str) -> bool:
        return pattern_spec(pattern).match_file(f"{folder}/__kiki_any_file__" if folder else "__kiki_any_file__")

    assert owns("*", "") and owns("/", "deep/down")
    assert owns("docs/", "docs") and owns("docs/", "x/docs/sub")          # unanchored: at any depth
    assert owns("/docs/", "docs") and not owns("/docs/", "x/docs")        # anchored at the root
    assert owns("apps/**/api", "apps/a/b/api") and not owns("apps/*/api", "apps/a/b/api")
    assert owns("**/logs", "logs") and owns("**/logs", "a/b/logs")
    assert not owns("a/b", "x/a/b")                                       # a slash inside anchors


def test_front_matter_is_split_off_and_checked():
    assert split_front_matter("---\ntitle: Billing\naliases: [bill]\n---\n# Body\n") == (
        {"title": "Billing", "aliases": ["bill"]}, "# Body\n")
    assert split_front_matter("# No front matter\n") == (None, "# No front matter\n")
    assert split_front_matter("---\ntitle: never closed\n") == (None, "---\ntitle: never closed\n")
    with pytest.raises(ValueError, match="front matter must be a mapping"):
        split_front_matter("---\n- a list\n---\nbody")
    with pytest.raises(ValueError, match="invalid front matter YAML"):
        split_front_matter("---\ntitle: [unclosed\n---\nbody")


def test_plain_text_of_docs_markdown():
    assert plain("**Open** a [ticket](/system/desk) in `snake_case` *now*") == "Open a ticket in snake_case now"


def test_hr_dates_in_the_shapes_exports_use():
    for text in ("2021-04-01", "2021-04-01-07:00", "2021-04-01T09:00:00Z", "2021/04/01", "04/01/2021",
                 "1 Apr 2021", "1 April 2021", "Apr 1, 2021"):
        assert parse_date(text) == "2021-04-01", text
    with pytest.raises(ValueError, match="unreadable date 'soon'"):
        parse_date("soon")
    with pytest.raises(ValueError, match="unreadable date '31/02/2021'"):
        parse_date("31/02/2021")
    with pytest.raises(ValueError, match="incomplete date 'April 2021'"):
        parse_date("April 2021")   # a month is not a day: refused, not completed with today's


def test_person_keys_fold_every_letter_to_ascii():
    assert key_of("José Núñez") == "jose-nunez"
    assert key_of("Paweł Wiśniewski") == "pawel-wisniewski"    # ł has no NFKD decomposition
    assert key_of("Søren Ødegård") == "soren-odegard"
    assert key_of("Imogen O'Brien") == "imogen-obrien"
