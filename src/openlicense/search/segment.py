"""Chinese text: traditional → simplified folding (OpenCC) and word segmentation (jieba-rs).

- `fold` is the one normalisation every engine and every query goes through: NFKC (full-width
  letters and digits become ASCII), lowercase, traditional characters to simplified (OpenCC
  `t2s`), so 鋰電池 and 锂电池 are the same text.
- `Segmenter` wraps jieba-rs (`rjieba`, the segmenter Meilisearch's tokenizer uses too) with the
  project's user dictionary: the domain terms of `search/dictionaries/*.txt` and every Chinese
  synonym, so 无人驾驶飞行器 stays one word instead of 无人驾驶 + 飞行器.
- Documents are indexed with *every* dictionary word found in a run of Han characters (jieba's
  full mode), single characters (the character n-grams that give recall) included. Query runs
  are cut in precise mode without the HMM, so a query word is either a dictionary word or a
  single character. A query word therefore matches a document exactly when the document
  contains it as a substring, whatever the document's own segmentation: 电池 finds
  太阳能电池, 飞行器 finds 无人驾驶飞行器. A word the dictionary does not know is searched
  character by character (制雪设备 → 制, 雪, 设备), and ranking prefers documents with more of
  them.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import opencc
import rjieba

__all__ = [
    "HAN_CLASS",
    "HAN_RE",
    "Segmenter",
    "fold",
    "load_dictionary",
]

HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN_RE = re.compile(f"[{HAN_CLASS}]+")

COMPOUND_CHARS = 4
"""Query words this long that are not user-dictionary words are searched as their parts."""

USER_WORD_FREQ = 200_000
"""Frequency given to user-dictionary words: high enough that jieba prefers them to the
default dictionary's shorter words in precise mode (无人驾驶飞行器 over 无人驾驶 + 飞行器)."""

_converter_lock = threading.Lock()


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def fold(text: str) -> str:
    """NFKC, lowercase, traditional → simplified Chinese."""
    text = unicodedata.normalize("NFKC", text).lower()
    if not HAN_RE.search(text):
        return text
    with _converter_lock:  # the OpenCC object is not documented as thread-safe
        return str(_t2s().convert(text))


def _is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0002fa1f"
    )


def load_dictionary(paths: Iterable[Path]) -> list[str]:
    """Words of dictionary files: one per line, `#` comments, an optional frequency ignored."""
    words: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip().split(" ")[0]
            if word:
                words.append(word)
    return words


class Segmenter:
    """jieba-rs with a user dictionary; thread-safe for cutting (jieba-rs is read-only then)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        added: set[str] = set()
        for raw in words:
            word = fold(raw).strip()
            if len(word) >= 2 and HAN_RE.fullmatch(word) and word not in added:
                self._jieba.add_word(word, USER_WORD_FREQ, None)
                added.add(word)
        self.words = frozenset(added)

    def index_tokens(self, run: str) -> list[str]:
        """Tokens of a document's Han run: every dictionary word found in it (jieba's full
        mode), every single character included, in order of position."""
        return list(self._jieba.cut_all(run))

    def han_tokens(self, text: str) -> list[str]:
        """`index_tokens` of every Han run of a text, in one pass over the whole text."""
        # a word is Han when its first character is (jieba never mixes scripts in a word)
        return [w for w in self._jieba.cut_all(text) if _is_han(w[0])]

    def query_words(self, run: str) -> list[str]:
        """Words of a query's Han run (precise mode, no HMM): dictionary words, and single
        characters where no dictionary word fits (制雪设备 → 制, 雪, 设备). A word of four or
        more characters that the user dictionary does not hold is a compound of the default
        dictionary (废旧电池, 免疫治疗): it is searched as its parts (废旧 + 电池), so a
        document that writes the parts apart (废旧锂离子电池) is found too."""
        out: list[str] = []
        for word in self._jieba.cut(run, False):
            if len(word) >= COMPOUND_CHARS and word not in self.words:
                out += self.parts(word)
            else:
                out.append(word)
        return out

    def parts(self, word: str) -> list[str]:
        """The fewest dictionary words (shorter than `word`) that spell it, longest first."""
        pieces: dict[int, set[str]] = {}
        for piece in self._jieba.cut_all(word):
            if len(piece) < len(word):
                start = word.find(piece)
                while start >= 0:
                    pieces.setdefault(start, set()).add(piece)
                    start = word.find(piece, start + 1)
        best: list[list[str] | None] = [None] * (len(word) + 1)
        best[0] = []
        for i in range(len(word)):
            current = best[i]
            if current is None:
                continue
            for piece in sorted(pieces.get(i, {word[i]}), key=len, reverse=True):
                j = i + len(piece)
                candidate = [*current, piece]
                if best[j] is None or len(candidate) < len(best[j] or []):
                    best[j] = candidate
        return best[len(word)] or [word]

    def is_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))


def han_runs(text: str) -> Iterator[tuple[int, str]]:
    for match in HAN_RE.finditer(text):
        yield match.start(), match.group()
