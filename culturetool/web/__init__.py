"""Plain HTTP routes served in front of Reflex.

`backend()` is the one list handed to `rx.App(api_transformer=...)`. Reflex mounts itself at ""
inside the Starlette app, after that app's own routes, so these routes answer first and every
other address falls through to Reflex (reflex/app.py, `App.__call__`). Callables later in the
list wrap what comes before them (ASGI middleware).
"""

from __future__ import annotations

from starlette.applications import Starlette


def backend() -> list:
    from culturetool.web import auth, respondent, socket_tokens, workshop_public
    from culturetool.web.privacy import EventSocketPrivacy, UploadGate, keep_payloads_out_of_logs

    keep_payloads_out_of_logs()
    # Before Reflex makes its event socket: pages outlive a process that dies (several processes).
    socket_tokens.install()
    return [
        Starlette(routes=[*respondent.routes(), *workshop_public.routes(), *auth.routes()]),
        # Outermost last: uploads are refused before their body is read, and the event socket
        # reaches Reflex without cookie, address or browser details.
        EventSocketPrivacy,
        UploadGate,
    ]
