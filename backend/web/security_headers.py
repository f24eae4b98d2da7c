"""The headers that tell a browser to keep our pages to themselves, on every response."""

from __future__ import annotations

from backend.web.middleware import ASGIApp, Message, Receive, Scope, Send

# Scripts and styles from our own origin only; the back office's print buttons are the one
# inline handler, allowed by its hash; the reports' inline <style> blocks need 'unsafe-inline'
# for styles (everything a person typed is escaped, so no one can add a style of their own).
_PRINT = "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"  # window.print()
POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'unsafe-hashes' {_PRINT}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds Content-Security-Policy (no framing), nosniff, a Referrer-Policy (a page that set
    its own keeps it) and, when the service is reached over https, HSTS."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
        ]
        if https:
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.headers if n not in present]
                if b"referrer-policy" not in present:
                    headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
