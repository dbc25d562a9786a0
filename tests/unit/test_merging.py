"""Three-way merge of stale edits (no Neo4j)."""
from wiki.merging import merge_field, merge_text

BASE = "Intro.\n\nMiddle paragraph.\n\nEnd."


def test_changes_to_different_paragraphs_merge():
    theirs = BASE.replace("Intro.", "Intro, theirs.")
    yours = BASE.replace("End.", "End, yours.")
    merged = merge_text(BASE, theirs, yours)
    assert merged.clean and merged.text == "Intro, theirs.\n\nMiddle paragraph.\n\nEnd, yours."


def test_changes_to_the_same_line_conflict_with_both_sides_kept():
    merged = merge_text(BASE, BASE.replace("Middle", "Their middle"), BASE.replace("Middle", "My middle"))
    assert not merged.clean
    [hunk] = merged.conflicts
    assert (hunk.base, hunk.theirs, hunk.yours) == ("Middle paragraph.\n", "Their middle paragraph.\n",
                                                    "My middle paragraph.\n")
    assert merged.hunks[0].kind == "same" and merged.hunks[0].text.startswith("Intro.")


def test_identical_or_one_sided_changes_are_clean():
    assert merge_text(BASE, BASE, "new").text == "new"
    assert merge_text(BASE, "theirs", BASE).text == "theirs"
    assert merge_text(BASE, "same", "same").clean


def test_a_one_line_field_conflicts_only_when_both_changed_it():
    assert merge_field("a", "a", "b").text == "b"
    assert merge_field("a", "c", "a").text == "c"
    assert not merge_field("a", "c", "b").clean
