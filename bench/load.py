"""Load test of the scaled mode (issue 14): crowds of 300 people open the survey link, answer
and send, through nginx in front of two app processes (`culturetool serve --workers 2`), on
PostgreSQL and Redis, on loopback only.

Two crowds, one after the other, each with rounds of its own:
- answering together (the target, p95 under 250 ms): the 300 open the link at random moments
  of 30 s and think for up to 60 s, so all of them are answering at the same time, as when
  every team is shown the QR code in the same staff briefing;
- all at once (a stress figure): 300 more open the link at the same instant and send within
  2 s. Nothing real does this; it shows what the two cores can take at most, and the
  submissions per second set against the floor.

Why HTTP and not websocket events: the respondent's questionnaire is plain HTTP on purpose
(culturetool/web/respondent.py). No Reflex state, socket or client token exists for a
respondent; the page keeps the answers in the browser and sends them all at once in one form
POST with a submission key. So the events a browser sends are exactly these, and this bench
sends them as a browser does: GET /r/{token} (the questionnaire), GET each of the page's files
under /respondent-assets/ (a new browser has none cached), a short random think time, then
POST /r/{token} with the form's fields taken from the page's HTML (its submission key, one
choice per statement, the empty comment). About 5% of the people send the same form again once
it was acknowledged (a double click, a retry), which must save nothing more.

Each simulated person has a browser of its own: its own User-Agent and its own loopback address
(127.0.0.0/8 all reaches this machine), as the app limits sends per browser and per network
address (services/responding.py SenderLimits); 15 teams of 20 staff, each with an open-link
round, take the 300 (a round takes no more answers than its team has staff).

It prints, for each crowd and each kind of request, p50, p95 and max latency as the client saw
it (this process shares the two cores with nginx, the app and PostgreSQL, so its own work is
in the figures), and the submissions per second from the first POST to the last answer
acknowledged; then the exactly-once check over both crowds (the rows in `response` and the
submission receipts of their rounds against the acknowledged submissions); then the floor:
the same submissions written straight to PostgreSQL as bare inserts (a response row and its
answer rows, one transaction each, one after another on one connection), its rate and the
ratio of the all-at-once crowd's rate to it. Timings are
measured and printed, never asserted.

Run with `.venv/bin/python bench/load.py` (or `make bench`); `--help` for the options. It
needs nginx, Redis at 127.0.0.1:6379 (database 12 by default, --redis-db) and PostgreSQL at
127.0.0.1:5432 (a schema of its own, dropped at the end). Every process it starts is stopped
at the end, on Ctrl-C and on failure too.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import math
import os
import random
import re
import secrets
import signal
import ssl
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

POSTGRES_URL = os.environ.get(
    "CULTURETOOL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BUN = PROJECT_ROOT / ".tools" / "node_modules" / "bun" / "bin" / "bun.exe"
SENT_MARK = 'data-view="sent"'
EVENTS = ("GET questionnaire", "GET asset", "POST answers", "POST again (same key)")


# ---- the page's form, read as a browser reads it ---------------------------------------------


@dataclass
class FormPage:
    """What a browser needs from the questionnaire page to send it."""

    action: str = ""
    hidden: list[tuple[str, str]] = field(default_factory=list)
    # Each statement's radio group, in page order, with the values it offers.
    choices: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # textareas and text inputs, by name
    assets: list[str] = field(default_factory=list)  # the page's files (stylesheet, script, icon)

    @property
    def submission_key(self) -> str:
        return next((value for name, value in self.hidden if name == "submission_key"), "")


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = FormPage()
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "link" and found.get("rel") in ("stylesheet", "icon") and found.get("href"):
            self.page.assets.append(found["href"])
        elif tag == "script" and found.get("src"):
            self.page.assets.append(found["src"])
        elif tag == "form" and found.get("id") == "questionnaire":
            self._in_form = True
            self.page.action = found.get("action", "")
        elif self._in_form and tag in ("input", "textarea") and found.get("name"):
            name, kind = found["name"], found.get("type", "text")
            if tag == "textarea" or kind == "text":
                self.page.texts.append(name)
            elif kind == "hidden":
                self.page.hidden.append((name, found.get("value", "")))
            elif kind == "radio":
                self.page.choices.setdefault(name, []).append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


_SUBMISSION_KEY = re.compile(r'(name="submission_key" value=")([^"]*)(")')
_forms_read: dict[str, FormPage] = {}


def read_form(html: str) -> FormPage:
    """The page's form. The pages of one round differ only in their submission key, so a page
    seen before but for its key is not parsed again (this process shares the two cores with
    the servers; a real browser is on a machine of its own)."""
    key = _SUBMISSION_KEY.search(html)
    if key is None:
        return _parsed_form(html)
    blanked = _SUBMISSION_KEY.sub(r"\1\3", html, count=1)
    known = _forms_read.get(blanked)
    if known is None:
        known = _forms_read[blanked] = _parsed_form(html)
    hidden = [(n, key[2] if n == "submission_key" else v) for n, v in known.hidden]
    return replace(known, hidden=hidden)


def _parsed_form(html: str) -> FormPage:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    if not reader.page.action or not reader.page.choices:
        raise ValueError("the page has no questionnaire form")
    return reader.page


def form_fields(page: FormPage, rng: random.Random) -> list[tuple[str, str]]:
    """The fields a browser posts for this page, in the page's order: the hidden fields, one
    chosen value for every statement, and the text fields left empty."""
    fields = list(page.hidden)
    fields += [(name, rng.choice(values)) for name, values in page.choices.items()]
    fields += [(name, "") for name in page.texts]
    return fields


# ---- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95 for p95): the smallest value with at least that
    share of the values at or below it."""
    if not values:
        raise ValueError("no values")
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Accounting:
    acknowledged: int
    stored: int
    problems: list[str]

    @property
    def exactly_once(self) -> bool:
        return not self.problems


def key_hash(key: str) -> str:
    """As the app stores a submission key (store/repository.py hash_submission_key)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def account(
    acknowledged: Mapping[int, Iterable[str]],
    responses: Mapping[int, int],
    receipts: Mapping[int, Iterable[str]],
    answers: Mapping[int, int],
    items: int,
) -> Accounting:
    """Whether every acknowledged submission is stored once and nothing else is. `acknowledged`:
    each round's submission keys the app answered with its thank-you page; `responses`, `receipts`
    (key hashes) and `answers`: what the database holds, by round."""
    problems = []
    expected = {round_id: set(keys) for round_id, keys in acknowledged.items()}
    rounds = set(expected) | set(responses) | set(receipts) | set(answers)
    stored = 0
    for round_id in sorted(rounds):
        keys = expected.get(round_id, set())
        held = responses.get(round_id, 0)
        stored += held
        if held != len(keys):
            problems.append(f"round {round_id}: {len(keys)} acknowledged, {held} stored")
        hashes = list(receipts.get(round_id, ()))
        if len(hashes) != len(set(hashes)):
            problems.append(f"round {round_id}: a submission key is stored twice")
        wanted = {key_hash(key) for key in keys}
        if set(hashes) != wanted:
            missing, extra = len(wanted - set(hashes)), len(set(hashes) - wanted)
            problems.append(
                f"round {round_id}: receipts differ ({missing} acknowledged keys missing, "
                f"{extra} not acknowledged)"
            )
        if answers.get(round_id, 0) != held * items:
            problems.append(
                f"round {round_id}: {answers.get(round_id, 0)} answer rows for {held} responses "
                f"of {items} statements"
            )
    total = sum(len(keys) for keys in expected.values())
    return Accounting(total, stored, problems)


# ---- the simulated people --------------------------------------------------------------------


@dataclass
class Person:
    number: int
    token: str
    round_id: int
    retries: bool  # sends the acknowledged form once more


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    repeats_acknowledged: int = 0
    first_start: float = math.inf  # when the first page was asked for
    first_post: float = math.inf
    last_acknowledged: float = 0.0

    def submission_rate(self, acknowledged: int) -> float:
        """Acknowledged submissions per second, from the first POST sent to the last answered."""
        span = self.last_acknowledged - self.first_post
        return acknowledged / span if span > 0 else 0.0


async def _timed(outcome: Outcome, event: str, request):
    started = time.perf_counter()
    outcome.first_start = min(outcome.first_start, started)
    reply = await request
    outcome.latencies[event].append(time.perf_counter() - started)
    return reply


def _local_address(number: int) -> str:
    """A loopback address of this person's own (127.0.0.1 is left to the servers)."""
    n = number + 2
    return f"127.{n // 62500 % 250 + 1}.{n // 250 % 250}.{n % 250 + 1}"


def browser_of(person: Person, base: str, tls):
    """The person's own browser: their address and User-Agent. Made before the crowd sets off,
    as a browser exists before its owner opens the link: made inside the crowd, 300 of them
    (about 3 ms of this process's CPU each) would hold up every request already sent, and the
    wait would be counted as the app's."""
    import httpx

    # One TLS context for all (never used on plain HTTP): httpx makes a new one for each
    # transport otherwise, about 40 ms of this process's CPU each, reading the CA bundle.
    transport = httpx.AsyncHTTPTransport(local_address=_local_address(person.number), verify=tls)
    headers = {"User-Agent": f"culturetool-load-bench browser {person.number}"}
    return httpx.AsyncClient(base_url=base, transport=transport, headers=headers, timeout=30)


async def respond(
    person: Person, browser, base: str, outcome: Outcome, think: float, arrival: float
) -> None:
    import httpx

    rng = random.Random(person.number)
    await asyncio.sleep(arrival)
    async with browser as client:
        try:
            page = await _timed(outcome, "GET questionnaire", client.get(f"/r/{person.token}"))
            if page.status_code != 200:
                outcome.failures[f"GET questionnaire {page.status_code}"] += 1
                return
            form = read_form(page.text)
            for address in form.assets:
                got = await _timed(outcome, "GET asset", client.get(address))
                if got.status_code != 200:
                    outcome.failures[f"GET asset {got.status_code}"] += 1
            await asyncio.sleep(rng.uniform(0, think))
            body = urlencode(form_fields(form, rng)).encode()
            form_type = {"Content-Type": "application/x-www-form-urlencoded"}
            action = urljoin(f"{base}/r/{person.token}", form.action)
            outcome.first_post = min(outcome.first_post, time.perf_counter())
            for attempt in ("POST answers", "POST again (same key)"):
                sent = await _timed(
                    outcome, attempt, client.post(action, content=body, headers=form_type)
                )
                if sent.status_code != 200 or SENT_MARK not in sent.text:
                    outcome.failures[f"{attempt} {sent.status_code}"] += 1
                    return
                if attempt == "POST answers":
                    outcome.acknowledged[person.round_id].add(form.submission_key)
                    outcome.last_acknowledged = max(outcome.last_acknowledged, time.perf_counter())
                else:
                    outcome.repeats_acknowledged += 1
                if not person.retries:
                    break
        except (httpx.HTTPError, ValueError) as problem:
            outcome.failures[type(problem).__name__] += 1


async def crowd_of(
    people: list[Person], base: str, think: float, spread: float, limit: float
) -> Outcome:
    """Everyone at once (spread 0), or each person opening the link at a random moment of the
    first `spread` seconds."""
    outcome = Outcome()
    arrivals = random.Random(11)
    tls = ssl.create_default_context()
    browsers = [browser_of(p, base, tls) for p in people]
    tasks = [
        asyncio.create_task(respond(p, browser, base, outcome, think, arrivals.uniform(0, spread)))
        for p, browser in zip(people, browsers, strict=True)
    ]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    if pending:
        outcome.failures["not finished within the time limit"] += len(pending)
        await asyncio.gather(*pending, return_exceptions=True)
    return outcome


async def one_at_a_time(people: list[Person], base: str) -> Outcome:
    """People one after another with no think time: each request's time with no queue."""
    outcome = Outcome()
    tls = ssl.create_default_context()
    for person in people:
        await respond(person, browser_of(person, base, tls), base, outcome, 0.0, 0.0)
    return outcome


def warm_up(backend_ports: list[int], tokens: list[str]) -> None:
    """Each app process shows every round's page once, as a server that has been running
    has: its first requests read the round's model and open database connections."""
    import httpx

    for port in backend_ports:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for token in tokens:
                client.get(f"/r/{token}").raise_for_status()


# ---- setting up, the database's view, the floor ----------------------------------------------


def set_up(url: str, staff: list[int]) -> list[tuple[int, str]]:
    """An organisation, a team of each staff count and an open-link round each; the rounds'
    (id, token)."""
    from culturetool.domain.access import Actor, Role
    from culturetool.services import accounts, responding
    from culturetool.services.organisation import add_area, add_team

    password = secrets.token_urlsafe(16)
    accounts.create_administrator("bench@bench.example", "Bench Admin", password, "Bench County")
    admin = accounts.sign_in("bench@bench.example", password).actor
    area = add_area(admin, "Load bench area")
    team_ids = [add_team(admin, area, f"Team {n + 1:02d}") for n in range(len(staff))]
    manager = Actor(admin.user_id, admin.organisation_id, Role.MANAGER, admin.name,
                    frozenset(team_ids))  # fmt: skip
    rounds = []
    for team_id, count in zip(team_ids, staff, strict=True):
        opened = responding.open_round(manager, team_id, access_mode="link", staff_count=count)
        assert opened.round.token is not None
        rounds.append((opened.round.id, opened.round.token))
    return rounds


def stored(url: str, round_ids: list[int]):
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            responses = dict(connection.execute(sa.text(
                "SELECT round_id, count(*) FROM response GROUP BY round_id")).all())  # fmt: skip
            answers = dict(connection.execute(sa.text(
                "SELECT r.round_id, count(*) FROM answer a JOIN response r ON r.id = a.response_id "
                "GROUP BY r.round_id")).all())  # fmt: skip
            receipts: dict[int, list[str]] = defaultdict(list)
            for round_id, hashed in connection.execute(
                sa.text("SELECT round_id, key_hash FROM submission_receipt")
            ):
                receipts[round_id].append(hashed)
    finally:
        engine.dispose()
    unknown = (set(responses) | set(receipts)) - set(round_ids)
    return responses, receipts, answers, unknown


def floor_rate(url: str, round_id: int, items: list[str], count: int) -> float:
    """The same number of submissions as bare inserts straight to PostgreSQL: a response row and
    its answer rows (one executemany), one transaction each, one after another on one
    connection. Submissions per second."""
    import psycopg
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    options = parsed.query.get("options")
    rng = random.Random(7)
    people = [[(i, rng.choice([None, 1, 2, 3, 4, 5])) for i in items] for _ in range(count)]
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database,
        options=options if isinstance(options, str) else None,
    ) as connection:  # fmt: skip
        started = time.perf_counter()
        for answers in people:
            with connection.transaction(), connection.cursor() as cursor:
                response_id = uuid.uuid4().hex
                cursor.execute(
                    "INSERT INTO response (id, round_id) VALUES (%s, %s)", (response_id, round_id)
                )
                cursor.executemany(
                    "INSERT INTO answer (response_id, item_id, value) VALUES (%s, %s, %s)",
                    [(response_id, item, value) for item, value in answers],
                )
        return count / (time.perf_counter() - started)


# ---- the run ---------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def latency_table(outcome: Outcome) -> None:
    print(f"{'request':<24}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for event in EVENTS:
        values = outcome.latencies.get(event, [])
        if values:
            print(f"{event:<24}{len(values):>7}{_ms(percentile(values, 0.5)):>9}"
                  f"{_ms(percentile(values, 0.95)):>9}{_ms(max(values)):>9}")  # fmt: skip
    every = [v for values in outcome.latencies.values() for v in values]
    if every:
        print(f"{'every request':<24}{len(every):>7}{_ms(percentile(every, 0.5)):>9}"
              f"{_ms(percentile(every, 0.95)):>9}{_ms(max(every)):>9}")  # fmt: skip


def report(outcome: Outcome, people: int) -> None:
    latency_table(outcome)
    crowd_acknowledged = sum(len(keys) for keys in outcome.acknowledged.values())
    span = outcome.last_acknowledged - outcome.first_start
    posting = outcome.last_acknowledged - outcome.first_post
    print(f"{crowd_acknowledged} of {people} submissions acknowledged, "
          f"{span:.1f} s from the first page opened to the last answer acknowledged; "
          f"{outcome.submission_rate(crowd_acknowledged):.1f} submissions per second "
          f"from the first POST to the last acknowledged ({posting:.1f} s)")  # fmt: skip
    print(f"repeated POSTs of acknowledged forms: {outcome.repeats_acknowledged}, each answered "
          "with the thank-you page")  # fmt: skip
    for what, count in sorted(outcome.failures.items()):
        print(f"failed: {what}: {count}")


def exactly_once(accounting: Accounting, unknown: set[int]) -> None:
    if unknown:
        accounting.problems.append(f"rows in rounds the bench did not open: {sorted(unknown)}")
    verdict = "yes" if accounting.exactly_once else "NO"
    print(f"exactly once: {verdict} ({accounting.acknowledged} acknowledged in all, both "
          f"crowds' and those sent one at a time; {accounting.stored} responses stored; "
          "receipts and answer rows checked)")  # fmt: skip
    for problem in accounting.problems:
        print(f"  {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300, help="in each crowd")
    parser.add_argument("--teams", type=int, default=15, help="open-link rounds per crowd")
    parser.add_argument("--workers", type=int, default=2, help="app processes behind nginx")
    parser.add_argument(
        "--spread",
        type=float,
        default=30.0,
        help="the crowd answering together opens the link at random moments of this many s",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=60.0,
        help="its think time, random between 0 and this (s): longer than the spread, so "
        "everyone is answering at once",
    )
    parser.add_argument(
        "--burst-think",
        type=float,
        default=2.0,
        help="the think time of the crowd that opens the link all at once (s)",
    )
    parser.add_argument("--no-burst", action="store_true", help="leave out the second crowd")
    parser.add_argument(
        "--retry-share",
        type=float,
        default=0.05,
        help="share of people who send their acknowledged form again",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=150.0,
        help="each crowd's whole run is stopped after this (s)",
    )
    parser.add_argument(
        "--alone",
        type=int,
        default=20,
        help="people sent one at a time first, for the time of a request with no queue",
    )
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument(
        "--run-dir",
        default="",
        help="nginx's files and the built pages (a new temporary folder if unset)",
    )
    parser.add_argument(
        "--no-build", action="store_true", help="serve the pages built last time in --run-dir"
    )
    args = parser.parse_args()

    def interrupted(*_) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    os.environ.update(
        CULTURETOOL_MODEL_DIR=str(PROJECT_ROOT / "model"),
        REFLEX_REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        REFLEX_BUN_PATH=str(BUN),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
    )
    import sqlalchemy as sa

    from culturetool.scaled import ScaledApp, free_port
    from culturetool.services.model_provider import current_model
    from culturetool.store import db
    from culturetool.store.migrate import upgrade

    schema = f"load_bench_{uuid.uuid4().hex[:12]}"
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    scaled = None
    with tempfile.TemporaryDirectory(prefix="culturetool-load-") as temporary:
        try:
            os.environ["CULTURETOOL_DB_URL"] = url
            upgrade(url)
            staff = math.ceil(args.people / args.teams)
            crowds = 1 if args.no_burst else 2
            # Each crowd's rounds (a round takes no more answers than its team has staff),
            # then one for the people who come one at a time.
            rounds = set_up(url, [staff] * args.teams * crowds + [max(args.alone, 5)])
            alone_round = rounds.pop()
            items = [item.id for item in current_model().questionnaire.items]
            every = round(1 / args.retry_share) if args.retry_share else 0

            def people_of(crowd: int) -> list[Person]:
                own = rounds[crowd * args.teams : (crowd + 1) * args.teams]
                return [
                    Person(crowd * args.people + n, own[n % len(own)][1], own[n % len(own)][0],
                           retries=bool(every) and n % every == 0)
                    for n in range(args.people)
                ]  # fmt: skip

            alone = [Person(crowds * args.people + n, alone_round[1], alone_round[0],
                            retries=False) for n in range(args.alone)]  # fmt: skip
            run_dir = Path(args.run_dir or temporary)
            scaled = ScaledApp(port=free_port(), workers=args.workers, run_dir=run_dir,
                               log_path=run_dir / "serve.log")  # fmt: skip
            run_dir.mkdir(parents=True, exist_ok=True)
            scaled.start(build=not args.no_build)
            base = f"http://127.0.0.1:{scaled.port}"
            warm_up(scaled.backend_ports, [token for _, token in [*rounds, alone_round]])
            print(f"{args.workers} app processes behind nginx at {base}, each warmed up by "
                  "showing every round's page once", flush=True)  # fmt: skip
            first = asyncio.run(one_at_a_time(alone, base))
            print(f"\n{args.alone} people one after another, no think time (no queue):")
            latency_table(first)
            acknowledged = dict(first.acknowledged)
            outcomes = []
            scenarios = [("answering together: the target", args.spread, args.think)]
            if not args.no_burst:
                scenarios.append(("all at once: a stress figure", 0.0, args.burst_think))
            for crowd, (title, spread, think) in enumerate(scenarios):
                people = people_of(crowd)
                load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
                arriving = (f"at random moments of {spread:g} s" if spread
                            else "all at the same moment")  # fmt: skip
                print(f"\n{title}. {args.people} people, {args.teams} open-link rounds of "
                      f"{staff} staff, opening the link {arriving}, think time 0-{think:g} s, "
                      f"{sum(p.retries for p in people)} repeated POSTs; "
                      f"load average before: {load}", flush=True)  # fmt: skip
                cpu = time.process_time()
                outcome = asyncio.run(crowd_of(people, base, think, spread, args.time_limit))
                cpu = time.process_time() - cpu
                report(outcome, args.people)
                print(f"this client's own CPU time during the crowd: {cpu:.1f} s")
                acknowledged.update(outcome.acknowledged)
                outcomes.append(outcome)
            round_ids = [round_id for round_id, _ in [*rounds, alone_round]]
            responses, receipts, answers, unknown = stored(url, round_ids)
            accounting = account(acknowledged, responses, receipts, answers, len(items))
            print()
            exactly_once(accounting, unknown)
            scaled.stop()
            scaled = None
            # The floor is set against the crowd that sends as fast as the app takes it: the
            # other's rate is that of its arrivals.
            fastest = outcomes[-1]
            submissions = sum(len(keys) for keys in fastest.acknowledged.values()) or args.people
            rate = floor_rate(url, round_ids[0], items, submissions)
            app_rate = fastest.submission_rate(submissions)
            print(
                f"floor: {submissions} bare submissions (a response row and its {len(items)} "
                "answer rows, one transaction each, one after another on one connection): "
                f"{rate:.0f} per second; the app's rate ({scenarios[-1][0].split(':')[0]}) is "
                f"{app_rate:.1f} per second, {app_rate / rate:.3f} of it"
            )
            return 0 if accounting.exactly_once else 1
        except KeyboardInterrupt:
            print("Interrupted: stopping what the bench started.", file=sys.stderr)
            return 130
        finally:
            if scaled is not None:
                scaled.stop()
            db._engine_for(url).dispose()
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
