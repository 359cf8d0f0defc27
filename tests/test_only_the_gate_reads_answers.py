"""Answers and comments leave the store by one path only: the anonymity gate.

Any code under culturetool/ that reads the `answer` or `comment` tables (selects their columns,
gets or queries their rows, or names them in raw SQL) outside store/disclosure.py fails this
test, unless it is listed below with the reason it may. Writing a response (constructing
`Answer(...)`) is not reading.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "culturetool"
GATE = PACKAGE / "store" / "disclosure.py"
RAW_SQL_NAMES = (" answer", " comment", '"answer"', '"comment"')

# (module, function) -> why it may read answers or comments.
ALLOWED = {
    ("store/repository.py", "rewrite_in_random_order"): (
        "reads a closing round's rows only to write the same rows back in random order; "
        "it returns nothing"
    ),
}


def _reads(function: ast.AST) -> list[str]:
    """How this function reads answers or comments, in words (empty when it does not)."""
    found = []
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"Answer", "Comment"}
        ):
            found.append(f"{node.value.id}.{node.attr}")
        if isinstance(node, ast.Call):
            callee = node.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            arguments = [a.id for a in node.args if isinstance(a, ast.Name)]
            if name in {"select", "get", "query", "scalars", "delete"} and (
                {"Answer", "Comment"} & set(arguments)
            ):
                found.append(f"{name}({', '.join(arguments)})")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if "select" in text and any(name in text for name in RAW_SQL_NAMES):
                found.append(f"SQL {node.value[:40]!r}")
    return found


def _functions(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def readers_outside_the_gate() -> dict[tuple[str, str], list[str]]:
    readers = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == GATE or "migrations" in path.parts:
            continue  # the gate itself; migrations move whole tables, never show them
        relative = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in _functions(tree):
            how = _reads(function)
            if how:
                readers[relative, function.name] = how
    return readers


def test_no_module_but_the_gate_reads_answers_or_comments():
    unexpected = {
        where: how for where, how in readers_outside_the_gate().items() if where not in ALLOWED
    }
    assert unexpected == {}, (
        f"Only store/disclosure.py may read answers or comments; read them through it: {unexpected}"
    )


def test_every_allowed_reader_still_exists_and_the_check_finds_a_reader():
    readers = readers_outside_the_gate()
    assert set(ALLOWED) <= set(readers), "remove allowances for code that no longer reads"
    source = "def peek(session):\n    return session.scalars(select(Answer.value)).all()\n"
    assert _reads(ast.parse(source)) == ["Answer.value"]
    raw = "def peek(session):\n    return session.execute(text('SELECT text FROM comment'))\n"
    assert _reads(ast.parse(raw))


def test_rounds_and_responses_have_no_attribute_that_leads_to_answers():
    from culturetool.store.tables import AssessmentRound, Response

    assert not hasattr(AssessmentRound, "responses")
    assert not hasattr(Response, "answers")
