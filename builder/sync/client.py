"""AnkiConnect's HTTP client: API version 6 over ``http.client`` and ``json`` alone, so the
build-only install does not grow. AnkiConnect is a peer deckbuilder does not trust: each request
has a total deadline, follows no redirect, reads a capped answer and, to this machine, goes
through no proxy (:mod:`.wire`); each result is checked against the shape its action answers
(:mod:`.answers`). Every failure is a :class:`.collection.SyncError` of one line naming the
action; what to ask is :mod:`.ankiconnect`'s business."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import wire
from .answers import ANSWERS, glimpse
from .collection import SyncError

__all__ = ["API_VERSION", "CHECK_TIMEOUT", "DEFAULT_URL", "TIMEOUT", "AnkiConnect"]

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
TIMEOUT = 600.0
"""Seconds one request may take, all told: importing or exporting a large deck takes a while."""
CHECK_TIMEOUT = 30.0
"""Seconds the first request may take, all told: AnkiConnect answers it at once."""


class AnkiConnect:
    """A client of AnkiConnect's API version 6 at ``url``; every failure is a :class:`SyncError`
    of one line naming the action."""

    def __init__(self, url: str, timeout: float | None = None) -> None:
        end = wire.endpoint(url)
        if end is None:
            shown = url if url.isprintable() else repr(url)
            raise SyncError(f"not an AnkiConnect URL: {wire.line(shown, 120)} (it looks like {DEFAULT_URL})")
        self.url = _without_password(url)
        """The address as messages show it (a password in it never is)."""
        self.end = end
        self.timeout = TIMEOUT if timeout is None else timeout

    def call(self, action: str, **params: Any) -> Any:
        """The result of one action, of the shape the action answers."""
        return self._result(action, self._post(action, _request(action, params)))

    def multi(self, actions: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """The results of several actions, sent as one ``multi`` request."""
        if not actions:
            return []
        replies = self.call("multi", actions=[_request(name, params) for name, params in actions])
        if len(replies) != len(actions):
            raise SyncError(
                f"{self.url} does not answer as AnkiConnect does (multi gave {len(replies)} answers"
                f" to {len(actions)} actions)"
            )
        return [self._result(name, reply) for (name, _), reply in zip(actions, replies, strict=True)]

    def check(self, timeout: float = CHECK_TIMEOUT) -> None:
        """That AnkiConnect answers at the URL within ``timeout`` seconds and speaks API version
        6 or later."""
        version = self._result("version", self._post("version", _request("version", {}), timeout))
        if version < API_VERSION:
            raise SyncError(
                f"AnkiConnect at {self.url} speaks API version {version}; sync needs {API_VERSION}"
                " (update the add-on)"
            )

    def _post(self, action: str, body: Mapping[str, Any], timeout: float | None = None) -> object:
        """The JSON AnkiConnect answered to one request."""
        wait = self.timeout if timeout is None else timeout
        status, raw = wire.post(self.end, json.dumps(body).encode("utf-8"), action, wait)
        # AnkiConnect answers errors with 200; servers like it answer some with 500 and the same
        # JSON body.
        if status != 200 and not raw.lstrip().startswith(b"{"):
            raise SyncError(f"AnkiConnect {action} failed: HTTP {status} from {self.url}")
        try:
            return wire.load(raw)
        except wire.TooDeep as error:
            raise SyncError(
                f"{self.url} does not answer as AnkiConnect does (to {action}: {error})"
            ) from None
        except ValueError:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})") from None

    def _result(self, action: str, reply: object) -> Any:
        """The result of one answer, checked against the shape ``action`` answers, or its error
        as a :class:`SyncError`."""
        if not isinstance(reply, dict) or "result" not in reply or "error" not in reply:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})")
        error = reply["error"]
        if error is not None:
            if not isinstance(error, str):
                raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})")
            raise SyncError(f"AnkiConnect {action} failed: {wire.line(error)}")
        result = reply["result"]
        if not ANSWERS[action](result):
            raise SyncError(
                f"{self.url} does not answer as AnkiConnect does ({action} gave {wire.line(glimpse(result), 80)})"
            )
        return result


def _request(action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """One action as AnkiConnect reads it."""
    return {"action": action, "version": API_VERSION, "params": dict(params)}


def _without_password(url: str) -> str:
    """``url`` with the password of its user part written as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
