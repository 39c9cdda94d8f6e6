"""All HTTP of the atlas: one careful GET with timeouts, bounded retries and limits.

Every failure ends in a :class:`~geo._errors.FetchError` that says what happened; nothing is
retried forever: at most ``settings.HTTP_ATTEMPTS`` attempts, with exponential backoff, and
``Retry-After`` honoured up to ``settings.HTTP_MAX_RETRY_AFTER_S``.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from geo import settings
from geo._errors import FetchError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def user_agent() -> str:
    return (
        f"corridor-atlas/{settings.version()} (Middle Corridor infrastructure atlas) "
        "python-requests"
    )


@dataclass(frozen=True)
class Response:
    """A complete, checked response."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    text: str
    last_modified: str
    retrieved: str


class _RetryableError(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def get(
    url: str,
    *,
    accept: Sequence[str] = TEXT_TYPES,
    max_bytes: int = settings.HTTP_MAX_BYTES,
    attempts: int = settings.HTTP_ATTEMPTS,
    session: requests.Session | None = None,
) -> Response:
    """GET ``url`` and return its whole body, or raise :class:`FetchError`.

    Parameters
    ----------
    accept
        Content types accepted (without parameters); anything else is an error.
    max_bytes
        Largest body accepted, in bytes.
    attempts
        Attempts in all; connection errors, time-outs, truncated bodies and HTTP 429/5xx are
        retried, other failures are not.
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{url}: not an http(s) URL")
    own = session is None
    http = session or requests.Session()
    http.max_redirects = 5
    timeout_s = settings.http_timeout_s()
    backoff_s = settings.http_backoff_s()
    last = ""
    try:
        for attempt in range(1, attempts + 1):
            try:
                return _once(http, url, accept, max_bytes, timeout_s)
            except _RetryableError as retry:
                last = retry.reason
                if attempt == attempts:
                    break
                wait = retry.wait_s if retry.wait_s is not None else backoff_s * 2 ** (attempt - 1)
                if wait > settings.HTTP_MAX_RETRY_AFTER_S:
                    raise FetchError(
                        f"{url}: {retry.reason}; the server asks to wait {wait:.0f} s, more "
                        f"than {settings.HTTP_MAX_RETRY_AFTER_S:.0f} s — try again later"
                    ) from None
                time.sleep(wait)
    finally:
        if own:
            http.close()
    raise FetchError(f"{url}: {last} (gave up after {attempts} attempts)")


def _once(
    http: requests.Session, url: str, accept: Sequence[str], max_bytes: int, timeout_s: float
) -> Response:
    headers = {"User-Agent": user_agent(), "Accept": ", ".join(accept) + ";q=0.9, */*;q=0.1"}
    started = time.monotonic()
    try:
        resp = http.get(url, headers=headers, timeout=(timeout_s, timeout_s), stream=True)
    except requests.TooManyRedirects:
        raise FetchError(f"{url}: too many redirects (a redirect loop?)") from None
    except requests.Timeout:
        raise _RetryableError(f"no answer within {timeout_s:g} s") from None
    except requests.ConnectionError as exc:
        raise _RetryableError(f"connection failed ({type(exc).__name__})") from None
    with resp:
        if resp.status_code in RETRY_STATUSES:
            raise _RetryableError(
                f"HTTP {resp.status_code}", _retry_after(resp.headers.get("Retry-After"))
            )
        if resp.status_code >= 400:
            raise FetchError(f"{url}: HTTP {resp.status_code} {resp.reason}")
        content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in accept:
            raise FetchError(
                f"{url}: content type {content_type or 'missing'!r} is not one of "
                f"{', '.join(accept)}"
            )
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url}: body of {int(declared):,} bytes exceeds {max_bytes:,}")
        body = bytearray()
        try:
            for chunk in resp.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: body exceeds {max_bytes:,} bytes")
                if time.monotonic() - started > settings.HTTP_DEADLINE_S:
                    raise _RetryableError(
                        f"body not complete within {settings.HTTP_DEADLINE_S:g} s"
                    )
        except requests.exceptions.ChunkedEncodingError:
            raise _RetryableError("the body was cut short") from None
        except requests.ConnectionError:
            raise _RetryableError("the connection broke while reading") from None
        if declared and declared.isdigit() and len(body) != int(declared):
            raise _RetryableError(f"the body was cut short ({len(body)} of {declared} bytes)")
        charset = resp.encoding if "charset" in resp.headers.get("Content-Type", "") else "utf-8"
        try:
            text = bytes(body).decode(charset or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise FetchError(
                f"{url}: the body is not valid {charset or 'utf-8'} text as declared"
            ) from None
        return Response(
            url=url,
            final_url=resp.url,
            status=resp.status_code,
            content_type=content_type,
            body=bytes(body),
            text=text,
            last_modified=resp.headers.get("Last-Modified", ""),
            retrieved=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
