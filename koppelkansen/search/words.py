"""Dutch word roots for search: one rule set, here for the index and in
``docs/assets/javascripts/search.js`` for the query (``tests/test_search.py`` checks that the
two give the same root for every word of the site).

Pagefind stems every word with Snowball's Dutch stemmer and matches the last query word by
prefix. That joins most forms, not all: "kans" and "kansen" get different stems, a participle
keeps its ``ge-`` ("verkokerd" and "verkokering"), and "één", "pagina's" are written otherwise than
readers type them. :func:`root` is coarser than a stemmer on purpose: it folds accents and
apostrophes, takes off a participle's ``ge-`` (also after a separable prefix: "vastgesteld"),
the usual endings (``-en``, ``-s``, ``-e``, ``-d``, ``-t``, ``-ing``, ``-heden``) and writes the
vowels and the last consonant of what is left in one way ("maak"/"mak", "leef"/"lev"). Both
sides meet on the same root: the index holds each word's root (with :data:`MARK` behind it, so a
root is matched whole, not as the prefix of a longer word), the query asks for the roots of its
words beside the words themselves. A root may join two words that are not forms of one another;
search then shows a page more, never one less.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

#: Written behind every root in the index and in the query: Pagefind's stemmer leaves it alone
#: and no Dutch word contains it, so the root is one word of its own that nothing else prefixes.
MARK = "qx"

#: Separable prefixes a participle's ``ge-`` may follow ("vastgesteld", "uitgevoerd").
SEPARABLE = (
    "aan", "af", "bij", "door", "in", "mee", "na", "om", "onder", "op", "over", "samen", "terug",
    "toe", "uit", "vast", "voor", "weg",
)  # fmt: skip
#: The last consonant as it is written when the word ends there.
FINAL = {"v": "f", "z": "s"}
#: A root keeps at least this many letters.
SHORTEST = 3
#: Diminutives: taken off like the other endings ("straatjes" → "straatje" → "straat").
ENDINGS = (
    "heden", "ingen", "etjes", "etje", "pjes", "pje", "ing", "jes", "en", "es", "je", "s", "e", "d",
    "t",
)  # fmt: skip

#: The table of irregular forms (one family a line, the lemma first; see the file's head).
TABLE = Path(__file__).with_name("forms.txt")
#: The table as the browser reads it, in the index's folder: ``{form: [lemma, ...]}``.
FORMS_FILE = "woordvormen.json"
#: A word ending in a form is joined through it when the part before is at least this long
#: and the form at least :data:`SHORTEST` letters ("be" + "schreven"); a participle after a
#: prefix may have no ``ge-`` of its own ("ontworpen": ont + geworpen).
SHORTEST_HEAD = 2

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PARTICIPLE = re.compile(rf"^({'|'.join(SEPARABLE)})?ge(?=[^\W\d_]{{2,}}[dtn]$)")


def fold(word: str) -> str:
    """Lower case, without accents and apostrophes: "één" → "een", "pagina's" → "paginas"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’")


def words(text: str) -> list[str]:
    """The words of a text as a reader types them (letters, with an apostrophe inside)."""
    return WORD.findall(text)


def root(word: str, participle: bool = True) -> str:
    """The root of one word (see the module's text); "" for a word too short to have one.
    ``participle=False``: a ``ge-`` in front is kept (a noun: "gebouwen", "gemeenten")."""
    w = fold(word)
    if len(w) < SHORTEST or not w.isalpha():
        return ""
    if participle:
        w = _PARTICIPLE.sub(r"\1", w)
    stripped = True
    while stripped:
        stripped = False
        for ending in ENDINGS:
            if w.endswith(ending) and len(w) - len(ending) >= SHORTEST:
                w = w[: -len(ending)] + ("heid" if ending == "heden" else "")
                w = w[:-1] + FINAL.get(w[-1], w[-1])  # leven/leef, reizen/reis
                w = re.sub(r"([^aeiou])\1$", r"\1", w)  # verkenn/verken, then -en again
                stripped = True
                break
    w = re.sub(r"([aeiou])\1", r"\1", w)  # maak/mak, leer/ler
    return re.sub(r"([^aeiou])\1$", r"\1", w)  # plann/plan, zett/zet


def read_forms(text: str) -> dict[str, tuple[str, ...]]:
    """Each form of the table (``forms.txt``'s text) and the lemmas it is a form of."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        family = line.split("#", 1)[0].split()
        for form in family:
            lemmas_ = found.setdefault(form, [])
            if family[0] not in lemmas_:
                lemmas_.append(family[0])
    return {form: tuple(lemmas_) for form, lemmas_ in sorted(found.items())}


FORMS = read_forms(TABLE.read_text(encoding="utf-8"))


def lemmas(folded: str) -> tuple[str, ...]:
    """The lemmas of a folded word by the table: its own line(s), and through every form it ends
    in, also as a participle without its ``ge-`` ("beschreven" → be + schreven → "beschrijven";
    "ondernomen" → onder + genomen; "vergeleken" → verge + leken → "vergelijken", beside the
    wrong "verlijken": a root too many finds a page more, never one less); () for a word the
    table does not know."""
    found = list(FORMS.get(folded, ()))
    for cut in range(SHORTEST_HEAD, len(folded) - SHORTEST + 1):
        head, tail = folded[:cut], folded[cut:]
        for lemma in (*FORMS.get(tail, ()), *FORMS.get("ge" + tail, ())):
            if head + lemma not in found:
                found.append(head + lemma)
    return tuple(found)


@cache
def roots(word: str) -> tuple[str, ...]:
    """Every root of one word: its own (:func:`root`, if it has one; also with a ``ge-`` in front
    kept: "gebouwen" is a plural, not a participle), then its lemmas' roots (or the lemma
    itself when it is too short to have one: "ei")."""
    found = [r for r in dict.fromkeys((root(word), root(word, participle=False))) if r]
    w = fold(word)
    if w.isalpha():
        for lemma in lemmas(w):
            if (r := root(lemma) or lemma) not in found:
                found.append(r)
    return tuple(found)
