"""The ways Thai lets a person type the same visible text, for the tests of
the one normalisation (sources/thai.py `comparable_text`).

A Thai syllable is drawn as a base character with combining marks stacked on
it (above and below vowels, tone marks, signs) and possibly `ำ` after it. The
same drawing comes from the marks typed in another order, `ำ` typed as `ํ` +
`า` (with a tone mark anywhere around the `ํ`), or a tone mark typed after the
`ำ`; and from a mark typed twice or an invisible character typed anywhere.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from hypothesis import strategies as st

from sources.reference import SEEDS_DIR
from sources.regional_reports.table import COLUMNS, PREFERRED_SHEETS
from sources.thai import INVISIBLE_CHARACTERS

SARA_AM, NIKHAHIT, SARA_AA = "\u0e33", "\u0e4d", "\u0e32"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
THAI_CONSONANTS = [chr(c) for c in range(0x0E01, 0x0E2F)]


def is_mark(char: str) -> bool:
    return unicodedata.category(char) == "Mn"


def is_thai(text: str) -> bool:
    return any("\u0e01" <= c <= "\u0e5b" for c in text)


@dataclass(frozen=True)
class Cluster:
    """A base character, the marks stacked on it, and whether `ำ` follows."""

    base: str
    marks: tuple[str, ...]
    sara_am: bool


def clusters(text: str) -> list[Cluster]:
    found: list[list] = []
    for char in text:
        if found and (is_mark(char) or (char == SARA_AM and not found[-1][2])):
            if char == SARA_AM:
                found[-1][2] = True
            else:
                found[-1][1].append(char)
        else:
            found.append([char, [], False])
    return [Cluster(base, tuple(marks), am) for base, marks, am in found]


def cluster_spellings(cluster: Cluster) -> Iterator[str]:
    """Every way to type the cluster so that it looks the same (no doubling, nothing invisible)."""
    seen = set()
    for marks in itertools.permutations(cluster.marks):
        if not cluster.sara_am:
            spellings = [cluster.base + "".join(marks)]
        else:
            spellings = []
            tones = tuple(m for m in marks if m in TONE_MARKS)
            others = tuple(m for m in marks if m not in TONE_MARKS)
            for before, after in ((marks, ()), (others, tones)):  # a tone mark typed before or after the ำ
                spellings.append(cluster.base + "".join(before) + SARA_AM + "".join(after))
                for i in range(len(before) + 1):  # ํ anywhere among the marks, then า
                    spellings.append(cluster.base + "".join(before[:i]) + NIKHAHIT + "".join(before[i:]) + SARA_AA + "".join(after))
        for spelling in spellings:
            if spelling not in seen:
                seen.add(spelling)
                yield spelling


def every_spelling(text: str) -> Iterator[str]:
    """Every way to type `text` that looks the same, cluster by cluster (a finite set)."""
    for parts in itertools.product(*(list(cluster_spellings(c)) for c in clusters(text))):
        yield "".join(parts)


@st.composite
def typed_as_people_do(draw, text: str) -> str:
    """`text` as someone may type it: each cluster spelt any way that looks the
    same, some marks typed twice, invisible characters anywhere."""
    typed = ""
    for cluster in clusters(text):
        spelling = draw(st.sampled_from(list(cluster_spellings(cluster))))
        for char in spelling:
            typed += char * (2 if is_mark(char) and draw(st.booleans()) else 1)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(typed)))
        typed = typed[:at] + draw(st.sampled_from(INVISIBLE_CHARACTERS)) + typed[at:]
    return typed


@st.composite
def visibly_different(draw, text: str) -> str:
    """`text` with one change a reader sees: a consonant replaced by another,
    a character or mark left out, a spacing vowel typed twice, a tone mark
    replaced by another."""
    places = [i for i, c in enumerate(text) if "\u0e01" <= c <= "\u0e4e"]
    at = draw(st.sampled_from(places))
    char = text[at]
    changes = ["leave out"]
    if char in THAI_CONSONANTS:
        changes.append("another consonant")
    if char in (SARA_AA, "\u0e30", SARA_AM):
        changes.append("twice")
    if char in TONE_MARKS:
        changes.append("another tone mark")
    change = draw(st.sampled_from(changes))
    if change == "another consonant":
        replacement = draw(st.sampled_from([c for c in THAI_CONSONANTS if c != char]))
    elif change == "another tone mark":
        replacement = draw(st.sampled_from([c for c in TONE_MARKS if c != char]))
    elif change == "twice":
        replacement = char + char
    else:
        replacement = ""
    return text[:at] + replacement + text[at + 1 :]


def _seed_column(name: str, column: str) -> list[str]:
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle) if row[column]]


def reference_thai_texts() -> list[str]:
    """Every Thai string of the reference data and the contract's headers and sheet names."""
    texts = [
        *_seed_column("provinces.csv", "name_th"), *_seed_column("provinces.csv", "abbr_th"),
        *_seed_column("programs.csv", "name_th"), *_seed_column("province_aliases.csv", "alias"),
        *_seed_column("estates.csv", "name_th"), *_seed_column("regions.csv", "name_th"),
        *(names[0] for names in COLUMNS.values()), *PREFERRED_SHEETS,
    ]  # fmt: skip
    return sorted({t for t in texts if is_thai(t)})


CONTRACT_HEADERS = [(canonical, name) for canonical, names in COLUMNS.items() for name in (canonical, *names)]
