"""Personal one-off survey codes: how they are made, shown and read back when typed.

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I), which gives 50
random bits: far too many to guess, short enough to type from a printed card.
"""

from __future__ import annotations

import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
GROUPS = (4, 4, 2)  # shown as 7KQ4-M9XR-2F
# Typing is forgiving: case, spaces and dashes do not matter.
_IGNORED = str.maketrans("", "", " -\t\u00a0\u2010\u2011\u2012\u2013\u2014")


def new_code() -> str:
    """A fresh random code in its plain form (no dashes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code grouped for reading and typing: 7KQ4-M9XR-2F."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def normalised(typed: str) -> str:
    """What a person typed, as the code it stands for (upper case, no spaces or dashes).

    Anything that cannot be a code comes back as it is (tidied), and simply matches no code.
    """
    return typed.translate(_IGNORED).upper()[: CODE_LENGTH * 4]
