"""What keeps the page the bureau's own:

- on the loopback, the Host header must name the loopback: a page of another site that points
  its own name at 127.0.0.1 (DNS rebinding) gets nothing;
- on any address but the loopback, every request needs the token printed at start (given once as
  ``?token=…``, then kept in a same-site cookie);
- every POST carries the page's CSRF value (a hidden field only this server's pages hold) and no
  other site's ``Origin`` / ``Sec-Fetch-Site``;
- responses forbid remote assets, framing and content sniffing (Content-Security-Policy: 'self').
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Request, Response

from xlgen.web.pagetext import Page

TOKEN_COOKIE = "xlgen_token"
CSRF_FIELD = "csrf"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


@dataclass(frozen=True)
class Guard:
    host: str  # what the server listens on
    token: str | None  # needed on every request when not on the loopback
    csrf: str  # the value every form of this server carries

    def refusal(self, request: Request) -> str | None:
        """Why ``request`` is refused (None: let it in)."""
        name = _hostname(request.host)
        if self.token is None and not (loopback(name) or name == self.host.lower()):
            return Page.BAD_HOST(host=request.host)  # with a token (any --host but the loopback), the token decides
        if self.token is not None and not self._has_token(request):
            return Page.NEEDS_TOKEN()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc.lower() != request.host.lower():
                return Page.CROSS_SITE()  # "null" (a sandboxed or file page) too
            if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
                return Page.CROSS_SITE()
            sent = request.form.get(CSRF_FIELD, "")  # over MAX_CONTENT_LENGTH: 413 before this
            if not hmac.compare_digest(sent.encode(), self.csrf.encode()):
                return Page.NO_CSRF()
        return None

    def _has_token(self, request: Request) -> bool:
        assert self.token is not None
        given = request.args.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def finish(self, request: Request, response: Response) -> Response:
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make a POST's Origin "null"
        response.headers["Cache-Control"] = "no-store"
        if self.token is not None and request.args.get("token") and self._has_token(request):
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
        return response
