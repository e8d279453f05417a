"""The typo lexicon both engines share (Meilisearch's rules: one typo from 5 letters, two from
9; the first letter may be the typo only within a budget of two; the last word of a query is
also a prefix). Pure: words and document counts in, variants out."""

from __future__ import annotations

from openlicense.search.spelling import Lexicon, typo_budget
from openlicense.search.text import Clause, ParsedQuery, Term

WORDS = [
    ("battery", 40), ("batteries", 12), ("cathode", 9), ("catalyst", 7), ("catalysts", 3),
    ("graphene", 5), ("electrolyte", 6), ("electrolytes", 2), ("desalination", 4),
]  # fmt: skip


def lexicon() -> Lexicon:
    return Lexicon.from_pairs(WORDS, (5, 9))


def test_the_typo_budget_grows_with_the_word() -> None:
    assert [typo_budget(w, (5, 9)) for w in ("cell", "anode", "electrode", "graphene")] == [
        0,
        1,
        2,
        1,
    ]


def test_typos_are_found_fewest_and_most_frequent_first() -> None:
    lex = lexicon()
    assert lex.typos("cell") == []  # too short for a typo
    assert "graphene" in [w for w, _ in lex.typos("grapheen")]  # (and its stem "graphen")
    found = lex.typos("electrolyt")
    assert found and found[0][1] <= found[-1][1]
    # a changed first letter counts only within a budget of two
    assert "desalination" in [w for w, _ in lex.typos("xesalination")]


def test_the_last_word_is_a_prefix_too() -> None:
    lex = lexicon()
    assert lex.completions("cata")[:2] == ["catalyst", "catalysts"]
    assert lex.completions("cata") == lex.completions("cata")  # memoised, same answer
    assert lex.completions("zzz") == []


def test_expansions_cover_typos_and_the_prefix_of_the_last_word() -> None:
    lex = lexicon()
    query = ParsedQuery(
        (
            Clause((Term("grapheen"),)),
            Clause((Term("cata", prefix=True),)),
            Clause((Term("锂电池"),)),
        )
    )
    out = lex.expansions(query)
    assert "graphene" in out["grapheen"]
    assert {"catalyst", "catalysts"} <= set(out["cata"])
    assert "锂电池" not in out  # not a word: no typos for Han text


def test_did_you_mean_picks_the_likeliest_word() -> None:
    lex = lexicon()
    assert lex.correct("batery") == "battery"
    assert lex.correct("battery") is None  # known
    assert lex.correct("qq") is None  # too short to guess
    assert lex.correct("zzzzzzzz") is None  # nothing near
    assert lex.spelling("batteri") in {"battery", "batteries"}  # a stem's common spelling
