"""Signing in and out as plain HTTP, so the session cookie is the server's alone.

The cookie is set here, HttpOnly (no page script can read it), SameSite=Strict, and Secure
whenever the request came over HTTPS. Passwords reach this module in a native form POST and
never pass through a Reflex event or state. A Reflex page that has just signed someone in (an
accepted invitation) sends the browser to /auth/ticket/<ticket> with a one-off ticket instead.

Every POST here must come from a page of this site (Origin, or else Referer), so another site
cannot sign a visitor in or out (login CSRF).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from culturetool.config import public_base_url
from culturetool.domain.text import same_site_path
from culturetool.services import accounts
from culturetool.web.privacy import SESSION_COOKIE

SIGN_IN_PAGE = "/sign-in"
MAX_FORM_BYTES = 8 * 1024  # an email, a password of at most 200 characters and a path
SESSION_MAX_AGE = int(accounts.SESSION_LIFETIME.total_seconds())


def _trust_proxy() -> bool:
    return os.environ.get("CULTURETOOL_TRUST_PROXY", "") == "1"


def came_over_https(request: Request) -> bool:
    if public_base_url().startswith("https:"):
        return True
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return _trust_proxy() and forwarded == "https"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _this_site(request: Request) -> set[str]:
    host = request.headers.get("host", "").lower()
    scheme = "https" if came_over_https(request) else request.url.scheme
    sites = {f"{scheme}://{host}", f"{request.url.scheme}://{host}"}
    if public_base_url():
        sites.add(_origin_of(public_base_url()))
    return sites


def from_this_site(request: Request) -> bool:
    """The POST came from one of this site's pages: Origin if the browser sent it, else Referer."""
    origin = request.headers.get("origin")
    if origin is None:
        origin = _origin_of(request.headers.get("referer", ""))
    return bool(origin) and origin.lower() in _this_site(request)


def _not_from_this_site() -> Response:
    return PlainTextResponse(
        "This form was not sent from a culturetool page. Open the sign-in page and try again.",
        status_code=403,
    )


def _see_other(path: str) -> RedirectResponse:
    response = RedirectResponse(path, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in(request: Request, token: str, to: str) -> Response:
    response = _see_other(to)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        path="/",
        secure=came_over_https(request),
        httponly=True,
        samesite="strict",
    )
    return response


def _signed_out(request: Request) -> Response:
    response = _see_other(SIGN_IN_PAGE)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=came_over_https(request),
        httponly=True,
        samesite="strict",
    )
    return response


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded form, one value per field; None when it is too long or cut off."""
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_FORM_BYTES:
        return None
    try:
        body = await request.body()
    except ClientDisconnect:
        return None
    if len(body) > MAX_FORM_BYTES:
        return None
    fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    return {name: values[-1] for name, values in fields.items()}


def sign_in_refused_path(refusal: accounts.SignInRefused, next_path: str) -> str:
    query: dict[str, str | int] = (
        {"locked": refusal.locked_minutes} if refusal.locked_minutes else {"refused": 1}
    )
    if next_path != "/":
        query["next"] = next_path
    return f"{SIGN_IN_PAGE}?{urlencode(query)}"


async def sign_in(request: Request) -> Response:
    if not from_this_site(request):
        return _not_from_this_site()
    form = await _form(request)
    if form is None:
        return _see_other(f"{SIGN_IN_PAGE}?refused=1")
    next_path = same_site_path(form.get("next"))
    try:
        signed = await run_in_threadpool(
            accounts.sign_in, form.get("email", ""), form.get("password", "")
        )
    except accounts.SignInRefused as refusal:
        return _see_other(sign_in_refused_path(refusal, next_path))
    return _signed_in(request, signed.token, next_path)


async def sign_out(request: Request) -> Response:
    if not from_this_site(request):
        return _not_from_this_site()
    await run_in_threadpool(accounts.sign_out, request.cookies.get(SESSION_COOKIE))
    return _signed_out(request)


async def spend_ticket(request: Request) -> Response:
    """GET /auth/ticket/<ticket>: a one-off ticket from a Reflex page becomes the cookie."""
    signed = await run_in_threadpool(accounts.spend_ticket, request.path_params["ticket"])
    if signed is None:
        return _see_other(f"{SIGN_IN_PAGE}?ticket=expired")
    return _signed_in(request, signed.token, "/")


def routes() -> list[Route]:
    return [
        Route("/auth/sign-in", sign_in, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
        Route("/auth/ticket/{ticket}", spend_ticket, methods=["GET"]),
    ]
