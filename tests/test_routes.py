"""Page addresses come from ui/routes.py alone: its builders match the patterns the app
declares, and no service or report writes an address of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from culturetool.ui import routes

PACKAGE = Path(__file__).resolve().parent.parent / "culturetool"


def filled(pattern: str, value: str) -> str:
    return re.sub(r"\[[a-z_]+\]", value, pattern)


def test_builders_make_the_declared_routes():
    assert routes.team_page(7) == filled(routes.TEAM_PAGE, "7")
    assert routes.round_results(7) == filled(routes.ROUND_RESULTS, "7")
    assert routes.area_results(7) == filled(routes.AREA_RESULTS, "7")
    assert routes.team_plan(7) == filled(routes.TEAM_PLAN, "7")
    assert routes.area_plan(7) == filled(routes.AREA_PLAN, "7")
    assert routes.team_recommendations(7) == filled(routes.TEAM_RECOMMENDATIONS, "7")
    assert routes.area_recommendations(7) == filled(routes.AREA_RECOMMENDATIONS, "7")
    assert routes.targets_for("area", 7) == "/targets?scope=area:7"


def test_a_suggestion_link_carries_only_ids():
    link = routes.plan_with_suggestion("team", 3, "digital-champions", "b2", ["c1", "c4"])
    assert link == "/teams/3/plan?intervention=digital-champions&bundle=b2&conditions=c1%2Cc4"
    assert (
        routes.plan_with_suggestion("area", 2, "i", "b", [])
        == "/areas/2/plan?intervention=i&bundle=b"
    )


def test_every_declared_page_uses_a_route_constant():
    tree = ast.parse((PACKAGE / "culturetool.py").read_text(encoding="utf-8"))
    pages = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "add_page"
    ]
    assert pages
    for call in pages:
        route = next(k.value for k in call.keywords if k.arg == "route")
        assert isinstance(route, ast.Attribute) and ast.unparse(route.value) == "routes", (
            ast.unparse(call)
        )


def test_no_service_or_report_writes_a_page_address():
    prefixes = ("/teams", "/rounds", "/areas", "/admin", "/targets", "/account", "/sign-in")
    found = []
    for folder in ("services", "reports"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and text.startswith(prefixes):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {text!r}")
    assert found == []
