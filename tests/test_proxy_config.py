"""The shipped nginx configuration (deploy/nginx), as `culturetool proxy-config` prints it: what
it promises, and that nginx itself accepts it where nginx is installed."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time

import pytest

from culturetool.cli import main
from culturetool.scaled import ScaledModeProblem, _main_nginx_config, proxy_config
from culturetool.web.privacy import LARGEST_UPLOAD_BODY
from culturetool.web.respondent import MAX_BODY_BYTES

BACKENDS = ["127.0.0.1:8001", "127.0.0.1:8002"]


def _location(config: str, path: str) -> str:
    found = re.search(r"location " + re.escape(path) + r" \{(.*?)\n    \}", config, re.S)
    assert found, f"no location {path}"
    return found.group(1)


def test_every_app_process_is_a_server_and_routing_is_sticky_free():
    config = proxy_config("80", BACKENDS)
    for address in BACKENDS:
        assert f"server {address} " in config
    directives = "\n".join(line.split("#", 1)[0] for line in config.splitlines())
    assert not re.search(r"\b(ip_hash|hash|sticky)\b", directives)


def test_the_event_socket_is_upgraded_and_kept_open():
    event = _location(proxy_config("80", BACKENDS), "/_event")
    assert "proxy_set_header Upgrade $http_upgrade;" in event
    assert "proxy_set_header Connection $culturetool_connection;" in event
    assert "proxy_read_timeout 1h;" in event


def test_bodies_are_capped_at_what_the_app_takes():
    config = proxy_config("80", BACKENDS)
    assert f"client_max_body_size {MAX_BODY_BYTES};" in config
    assert f"client_max_body_size {LARGEST_UPLOAD_BODY};" in _location(config, "/_upload")


@pytest.mark.parametrize("path", ["/r/", "/c/", "/v/", "/respondent-assets/"])
def test_anonymous_paths_leave_no_address_in_the_logs(path):
    block = _location(proxy_config("80", BACKENDS), path)
    assert "access_log off;" in block
    assert re.search(r"error_log \S+ emerg;", block)


def test_a_post_is_never_sent_to_a_second_process_after_the_first_received_it():
    config = proxy_config("80", BACKENDS)
    assert "proxy_next_upstream error timeout;" in config
    assert "non_idempotent" not in config


def test_no_backend_is_refused():
    with pytest.raises(ScaledModeProblem, match="at least one backend"):
        proxy_config("80", [])


def test_the_command_prints_it(capsys):
    assert main(["proxy-config", "--listen", "8080", "--backend", "127.0.0.1:9001"]) == 0
    printed = capsys.readouterr().out
    assert "listen 8080;" in printed and "server 127.0.0.1:9001 " in printed


@pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (make test installs it as root)"
)
def test_nginx_accepts_it(tmp_path):
    site = tmp_path / "culturetool.conf"
    site.write_text(
        proxy_config(
            "127.0.0.1:8089",
            BACKENDS,
            error_log=str(tmp_path / "e.log"),
            cache_dir=str(tmp_path / "cache"),
        )
    )
    main_config = tmp_path / "nginx.conf"
    main_config.write_text(_main_nginx_config(tmp_path, site))
    checked = subprocess.run(
        ["nginx", "-t", "-c", str(main_config)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (make test installs it as root)"
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_with_no_app_process_answering_a_respondent_is_told_their_answers_are_kept(
    tmp_path, method
):
    import httpx

    from culturetool.scaled import free_port

    # Backends nothing listens on: every app process is down.
    port = free_port()
    down = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    with _nginx(tmp_path, port, down):
        reply = httpx.request(
            method, f"http://127.0.0.1:{port}/r/{'t' * 32}", data={"a": "1"}, timeout=10
        )
        assert reply.status_code == 503 and reply.headers["retry-after"] == "60"
        assert reply.headers["cache-control"] == "no-store"
        assert "your answers are kept on this device" in reply.text
        assert "Wait one minute" in reply.text  # the easy read
        assert "Bad Gateway" not in reply.text and "nginx" not in reply.text


@contextlib.contextmanager
def _nginx(tmp_path, port: int, backends: list[str]):
    """nginx with the shipped configuration in front of these backends, until the block ends."""
    import httpx

    site = tmp_path / "culturetool.conf"
    site.write_text(
        proxy_config(
            f"127.0.0.1:{port}",
            backends,
            error_log=str(tmp_path / "e.log"),
            cache_dir=str(tmp_path / "cache"),
        )
    )
    main_config = tmp_path / "nginx.conf"
    main_config.write_text(_main_nginx_config(tmp_path, site))
    nginx = subprocess.Popen(["nginx", "-c", str(main_config), "-g", "daemon off;"])
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/nothing-here", timeout=10)
                break
            except httpx.ConnectError:
                time.sleep(0.05)  # nginx is still starting
        else:
            raise AssertionError("nginx did not start")
        yield
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


@pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (make test installs it as root)"
)
def test_the_respondent_s_files_are_asked_of_the_app_once(tmp_path):
    import http.server
    import threading

    import httpx

    from culturetool.scaled import free_port

    asked: list[str] = []

    class App(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = b"body { color: #1a1a1a; }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    try:
        with _nginx(tmp_path, port, [f"127.0.0.1:{app.server_address[1]}"]):
            address = f"http://127.0.0.1:{port}/respondent-assets/questionnaire.0123456789ab.css"
            for _ in range(3):
                assert httpx.get(address, timeout=10).text == "body { color: #1a1a1a; }"
            httpx.get(f"http://127.0.0.1:{port}/r/{'t' * 32}", timeout=10)
            httpx.get(f"http://127.0.0.1:{port}/r/{'t' * 32}", timeout=10)
    finally:
        app.shutdown()
    css = [path for path in asked if path.startswith("/respondent-assets/")]
    assert len(css) == 1, asked
    # The questionnaire itself is never kept: each look asks the app.
    assert len([path for path in asked if path.startswith("/r/")]) == 2
