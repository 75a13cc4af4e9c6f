"""One HTTP request to AnkiConnect, a peer deckbuilder does not trust: ``http.client`` alone.

- **A total deadline.** Each request has a number of seconds for everything: connecting,
  sending, the headers and the whole answer. A watchdog cuts the connection when they are
  spent, so a server answering one byte at a time is stopped too.
- **No redirects.** An answer of status 3xx is refused, wherever it points.
- **A size cap.** The answer is read in pieces and refused as soon as it passes
  :data:`MAX_ANSWER` bytes (or says it will, in its ``Content-Length``).
- **No proxy for loopback.** A request to ``localhost``, ``127.0.0.0/8`` or ``::1`` goes
  straight there. A request to another host goes through a proxy only when the environment
  names one (``http_proxy``, ``https_proxy``) and ``no_proxy`` does not name the host.
- **JSON nested too deep** for the parser is refused, as any JSON that is no answer is.

Every failure is a :class:`.collection.SyncError` of one line naming the action.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .collection import SyncError

__all__ = ["CHUNK", "MAX_ANSWER", "Endpoint", "TooDeep", "endpoint", "line", "load", "post"]

MAX_ANSWER = 64 * 1024 * 1024
"""Bytes an answer may hold: far more than a collection of a hundred thousand notes gives."""
CHUNK = 64 * 1024
"""Bytes read at a time."""


@dataclass(frozen=True)
class Endpoint:
    """Where AnkiConnect answers, read from its URL."""

    url: str
    """The URL as given, for messages."""
    scheme: str
    """``http`` or ``https``."""
    host: str
    """The host name or address (an IPv6 address without its brackets)."""
    port: int
    """The port (80 or 443 when the URL names none)."""
    target: str
    """The path and query the request is sent to (``/`` when the URL has none)."""

    @property
    def loopback(self) -> bool:
        """Whether the host is this machine by name or address (never reached through a proxy)."""
        name = self.host.lower().rstrip(".")
        if name == "localhost" or name.endswith(".localhost"):
            return True
        try:
            address = ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_loopback or address.is_unspecified


def endpoint(url: str) -> Endpoint | None:
    """The endpoint of an ``http`` or ``https`` URL; None for anything else."""
    if not url.isprintable() or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # http://[::1, http://host:99999
        return None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Endpoint(url, parts.scheme, host, port or (443 if parts.scheme == "https" else 80), target)


def line(text: str, limit: int = 200) -> str:
    """``text`` on one line of at most ``limit`` characters, for a message."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def post(end: Endpoint, body: bytes, action: str, seconds: float) -> tuple[int, bytes]:
    """POST ``body`` (JSON) to ``end``: the answer's status and its bytes, all within
    ``seconds``. A redirect, an answer over :data:`MAX_ANSWER` bytes, no answer in time or none
    at all is a :class:`SyncError`."""
    deadline = time.monotonic() + seconds
    late = f"{end.url} did not answer {action} within {seconds:g} s"
    connection, target, headers = _connection(end, seconds)
    cut = threading.Event()

    def watchdog() -> None:
        cut.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(seconds, watchdog)
    timer.daemon = True
    timer.start()
    try:
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as error:
            if cut.is_set() or time.monotonic() >= deadline or isinstance(error, TimeoutError):
                raise SyncError(late) from None
            if isinstance(error, (ConnectionError, socket.gaierror)):
                raise SyncError(f"nothing answers at {end.url} (is Anki running with AnkiConnect?)") from None
            raise SyncError(
                f"cannot reach {end.url}: {line(str(error) or type(error).__name__, 120)}"
            ) from None
        try:
            connection.request("POST", target, body, {"Content-Type": "application/json", **headers})
            response = connection.getresponse()
            status = response.status
            if 300 <= status < 400:
                where = line(response.getheader("Location") or "nowhere", 80)
                raise SyncError(
                    f"{end.url} answered {action} with a redirect (HTTP {status} to {where}); sync"
                    " follows no redirect: give AnkiConnect's own address"
                )
            return status, _read(response, end, action, deadline, late)
        except (OSError, http.client.HTTPException, ValueError):
            if cut.is_set() or time.monotonic() >= deadline:
                raise SyncError(late) from None
            raise SyncError(f"{end.url} does not answer as AnkiConnect does (to {action})") from None
    finally:
        timer.cancel()
        connection.close()


def _read(
    response: http.client.HTTPResponse, end: Endpoint, action: str, deadline: float, late: str
) -> bytes:
    """The answer's body, read a piece at a time up to :data:`MAX_ANSWER` bytes."""
    big = SyncError(
        f"{end.url} answered {action} with more than {_size(MAX_ANSWER)}; sync reads no answer that large"
    )
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > MAX_ANSWER:
        raise big
    data = bytearray()
    while True:
        piece = response.read1(CHUNK)
        if time.monotonic() >= deadline:
            raise SyncError(late)
        if not piece:
            return bytes(data)
        data += piece
        if len(data) > MAX_ANSWER:
            raise big


def _size(count: int) -> str:
    """A number of bytes as people say it."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _connection(end: Endpoint, seconds: float) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
    """A connection to ``end`` (through the environment's proxy when it asks for one and the
    host is not this machine), the request target and the headers the proxy needs."""
    proxy = None if end.loopback else _proxy(end)
    host = f"[{end.host}]" if ":" in end.host else end.host
    if proxy is None:
        if end.scheme == "https":
            return (
                http.client.HTTPSConnection(
                    end.host, end.port, timeout=seconds, context=ssl.create_default_context()
                ),
                end.target,
                {},
            )
        return http.client.HTTPConnection(end.host, end.port, timeout=seconds), end.target, {}
    proxy_host, proxy_port, auth = proxy
    if end.scheme == "https":
        tunnel = http.client.HTTPSConnection(
            proxy_host, proxy_port, timeout=seconds, context=ssl.create_default_context()
        )
        tunnel.set_tunnel(end.host, end.port, auth)
        return tunnel, end.target, {}
    absolute = f"http://{host}:{end.port}{end.target}"
    return http.client.HTTPConnection(proxy_host, proxy_port, timeout=seconds), absolute, auth


def _proxy(end: Endpoint) -> tuple[str, int, dict[str, str]] | None:
    """The proxy the environment names for ``end`` (host, port, its authorization header);
    None when it names none or ``no_proxy`` names the host."""
    proxies = urllib.request.getproxies_environment()
    named = proxies.get(end.scheme)
    # With a proxy in the environment, proxy_bypass reads no_proxy there, on every system.
    if not named or urllib.request.proxy_bypass(end.host):
        return None
    proxy = endpoint(named if "://" in named else "http://" + named)
    if proxy is None or proxy.scheme != "http":
        raise SyncError(
            f"the {end.scheme}_proxy {line(named, 80)} is no HTTP proxy sync can use"
            f" (no_proxy={end.host} reaches AnkiConnect without it)"
        )
    auth = {}
    parts = urlsplit(proxy.url)
    if parts.username is not None:
        token = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        auth["Proxy-Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    return proxy.host, proxy.port, auth


class TooDeep(ValueError):
    """JSON nested deeper than Python's parser goes."""


def load(raw: bytes) -> object:
    """The JSON in ``raw``; a ValueError when it is not JSON, :class:`TooDeep` when it nests
    deeper than the parser goes (it counts its depth and stops, raising RecursionError). What
    nests less deep but more than an action answers fails the action's shape
    (:mod:`.answers`), which nothing walks deeper than it expects."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise TooDeep("nested too deep") from None
