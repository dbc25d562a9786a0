"""Word-by-word diffs (no Neo4j)."""
from wiki.diffs import diff_texts


def test_a_changed_word_is_marked_in_both_views():
    d = diff_texts("The ledger runs nightly.\nSecond line.", "The ledger runs hourly.\nSecond line.")
    changed = [r for r in d.rows if r.kind == "changed"]
    assert len(changed) == 1
    assert changed[0].old == "The ledger runs <del>nightly</del>."
    assert changed[0].new == "The ledger runs <ins>hourly</ins>."
    assert d.inline.splitlines()[0] == "The ledger runs <del>nightly</del><ins>hourly</ins>."
    assert (d.added_words, d.removed_words) == (4, 4)  # the whole changed line's words


def test_added_and_removed_lines_and_escaping():
    d = diff_texts("keep\n<b>gone</b>", "keep\nnew & shiny")
    kinds = [r.kind for r in d.rows]
    assert kinds == ["same", "changed"]
    assert "&lt;b&gt;" in d.rows[1].old and "&amp;" in d.rows[1].new and "<b>" not in d.inline
    d = diff_texts("a", "a\nb")
    assert [r.kind for r in d.rows] == ["same", "added"] and d.rows[1].new == "<ins>b</ins>"
    assert not diff_texts("same", "same").changed
