"""Who a request came from, as far as rate limits can tell."""

from __future__ import annotations

import ipaddress

from fastapi import Request


def client_address(request: Request) -> str:
    """The client's IP address: the peer's, or, behind a proxy named in TRUSTED_PROXIES, the
    one it forwarded (uvicorn's ProxyHeadersMiddleware, in app.py, has already chosen)."""
    return request.client.host if request.client else ""


def client_key(address: str) -> str:
    """The key a client is counted under: its IPv4 address, or its IPv6 /64.

    An IPv6 home or phone is given a whole /64 and may pick any address in it, so counting
    each address alone would let one client past a per-connection limit as often as it likes.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address at all (a test client, a unix socket)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
