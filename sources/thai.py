"""Thai-specific parsing shared by every source: digits, Buddhist-Era periods,
text encodings, how Thai text is compared, and the national id check digit.

The SQL side of the warehouse has twins of some of these (see
`dbt_project/macros/thai.sql`); tests hold the two to the same cases. How
text is compared has none: SQL calls `comparable_text` itself, as
`thai_key` (warehouse/sql_functions.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pythainlp.util import reorder_vowels

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
FIRST_FISCAL_YEAR = 2560


def arabic_digits(text: str) -> str:
    """Thai digits are digits: '๑,๒๓๔' -> '1,234'."""
    return text.translate(_TO_ARABIC)


@dataclass(frozen=True, order=True)
class BEMonth:
    """A month named by its Buddhist-Era year, as submitters write it (`2566-03`)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> BEMonth | None:
        match = re.fullmatch(r"(\d{4})-(\d{2})", arabic_digits(text.strip()))
        if not match:
            return None
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime) -> BEMonth:
        """The Bangkok month a moment falls in."""
        local = moment.astimezone(BANGKOK)
        return cls(local.year + BE_OFFSET, local.month)

    @property
    def fiscal_year(self) -> int:
        # FY runs October-September and is named by the BE year it ends in.
        return self.year + 1 if self.month >= 10 else self.year

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def fiscal_year_of(moment: datetime) -> int:
    return BEMonth.of(moment).fiscal_year


def decode_thai_text(data: bytes) -> str | None:
    """Decode a submitter's text file: UTF-8 (with or without BOM) or cp874.

    Returns None when the bytes are neither, so the caller can reject the file.
    UTF-8 is tried first because valid multi-byte UTF-8 is vanishingly unlikely
    to be an accident, while cp874 accepts most byte strings.
    """
    if b"\x00" in data:
        return None  # UTF-16/32 or binary: neither of the two encodings we accept
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874")
    except UnicodeDecodeError:
        return None


# Characters nobody sees: soft hyphen, zero-width spaces and joiners, direction
# marks and embeddings, word joiners, the byte-order mark. Pasted from web pages
# and word processors, they would make "ลำพูน" differ from "ลำพูน". The SQL
# counterpart is the visible_text macro.
INVISIBLE_CHARACTERS = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_WITHOUT_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE_CHARACTERS))


def visible_text(text: str) -> str:
    """The text as a person sees it: invisible formatting characters removed."""
    return text.translate(_WITHOUT_INVISIBLE)


# Thai's combining marks (Unicode category Mn): the above and below vowels,
# tone marks and signs that stack on a consonant. Typed twice, a mark is drawn
# once, in the same place; a spacing vowel typed twice (นาา) is seen twice.
_DOUBLED_MARK = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1+")
_WHITE_SPACE = re.compile(r"\s+")
_MOST_PASSES = 8


# Names, codes and headers are short; a long text is not kept in the cache,
# whose memory is then bounded by its size.
LONGEST_CACHED_TEXT = 200


def comparable_text(text: str) -> str:
    """Text as a reader sees it, the one form in which the warehouse compares
    text (the contract's "Thai normalisation"): invisible characters removed;
    `ํ` + `า` is `ำ`, `เ` + `เ` is `แ`, a tone mark typed before its vowel is
    put after it (PyThaiNLP's `reorder_vowels`); a combining mark typed twice
    counts once; white space folded and trimmed; case folded.

    Cached: a night compares the same few provinces, codes and headers over and
    over. Text is stored as sent; only comparison goes through here.
    """
    if len(text) > LONGEST_CACHED_TEXT:
        return _comparable_text(text)
    return _cached_comparable_text(text)


def _comparable_text(text: str) -> str:
    if text.isascii():  # no Thai, nothing invisible: numbers, codes, English headers
        return _WHITE_SPACE.sub(" ", text).strip().casefold()
    text = visible_text(text)
    # Undoubling can bring a mark next to the vowel it belongs with (ํ ํ า), and
    # reordering can bring two equal marks together (ุ ่ ุ), or a mark before
    # another vowel: again until nothing moves.
    for _ in range(_MOST_PASSES):
        again = _DOUBLED_MARK.sub(r"\1", reorder_vowels(_DOUBLED_MARK.sub(r"\1", text)))
        if again == text:
            break
        text = again
    return _WHITE_SPACE.sub(" ", text).strip().casefold()


_cached_comparable_text = functools.lru_cache(maxsize=1 << 16)(_comparable_text)


# U+FFFD, C1 controls, and the tell-tale of Thai UTF-8 read as Latin-1/cp1252.
_DAMAGED = re.compile("[\ufffd\u0080-\u009f]|à¸|à¹")


def is_damaged_text(text: str) -> bool:
    return bool(_DAMAGED.search(text))


def thai_id_check_digit_holds(thirteen_digits: str) -> bool:
    """The 13-digit Thai id (person or juristic person) check digit."""
    if not re.fullmatch(r"\d{13}", thirteen_digits):
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(thirteen_digits[:12]))
    return (11 - total % 11) % 10 == int(thirteen_digits[12])
