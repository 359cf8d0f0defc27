"""How the questionnaire's statements are split into pages: as few pages as hold at most
MOST_PER_PAGE each, and the statements shared out evenly between them, so that no page is left
with one or two statements while the others have six (37 statements: 6, 6, 5, 5, 5, 5, 5)."""

from __future__ import annotations

MOST_PER_PAGE = 6


def page_count(statements: int, most_per_page: int = MOST_PER_PAGE) -> int:
    """How many pages the statements need; one page even for none (it holds the comment)."""
    return max(1, -(-statements // most_per_page))


def page_of_each(statements: int, most_per_page: int = MOST_PER_PAGE) -> list[int]:
    """The page (from 0) of each statement in order. Page sizes differ by one at most, the
    larger ones first."""
    pages = page_count(statements, most_per_page)
    smaller, larger_pages = divmod(statements, pages)
    placed: list[int] = []
    for page in range(pages):
        placed += [page] * (smaller + (1 if page < larger_pages else 0))
    return placed
