"""Rules for text that people type: trimmed, not empty, not too long, no control characters."""

from __future__ import annotations

import unicodedata

from culturetool.domain.errors import InputProblem


def _has_hidden_characters(text: str, allowed: str = "") -> bool:
    """Control, format (such as a right-to-left override) or surrogate characters, which can
    make text read differently from what it says or not show at all."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in allowed for ch in text)


def clean_line(raw: str | None, what: str, max_length: int, empty: str) -> str:
    """One line of text: runs of spaces and line breaks become one space; `empty` is the message
    when nothing is left. `what` names the text in messages ("action", "team name")."""
    text = " ".join((raw or "").split())
    if not text:
        raise InputProblem(empty)
    if len(text) > max_length:
        raise InputProblem(
            f"The {what} is {len(text):,} characters long; please keep it to {max_length:,}."
        )
    if _has_hidden_characters(text):
        raise InputProblem(
            f"The {what} contains characters that cannot be shown; please retype it."
        )
    return text


def clean_name(raw: str | None, what: str, max_length: int) -> str:
    return clean_line(raw, f"{what} name", max_length, f"Please give the {what} a name.")


def _paragraphs(raw: str | None) -> str:
    """Trimmed, line breaks kept (as "\n"), spaces at the ends of lines dropped."""
    text = "\n".join(line.rstrip() for line in (raw or "").replace("\r\n", "\n").split("\n"))
    return text.strip()


def clean_email(raw: str | None) -> str:
    """A plausible email address, lower-cased. Delivery is not checked: invitations are links."""
    address = (raw or "").strip().lower()
    if not address:
        raise InputProblem("Please give an email address.")
    if len(address) > 254:
        raise InputProblem("That email address is too long (254 characters at most).")
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in address):
        raise InputProblem(f"“{address}” does not look like an email address; please check it.")
    if _has_hidden_characters(address):
        raise InputProblem("The email address contains characters that cannot be used.")
    return address


def encodable(text: str) -> bool:
    """False for strings no database or hash can take: lone surrogates from broken input, and
    the NUL character, which PostgreSQL's text refuses (SQLite would store it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_comment(raw: str | None, max_length: int) -> str:
    """A respondent's optional comment: trimmed, line breaks kept, invisible characters refused.

    Empty means no comment. Format characters (Cf) such as a right-to-left override are refused
    because they can make a comment read differently from what it says.
    """
    text = _paragraphs(raw)
    if len(text) > max_length:
        raise InputProblem(
            f"Your comment is {len(text):,} characters long; please shorten it to {max_length:,}."
        )
    if _has_hidden_characters(text, "\n\t"):
        raise InputProblem(
            "Your comment contains characters that cannot be shown; please retype it."
        )
    return text


def clean_notes(raw: str | None, max_length: int) -> str:
    """Optional notes (on an action): trimmed, line breaks kept, invisible characters refused.
    Empty means no notes."""
    text = _paragraphs(raw)
    if len(text) > max_length:
        raise InputProblem(
            f"The notes are {len(text):,} characters long; please shorten them to {max_length:,}."
        )
    if _has_hidden_characters(text, "\n\t"):
        raise InputProblem("The notes contain characters that cannot be shown; please retype them.")
    return text


def same_site_path(raw: str | None) -> str:
    """Where to go after signing in: only a path on this site, "/" for anything else.

    Never another site ("//host", "https://host", "/\\host" which some browsers read as
    "//host"), and no control characters that could split a Location header.
    """
    if (
        raw
        and raw.startswith("/")
        and not raw.startswith("//")
        and "\\" not in raw
        and all(ch.isprintable() for ch in raw)
    ):
        return raw
    return "/"
