"""The web server behind ``peercircle serve``: textual-serve's page and terminal, one
read-only mirror process per visitor, and nothing for anyone without the key.

textual-serve's ``Server`` has no hook for any of this, so the subclass replaces the parts
that need it, and keeps its page template, static files and process protocol:

- every route lives under ``/<key>/`` (the page, its websocket, its static files), so the
  page's own links carry the key; anything else is answered 403 with a page that says why;
- the page's websocket address is the one the browser used (textual-serve builds it from
  the bound address, and nobody can open 0.0.0.0);
- each visitor's process starts in a session of its own, so Ctrl+C in the terminal reaches
  the server alone, and the server stops every process before it exits (on Linux a
  process also ends if the server is killed);
- a Content-Security-Policy keeps the page to this server: textual-serve's page loads a
  font from a font service, which would tell a third party who watches the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hmac
import json
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

MAX_VISITORS = 40
"""Mirrors running at once (each a process of about 35-45 MB): a group and its guests, with
room to spare, but not a machine filled by one key holder reloading in a loop."""

STOP_WAIT = 3.0
"""Seconds a visitor's mirror has to quit when asked, before it is killed."""

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    # The key is in every address: never hand it on to another site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

_REFUSED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>peercircle: not without the key</title>
<style>body{font-family:sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style>
</head><body><h1>Not without the key</h1>
<p>This peercircle mirror opens only at the full address that <code>peercircle serve</code>
printed when it started, the key after the port included. Ask the facilitator for it.</p>
</body></html>
"""


def _die_with_server() -> Callable[[], None] | None:
    """On Linux, what makes a mirror process end when the server dies without stopping it
    (killed): it would otherwise run on for good, with nobody to show anything to, since
    Textual's web driver does not quit when its input closes. None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    set_parent_death_signal = 1  # PR_SET_PDEATHSIG, from <sys/prctl.h>

    def set_signal() -> None:
        prctl(set_parent_death_signal, int(signal.SIGTERM))

    return set_signal


_DIE_WITH_SERVER = _die_with_server()


class _MirrorProcess(AppService):
    """One visitor's mirror: started in a session of its own, so a Ctrl+C meant for the
    server does not reach it (it is stopped by the server instead)."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=sys.platform != "win32",
            preexec_fn=_DIE_WITH_SERVER,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def stop_within(self, seconds: float) -> None:
        """Ask the mirror to quit; kill it if it has not within ``seconds``."""
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            await asyncio.wait_for(self.stop(), seconds)
        process = self._process
        if process is None:
            return
        # Waited for, not killed at once: a mirror that has closed its output is on its
        # way out, and killing it then would reap it behind asyncio's back (Popen.kill
        # polls first), which asyncio reports as "Unknown child process" on stderr.
        try:
            await asyncio.wait_for(process.wait(), seconds)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


@dataclass
class _Visitors:
    """The open websockets and their mirror processes, for the shutdown to close."""

    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    processes: set[_MirrorProcess] = field(default_factory=set)


class MirrorServer(Server):
    def __init__(self, command: str, host: str, port: int, token: str) -> None:
        super().__init__(command, host=host, port=port, title="peercircle mirror")
        self.token = token
        self.visitors = _Visitors()
        self.stopping = asyncio.Event()

    # -- the web application ------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        prefix = f"/{self.token}"
        app.add_routes(
            [
                web.get(f"{prefix}/", self.handle_index, name="index"),
                web.get(f"{prefix}/ws", self.handle_websocket, name="websocket"),
                web.static(f"{prefix}/static", self.statics_path, name="static"),
            ]
        )
        app.on_response_prepare.append(_add_headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Everything, websocket and static files included, only under the key."""
        first, slash, _ = request.path.lstrip("/").partition("/")
        if not hmac.compare_digest(first.encode(), self.token.encode()):
            return web.Response(status=403, text=_REFUSED, content_type="text/html")
        if not slash:
            raise web.HTTPFound(f"/{self.token}/")
        return await handler(request)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's page, with addresses as the browser reached this server."""
        origin = f"{request.scheme}://{request.host}"
        router = request.app.router
        websocket = f"ws://{request.host}{router['websocket'].url_for()}"
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket,
            "config": {
                "static": {"url": f"{origin}{router['static'].url_for(filename='/')}".rstrip("/") + "/"}
            },
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A visitor's terminal: a mirror process of their own, for as long as the page is open."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.stopping.is_set() or len(self.visitors.processes) >= MAX_VISITORS:
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER)
            return websocket
        mirror = _MirrorProcess(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,  # type: ignore[arg-type]  # its options all have defaults
            download_manager=self.download_manager,
        )
        self.visitors.sockets.add(websocket)
        self.visitors.processes.add(mirror)
        try:
            await mirror.start(
                to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
            )
            await self._relay(websocket, mirror)
        except OSError as exc:  # no process could be started (out of memory or processes)
            print(f"peercircle: a visitor's mirror could not start: {exc.strerror or exc}", file=sys.stderr)
            await websocket.close(code=WSCloseCode.INTERNAL_ERROR)
        finally:
            self.visitors.sockets.discard(websocket)
            await mirror.stop_within(STOP_WAIT)
            self.visitors.processes.discard(mirror)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, mirror: _MirrorProcess) -> None:
        """The browser's keys, size and pings to the mirror. A message that is not what
        the page sends is dropped, not a traceback in the facilitator's terminal."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)
                if kind == "stdin":
                    await mirror.send_bytes(str(data).encode("utf-8"))
                elif kind == "resize":
                    await mirror.set_terminal_size(int(data["width"]), int(data["height"]))
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await mirror.blur()
                elif kind == "focus":
                    await mirror.focus()
            except (ValueError, TypeError, KeyError):
                continue

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every visitor's page and stop every mirror process."""
        self.stopping.set()
        for websocket in list(self.visitors.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"peercircle serve stopped")
        await asyncio.gather(*(m.stop_within(STOP_WAIT) for m in list(self.visitors.processes)))

    # -- running -------------------------------------------------------------------------

    async def run(self, ready: Callable[[int], None]) -> None:
        """Serve until SIGINT, SIGTERM or SIGHUP (the terminal closed); ``ready`` is called
        with the port once bound. An address that cannot be bound raises OSError before
        anything is served."""
        quit_now = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, quit_now.set)
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=2
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            ready(_bound_port(runner, self.port))
            await quit_now.wait()
        finally:
            await runner.cleanup()


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(_HEADERS)


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    """The port bound (the one the system chose, for --port 0)."""
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return asked
