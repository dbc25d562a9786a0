"""Article markup (no Neo4j): wiki links, red links, headings with anchors,
table of contents, tables, code, and the sanitizer."""
from kiki.md import parse_wiki_link, wiki_links
from wiki.markup import render


def resolver(existing):
    def resolve(links):
        out = {}
        for ln in links:
            lid = f"{ln.label}:{ln.key}" if ln.key else f"name:{ln.name}"
            if lid in existing:
                out[lid] = existing[lid]
        return out
    return resolve


EXISTING = {"name:Ana Costa": {"label": "Person", "key": "ana-costa"},
            "Team:payments": {"label": "Team", "key": "payments"}}


def test_wiki_links_resolve_to_pages_and_missing_ones_are_red_links_to_create_a_topic():
    html = render("See [[Ana Costa]], [[team:payments|the payments team]] and [[Quarterly planning]].",
                  resolver(EXISTING)).html
    assert '<a class="wikilink" href="/person/ana-costa" rel="noopener noreferrer nofollow">Ana Costa</a>' in html
    assert '<a class="wikilink" href="/team/payments" rel="noopener noreferrer nofollow">the payments team</a>' in html
    assert 'class="wikilink new" href="/topic/new?name=Quarterly+planning"' in html


def test_malformed_wiki_links_are_marked_and_named():
    links = wiki_links("[[widget:x]] [[team:Bad Key!]] [[ ]] [[ok]]")
    assert [bool(ln.error) for ln in links] == [True, True, True, False]
    assert "unknown page type 'widget'" in links[0].error
    html = render("[[widget:x]]", resolver({})).html
    assert 'class="invalid-link"' in html and "unknown page type" in html
    assert parse_wiki_link("process:onboarding|Onboarding").label == "Process"


def test_headings_get_anchors_move_down_a_level_and_make_a_toc():
    r = render("# One\n\ntext\n\n## Two\n\n## Two\n\n### Three")
    assert '<h2 id="one">One</h2>' in r.html and '<h3 id="two">' in r.html and 'id="two-1"' in r.html
    assert [(h["level"], h["id"]) for h in r.toc] == [(1, "one"), (2, "two"), (2, "two-1"), (3, "three")]
    assert render("# Only one").toc == []


def test_tables_code_and_hostile_html_are_sanitized():
    r = render("| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = '<b>'\n```\n\n"
               "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"
               '<a class="wikilink" href="//evil.example" onclick="x()">y</a><h2 id="content">z</h2>')
    assert "<table>" in r.html and "<td" in r.html and "&lt;b&gt;" in r.html and 'class="language-python"' not in r.html
    assert "<script" not in r.html and "alert(1)</script>" not in r.html and "onerror" not in r.html
    assert 'href="javascript' not in r.html and "onclick" not in r.html
    assert '<th style="text-align:right">b</th>' in r.html
