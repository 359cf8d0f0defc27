"""What the three file-upload pages share (areas and teams, responses, workshop entries): the
refused file's name and reasons worked out in the browser, read back safely on the server, and
an accessible name for rx.upload's own file input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import ArrayVar, ObjectVar


def sent_texts(value: Any) -> list[str]:
    """The text items of a list a browser sent, whatever else it holds."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def refused_files(refused: ArrayVar, refuse_file: Callable[..., EventSpec]) -> EventSpec:
    """Calls `refuse_file(names, reasons)` with each refused file's name and the codes of its
    reasons, worked out in the browser. The refused File objects themselves are never sent:
    the socket would upload all of them, however large."""
    entries = refused.to(ArrayVar, list[dict[str, Any]])
    names = entries.map(lambda entry: entry["file"].to(ObjectVar, dict[str, Any])["name"])
    reasons = entries.map(
        lambda entry: (
            entry["errors"]
            .to(ArrayVar, list[dict[str, Any]])
            .map(lambda error: error["code"])
            .join(" ")
        )
    )
    return refuse_file(names, reasons)


def named_file_input(upload: rx.Component, name: str) -> rx.Component:
    """rx.upload draws its own hidden file input and passes it none of our props; give it an
    accessible name, so that a screen reader that reaches it knows what it is for."""
    zone = upload.children[0]
    file_input = next(c for c in zone.children if c.tag == "input")
    file_input.custom_attrs["aria-label"] = name
    return upload
