"""Where ``peercircle serve`` listens, and the address a visitor opens.

Plain sockets only (no aiohttp, no Textual): the command checks the address and prints
its warning before it loads the web server.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass


class AddressError(Exception):
    """An address that cannot be served on; the message is the one line the user sees."""


@dataclass(frozen=True)
class ServeAddress:
    host: str
    port: int
    token: str
    loopback: bool
    """True when only this computer can connect (127.0.0.1, ::1, localhost)."""

    @property
    def everywhere(self) -> bool:
        """Bound to every network this computer is on (0.0.0.0 or ::)."""
        return self.host in ("0.0.0.0", "::", "")

    def url(self, port: int | None = None) -> str:
        """The address to open, key included. For a bind to every network, the host is
        this computer's address on its main network (a guess: the one it would use to
        reach others), since nobody can open 0.0.0.0."""
        host = _outward_address(self.host) if self.everywhere else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port or self.port}/{self.token}/"


def serve_address(host: str, port: int) -> ServeAddress:
    """Check ``host`` and ``port`` and draw the visitors' key.

    The key is used on 127.0.0.1 too: every user of this computer can reach a loopback
    port, and a web page open in the facilitator's own browser can reach it through a
    name that resolves to 127.0.0.1 (DNS rebinding). Neither can guess the key."""
    if not 0 <= port <= 65535:
        raise AddressError(f"--port {port} is not a port number (0 to 65535)")
    host = host.strip()
    if not host:
        raise AddressError("--host needs an address, e.g. 127.0.0.1 or 192.168.1.20")
    return ServeAddress(host=host, port=port, token=secrets.token_urlsafe(24), loopback=_is_loopback(host))


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressError(f"--host {host}: no such address on this computer ({exc})") from None
    addresses = {info[4][0] for info in found}
    return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def _outward_address(bound: str) -> str:
    """This computer's address on the network it would use to reach others. A UDP
    socket's connect sends nothing; it only picks the route."""
    family = socket.AF_INET6 if bound == "::" else socket.AF_INET
    probe = ("2001:db8::1", 9) if family == socket.AF_INET6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect(probe)
            return str(s.getsockname()[0])
    except OSError:
        return socket.gethostname()
