"""Rules for text that people type: trimmed, not empty, not too long, no control characters."""

from __future__ import annotations

import unicodedata

from culturetool.domain.errors import InputProblem


def clean_name(raw: str | None, what: str, max_length: int) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise InputProblem(f"Please give the {what} a name.")
    if len(text) > max_length:
        raise InputProblem(
            f"The {what} name is {len(text)} characters long; please keep it to {max_length}."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text):
        raise InputProblem(
            f"The {what} name contains characters that cannot be shown; please retype it."
        )
    return text
