"""A real JWKS over HTTP on a free local port, as Cognito serves its pool's public keys."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt


@contextlib.contextmanager
def serve_jwks(
    public_key: Any, kid: str, path: str = "/.well-known/jwks.json", hits: list[str] | None = None
) -> Iterator[str]:
    """Serve {"keys": [the key as an RS256 JWK]} and yield its URL; each GET is appended to `hits`."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    body = json.dumps({"keys": [{**jwk, "kid": kid, "alg": "RS256", "use": "sig"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if hits is not None:
                hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}"
    finally:
        server.shutdown()
