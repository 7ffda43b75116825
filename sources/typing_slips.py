"""Whether a name as written is a typing slip away from a known one.

A column header that is not a known column but nearly is (`RF07`), and an
unknown province or programme (`RR04`, `RR06`), are answered with the known
name the submitter probably meant. "Nearly" is one rule, here, used by the
readers in Python and by the rules in SQL (`typing_slip_edits`, registered by
warehouse/sql_functions.py):

- both texts are compared as a reader sees them (`comparable_text`), so the
  same text typed another way is no slip at all but the same name;
- a slip is at least one and at most one edit (a character inserted, deleted
  or replaced) in every five characters of the longer text, and one edit for
  texts of three or four characters: `ผู้ประกอบกร` or `entrepreneur` are slips,
  while `ชื่อโครงการ` is another word than `รหัสโครงการ` (four edits in eleven),
  as is `กิจกรรมย่อย` than `กิจกรรม`;
- texts shorter than three characters are never slips: there, one edit makes
  another word.

Edits are counted by RapidFuzz's Levenshtein distance over code points, where
a Thai tone mark or vowel sign is a character of its own, as it is a key of
its own on a Thai keyboard.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from sources.thai import comparable_text

SHORTEST_SLIPPED_TEXT = 3
CHARACTERS_PER_EDIT = 5


def slip_edits(written: str, known: str) -> int | None:
    """The edits that turn `written` into `known` when they are a typing slip
    apart; None when they are the same text or further apart (another word)."""
    written, known = comparable_text(written), comparable_text(known)
    if min(len(written), len(known)) < SHORTEST_SLIPPED_TEXT:
        return None
    allowed = max(1, max(len(written), len(known)) // CHARACTERS_PER_EDIT)
    edits = Levenshtein.distance(written, known, score_cutoff=allowed)
    return edits if 0 < edits <= allowed else None


def closest_known(written: str, known_names: Iterable[str]) -> str | None:
    """The known name `written` is a slip away from, the fewest edits first and,
    at equal edits, the first given; None when it is no slip from any."""
    best: tuple[int, str] | None = None
    for name in known_names:
        edits = slip_edits(written, name)
        if edits is not None and (best is None or edits < best[0]):
            best = (edits, name)
    return best[1] if best else None
