"""The `culturetool` command: check and load the model, migrate, load demo data, back up,
restore, serve."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from culturetool import config

if TYPE_CHECKING:
    from culturetool.domain.model_loader import ModelProblem
    from culturetool.domain.model_schema import CultureModel


def _print_problems(path: str, problems: list[ModelProblem]) -> None:
    from culturetool.domain.wording import count_of

    print(f"The culture model in {path} has {count_of(len(problems), 'problem', 'problems')}:")
    for problem in problems:
        print(f"  {problem}")


def _print_summary(model: CultureModel) -> None:
    from culturetool.domain.model_loader import summary_lines

    for line in summary_lines(model):
        print(f"  {line}")


def _model_check(args: argparse.Namespace) -> int:
    from culturetool.domain.model_loader import check_model_dir

    model, problems = check_model_dir(args.path)
    if problems:
        _print_problems(args.path, problems)
        return 1
    assert model is not None
    print(f"The culture model in {args.path} is valid.")
    _print_summary(model)
    return 0


def _model_load(args: argparse.Namespace) -> int:
    from culturetool.services.model_provider import load_model

    loaded = load_model(args.path)
    if loaded.problems:
        _print_problems(args.path, loaded.problems)
        print("Nothing was loaded: the model in use is unchanged.")
        return 1
    assert loaded.model is not None
    if not loaded.changed:
        print(f"The culture model in {args.path} is already the one in use: nothing changed.")
    else:
        print(
            f"The culture model in {args.path} is loaded: new rounds use it from now on, "
            "in every running process. Rounds already open keep the model they were opened with."
        )
    _print_summary(loaded.model)
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from culturetool.store.migrate import upgrade

    upgrade()
    print("Database is up to date.")
    return 0


def _demo_load(args: argparse.Namespace) -> int:
    from culturetool.services.demo import load_demo

    loaded = load_demo(only_if_empty=args.if_empty)
    print("Demo county loaded." if loaded else "Data already present: demo not loaded.")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from culturetool.domain.errors import InputProblem
    from culturetool.services.accounts import create_administrator

    password = os.environ.get("CULTURETOOL_ADMIN_PASSWORD", "")
    if not password:
        if sys.stdin.isatty():
            password = getpass.getpass("Password for the administrator: ")
            if getpass.getpass("The same password again: ") != password:
                print("The two passwords differ; nothing was created.", file=sys.stderr)
                return 1
        else:
            password = sys.stdin.readline().rstrip("\n")
    try:
        create_administrator(args.email, args.name, password, args.organisation)
    except InputProblem as problem:
        print(f"Not created: {problem}", file=sys.stderr)
        return 1
    print(f"Administrator {args.email} created; they can sign in now.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from culturetool.services.backup import BackupProblem, backup

    try:
        backup(Path(args.path), report=lambda line: print(line, flush=True))
    except BackupProblem as problem:
        print(f"Not backed up: {problem}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace) -> int:
    from culturetool.services.backup import BackupProblem, restore

    try:
        restore(Path(args.path), replace=args.replace, report=lambda line: print(line, flush=True))
    except BackupProblem as problem:
        print(f"Not restored: {problem}", file=sys.stderr)
        return 1
    return 0


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(1)
    return False


def reflex_run_command(port: int) -> list[str]:
    """The production build, frontend and backend on one port."""
    reflex = str(Path(sys.executable).with_name("reflex"))
    return [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port),
            "--loglevel", "warning"]  # fmt: skip


def _serve(args: argparse.Namespace) -> int:
    if args.workers > 1:
        return _serve_scaled(args)
    command = reflex_run_command(args.port)
    print("Building and starting culturetool (the first start takes a minute)...", flush=True)
    process = subprocess.Popen(command, cwd=config.PROJECT_ROOT, start_new_session=True)
    try:
        if _wait_until_up(f"http://127.0.0.1:{args.port}/ping", process, timeout=600):
            print(f"\nculturetool is running at http://localhost:{args.port}\n", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _serve_scaled(args: argparse.Namespace) -> int:
    from culturetool.scaled import ScaledApp, ScaledModeProblem

    if config.database_url().startswith("sqlite"):
        print(
            "Note: several processes on a SQLite file work, but a council's servers should use "
            "PostgreSQL (CULTURETOOL_DB_URL): see README.md, Production.",
            flush=True,
        )
    scaled = ScaledApp(
        port=args.port,
        workers=args.workers,
        run_dir=Path(args.run_dir),
        public_url=config.public_base_url(),
        backend_ports=[args.first_backend_port + n for n in range(args.workers)]
        if args.first_backend_port
        else [],
    )
    stop_now = lambda *_: scaled.stop()  # noqa: E731 - a signal handler
    signal.signal(signal.SIGTERM, stop_now)
    try:
        scaled.start(build=not args.no_build)
        ports = ", ".join(str(b.port) for b in scaled.backends)
        print(
            f"\nculturetool is running at {scaled.public_url}: nginx on port {args.port} in "
            f"front of {args.workers} app processes (ports {ports}).\n",
            flush=True,
        )
        return scaled.watch()
    except ScaledModeProblem as problem:
        print(f"Not started: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        scaled.stop()


def _proxy_config(args: argparse.Namespace) -> int:
    from culturetool.scaled import DEFAULT_CACHE_DIR, ScaledModeProblem, proxy_config

    try:
        config = proxy_config(
            args.listen,
            args.backend,
            server_name=args.server_name,
            cache_dir=args.cache_dir or DEFAULT_CACHE_DIR,
        )
        print(config, end="")
    except ScaledModeProblem as problem:
        print(f"No configuration: {problem}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="culturetool", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    model = commands.add_parser("model", help="work with the culture model").add_subparsers(
        dest="model_command", required=True
    )
    check = model.add_parser("check", help="check a model folder and summarise it")
    check.add_argument("path", nargs="?", default=str(config.model_dir()))
    check.set_defaults(run=_model_check)
    load_model = model.add_parser(
        "load",
        help="check a model folder and make it the model new rounds use (stored in the database)",
    )
    load_model.add_argument("path", nargs="?", default=str(config.model_dir()))
    load_model.set_defaults(run=_model_load)

    db = commands.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(run=_db_upgrade)

    demo = commands.add_parser("demo", help="demo data").add_subparsers(
        dest="demo_command", required=True
    )
    load = demo.add_parser("load", help="load the demo county")
    load.add_argument("--if-empty", action="store_true", help="only when no data exists yet")
    load.set_defaults(run=_demo_load)

    user = commands.add_parser("user", help="user accounts").add_subparsers(
        dest="user_command", required=True
    )
    admin = user.add_parser(
        "create-admin",
        help="create an administrator (password from CULTURETOOL_ADMIN_PASSWORD, a prompt, "
        "or the first line of standard input)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--organisation", help="the organisation's name, if none exists yet")
    admin.set_defaults(run=_create_admin)

    backup = commands.add_parser(
        "backup", help="back up the database (CULTURETOOL_DB_URL) to a new file"
    )
    backup.add_argument("path", help="the backup file to write; it must not exist yet")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore",
        help="restore a backup into the database (CULTURETOOL_DB_URL); a SQLite backup also "
        "restores into PostgreSQL",
    )
    restore.add_argument("path", help="a file written by culturetool backup")
    restore.add_argument(
        "--replace", action="store_true", help="delete the data the database holds first"
    )
    restore.set_defaults(run=_restore)

    serve = commands.add_parser("serve", help="build and run the web app in production mode")
    serve.add_argument("--port", type=int, default=3000, help="where people reach the app")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="app processes; more than one runs them behind nginx, sharing state through "
        "Redis (REFLEX_REDIS_URL)",
    )
    serve.add_argument(
        "--first-backend-port",
        type=int,
        default=0,
        help="with --workers: the app processes listen on this port and the next ones "
        "(on 127.0.0.1; spare ports if not given)",
    )
    serve.add_argument(
        "--run-dir",
        default=str(config.PROJECT_ROOT / "data" / "run"),
        help="with --workers: where nginx's files and processes.json go",
    )
    serve.add_argument(
        "--no-build", action="store_true", help="with --workers: serve the pages built last time"
    )
    serve.set_defaults(run=_serve)

    proxy = commands.add_parser(
        "proxy-config", help="print the nginx configuration for several app processes"
    )
    proxy.add_argument("--listen", default="80", help="nginx's listen value, e.g. 80 or 443 ssl")
    proxy.add_argument(
        "--backend",
        action="append",
        default=[],
        help="an app process's address, e.g. 127.0.0.1:8001 (once per process)",
    )
    proxy.add_argument("--server-name", default="_", help="the site's host name")
    proxy.add_argument(
        "--cache-dir",
        default="",
        help="where nginx keeps the respondent's page files; its parent must exist "
        "(default: culturetool-cache in /var/lib/nginx, which Debian's nginx makes)",
    )
    proxy.set_defaults(run=_proxy_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
