"""`peercircle serve` as a command: where it listens, what it prints, what it refuses."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.serving import start_serving


def listening_on(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (Linux's /proc/net/tcp*)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            _, local, _, state, *_ = row.split()
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return exc.code


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_it_listens_on_loopback_only_by_default_and_stops_on_ctrl_c(data_dir: Path) -> None:
    served = start_serving(data_dir)
    try:
        assert served.url.startswith("http://127.0.0.1:")
        assert listening_on(served.port) == {"0100007F"}  # 127.0.0.1, and nothing else
        assert "this computer only" in "".join(served.out)
        assert status_of(served.url) == 200
    finally:
        status = served.stop()
    assert status == 0
    assert "Stopped serving." in "".join(served.out)
    assert "".join(served.err) == ""  # no warning, no traceback


def test_only_addresses_with_the_key_are_served(data_dir: Path) -> None:
    served = start_serving(data_dir)
    try:
        wrong = served.origin + "/" + "x" * len(served.token) + "/"
        assert status_of(served.url) == 200
        assert status_of(served.url + "static/js/textual.js") == 200
        for refused in (
            served.origin + "/",
            wrong,
            served.origin + "/static/js/textual.js",
            wrong + "static/js/textual.js",
            served.origin + "/ws",
            served.origin + "/download/x",
        ):
            assert status_of(refused) == 403, refused
        assert status_of(wrong + "ws", WEBSOCKET) == 403
        assert status_of(served.url + "ws", WEBSOCKET) != 403  # the same request, with the key
    finally:
        served.stop()


def test_another_address_warns_what_it_exposes_and_prints_the_keyed_address(data_dir: Path) -> None:
    # Bound to every network for as long as it takes to read what it prints: without the
    # key, nothing is served there.
    served = start_serving(data_dir, "--host", "0.0.0.0")
    try:
        warning = served.wait_for_line("peercircle: warning:", stream="err") or ""
        assert "warning: serving on every network this computer is on" in warning
        assert "sees the live session's mirror" in warning and "never the private notes" in warning
        assert len(served.token) >= 32
        assert not served.url.startswith("http://0.0.0.0")
        local = served.url.replace(served.origin.split("//")[1].split(":")[0], "127.0.0.1", 1)
        assert status_of(local) == 200
        assert status_of(local.rsplit("/", 2)[0] + "/") == 403
    finally:
        assert served.stop() == 0


def test_each_start_draws_a_new_key(data_dir: Path) -> None:
    first = start_serving(data_dir)
    first.stop()
    second = start_serving(data_dir)
    second.stop()
    assert first.token != second.token


def test_a_port_in_use_is_one_clear_line(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == (
        f"peercircle: cannot serve on 127.0.0.1 port {port}: the port is in use (another program, or "
        "another 'peercircle serve'); choose another with --port\n"
    )


@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("192.0.2.1", "192.0.2.1 is not an address of this computer"),  # TEST-NET: never ours
        ("no-such-host.invalid", "--host no-such-host.invalid: no such address on this computer"),
        ("", "--host needs an address"),
    ],
)
def test_a_bad_address_is_one_clear_line(data_dir: Path, host: str, says: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir), "serve", "--host", host],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.splitlines()) == 1  # no warning for what was never served, no traceback
