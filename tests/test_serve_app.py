"""The web application behind `peercircle serve`, in this process (aiohttp's test client):
the limits that the browser test would take too long to reach."""

from __future__ import annotations

import pytest
from aiohttp import WSCloseCode, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from peercircle.tui import serve
from peercircle.tui.serve import MirrorServer

TOKEN = "k" * 32


async def client_of(server: MirrorServer) -> TestClient:
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


async def test_no_mirror_starts_beyond_the_most_visitors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "MAX_VISITORS", 0)
    # A command that would fail the test if it ran: no process may be started at all.
    client = await client_of(MirrorServer("exit 3", "127.0.0.1", 0, TOKEN))
    try:
        socket = await client.ws_connect(f"/{TOKEN}/ws")
        message = await socket.receive(timeout=10)
        assert message.type == WSMsgType.CLOSE
        assert socket.close_code == WSCloseCode.TRY_AGAIN_LATER
    finally:
        await client.close()


async def test_every_answer_keeps_the_page_to_this_server() -> None:
    client = await client_of(MirrorServer("exit 3", "127.0.0.1", 0, TOKEN))
    try:
        for path, status in ((f"/{TOKEN}/", 200), ("/", 403), (f"/{TOKEN}", 200)):
            reply = await client.get(path)
            assert reply.status == status, path
            policy = reply.headers["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "connect-src 'self'" in policy
            assert reply.headers["Referrer-Policy"] == "no-referrer"
        page = await (await client.get(f"/{TOKEN}/")).text()
        assert f'data-session-websocket-url="ws://{client.host}:{client.port}/{TOKEN}/ws"' in page
    finally:
        await client.close()
