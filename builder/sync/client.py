"""AnkiConnect's HTTP client: API version 6 over ``urllib`` and ``json`` alone, so the
build-only install does not grow. Every failure is a :class:`.collection.SyncError` of one line
naming the action; what to ask is :mod:`.ankiconnect`'s business."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .collection import SyncError

__all__ = ["API_VERSION", "CHECK_TIMEOUT", "DEFAULT_URL", "TIMEOUT", "AnkiConnect"]

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
TIMEOUT = 600.0
"""Seconds to wait for one answer: importing or exporting a large deck takes a while."""
CHECK_TIMEOUT = 30.0
"""Seconds to wait for the first answer, which AnkiConnect gives at once."""


class AnkiConnect:
    """A client of AnkiConnect's API version 6 at ``url``; every failure is a :class:`SyncError`
    of one line naming the action."""

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SyncError(f"not an AnkiConnect URL: {url} (it looks like {DEFAULT_URL})")
        self.url = url
        self.timeout = timeout

    def call(self, action: str, **params: Any) -> Any:
        """The result of one action."""
        return self._result(action, self._post(action, _request(action, params)))

    def multi(self, actions: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """The results of several actions, sent as one ``multi`` request."""
        if not actions:
            return []
        replies = self.call("multi", actions=[_request(name, params) for name, params in actions])
        if not isinstance(replies, list) or len(replies) != len(actions):
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (multi gave {replies!r:.80})")
        return [self._result(name, reply) for (name, _), reply in zip(actions, replies, strict=True)]

    def check(self, timeout: float = CHECK_TIMEOUT) -> None:
        """That AnkiConnect answers at the URL within ``timeout`` seconds and speaks API version
        6 or later."""
        version = self._result("version", self._post("version", _request("version", {}), timeout))
        if not isinstance(version, int) or version < API_VERSION:
            raise SyncError(
                f"AnkiConnect at {self.url} speaks API version {version}; sync needs {API_VERSION}"
                " (update the add-on)"
            )

    def _post(self, action: str, body: Mapping[str, Any], timeout: float | None = None) -> object:
        """The JSON AnkiConnect answered to one request."""
        wait = self.timeout if timeout is None else timeout
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=wait) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            # AnkiConnect answers errors with 200; servers like it answer some with 500 and the
            # same JSON body.
            raw = error.read()
            if not raw.lstrip().startswith(b"{"):
                raise SyncError(f"AnkiConnect {action} failed: HTTP {error.code} from {self.url}") from None
        except TimeoutError:
            raise SyncError(f"{self.url} did not answer {action} within {wait:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise SyncError(f"{self.url} did not answer {action} within {wait:g} s") from None
            raise SyncError(self._nothing()) from None
        except ConnectionError:
            raise SyncError(self._nothing()) from None
        except http.client.HTTPException:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})") from None

    def _nothing(self) -> str:
        """The message when nothing answers at the URL."""
        return f"nothing answers at {self.url} (is Anki running with AnkiConnect?)"

    def _result(self, action: str, reply: object) -> Any:
        """The result of one answer, or its error as a :class:`SyncError`."""
        if not isinstance(reply, dict) or "result" not in reply or "error" not in reply:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})")
        if reply["error"] is not None:
            raise SyncError(f"AnkiConnect {action} failed: {reply['error']}")
        return reply["result"]


def _request(action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """One action as AnkiConnect reads it."""
    return {"action": action, "version": API_VERSION, "params": dict(params)}
