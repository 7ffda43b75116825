"""Text that leaves the warehouse for people's inboxes, cleaned of personal values.

An alert quotes a failed step's error, and an error may quote a value from a
row. Natural persons' ids are found with the same pattern the GX suites scan
the published tables with (sources/pii.NATURAL_PERSON_ID); contacts (e-mail
addresses, Thai phone numbers) never leave the internal warehouse either.
"""

import re

from sources.pii import NATURAL_PERSON_ID

REMOVED = "[ลบข้อมูลส่วนบุคคล · personal value removed]"

# Not part of a longer run of digits: a 14-digit factory id or a figure is not a person.
_PERSON_ID = re.compile(rf"(?<![0-9]){NATURAL_PERSON_ID}(?![0-9])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![0-9])0[0-9]{1,2}-?[0-9]{3}-?[0-9]{3,4}(?![0-9])")


def redact_personal(text: str) -> str:
    for pattern in (_PERSON_ID, _EMAIL, _PHONE):
        text = pattern.sub(REMOVED, text)
    return text
