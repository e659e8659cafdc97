"""Requests checked before any route sees them: no NUL character in the path or the query
(PostgreSQL text cannot hold one; 422 naming ``path`` or the query parameter), and bodies sent
as JSON (whatever the spelling of the media type: ``application/JSON`` is JSON too) within a
size limit (413), UTF-8 text, not nested absurdly deep, without a name given twice in one object
(RFC 8259 leaves such an object's meaning to the parser: the last one silently wins in Python)
and without a NUL — each refused with the API's error body naming ``body`` (or the field
repeated or holding the NUL) and the problem.

Pure ASGI middleware: the body is read once, checked, and replayed to the application.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import numpy as np

from smartborder.errors import SmartborderError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class BodyTooLarge(SmartborderError):
    """A request body over the limit (the guard answers 413)."""


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def depth_problem(text: str, limit: int) -> str | None:
    """How the nesting of JSON *text* exceeds *limit*, counted on the brackets outside strings
    without parsing (a deep document must not reach the parser's recursion). Vectorised: a
    1 MB ping batch takes about a millisecond."""
    bare = np.frombuffer(_STRING.sub("", text).encode(), dtype=np.uint8)
    steps = np.isin(bare, _OPEN).astype(np.int32) - np.isin(bare, _CLOSE).astype(np.int32)
    if steps.size and int(np.cumsum(steps).max()) > limit:
        return f"JSON nested deeper than {limit} levels"
    return None


_OPEN = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}", dtype=np.uint8)


def nul_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first text (key or value) holding a NUL character."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                return where
            found = nul_path(item, where)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_path(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def repeated_name(value: Any, path: str = "") -> str | None:
    """The dotted path of the first name given twice in one object, in JSON parsed with
    ``object_pairs_hook=list`` (objects as lists of pairs)."""
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value) and value:
        seen: set[str] = set()
        for key, item in value:
            where = f"{path}.{key}" if path else str(key)
            if key in seen:
                return where
            seen.add(key)
            found = repeated_name(item, where)
            if found:
                return found
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = repeated_name(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def nul_in_address(scope: Scope) -> str | None:
    """``path``, or the name of the query parameter, whose text holds a NUL character."""
    raw_path = scope.get("raw_path") or b""
    if "\x00" in scope.get("path", "") or b"%00" in raw_path or b"\x00" in raw_path:
        return "path"
    query = (scope.get("query_string") or b"").decode("latin-1")
    if "%00" in query or "\x00" in query:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query.{name.replace(chr(0), '')}"
        return "query"
    return None


class BodyGuard:
    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int) -> None:
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = nul_in_address(scope)
        if where is not None:
            await _refuse(send, 422, where, "holds a NUL character (%00), which no text may contain")
            return
        if scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, 413, "body", f"{int(declared):,} bytes is over the limit of {self.max_bytes:,}")
            return
        try:
            body = await self._read(receive)
        except BodyTooLarge:
            await _refuse(send, 413, "body", f"over the limit of {self.max_bytes:,} bytes")
            return
        if body and b"json" in headers.get(b"content-type", b"application/json").lower():
            problem = self._json_problem(body)
            if problem is not None:
                await _refuse(send, 400 if problem[0] == "body" else 422, *problem)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # e.g. http.disconnect

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _json_problem(self, body: bytes) -> tuple[str, str] | None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return "body", f"not UTF-8 text (byte {exc.start})"
        deep = depth_problem(text, self.max_depth)
        if deep:
            return "body", deep
        # Parsed here to find a name given twice in one object (which json.loads would settle
        # silently, the last one winning: a partner's rate given twice, say) and to name the
        # field holding a NUL. Invalid JSON is left to the application, whose handler reports
        # it as a 400 naming the body.
        repeated = False

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            nonlocal repeated
            out = dict(items)
            repeated = repeated or len(out) != len(items)
            return out

        try:
            value = json.loads(text, object_pairs_hook=pairs)
        except (json.JSONDecodeError, RecursionError):
            return None
        if repeated:
            where = repeated_name(json.loads(text, object_pairs_hook=list))
            if where:
                return where, "given twice in one object: each name may appear once"
        if "\\u0000" in text or "\x00" in text:
            where = nul_path(value)
            if where:
                return where, "holds a NUL character (\\u0000), which no text may contain"
        return None


async def _refuse(send: Send, status: int, field: str, problem: str) -> None:
    payload = json.dumps({"detail": [{"field": field, "problem": problem}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
