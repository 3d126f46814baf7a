"""``calexit serve``: run the public portal over the store with uvicorn."""

from __future__ import annotations

import socket
from typing import Annotated

import typer
import uvicorn

from calexit.cli.output import console
from calexit.cli.store_cmd import DatabaseOption, resolve_database_url
from calexit.errors import ConfigError
from calexit.web import PortalSettings, create_app


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    database_url: DatabaseOption = None,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
) -> None:
    """Serve the public portal (pages, open data, /api/, staff sign-in) at http://HOST:PORT."""
    if workers > 1:
        console.print("Several workers share no rate-limit state; one is served here.")
    serve_portal(
        resolve_database_url(database_url), host=host, port=port, secure_cookies=secure_cookies
    )


def _check_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ConfigError(
                f"cannot serve at http://{host}:{port}: {error.strerror or error}; "
                "choose another --port"
            ) from None


def serve_portal(url: str, *, host: str, port: int, secure_cookies: bool = False) -> None:
    """Run the portal over the store at ``url`` until interrupted."""
    _check_free(host, port)
    app = create_app(url, settings=PortalSettings(secure_cookies=secure_cookies))
    console.print(f"Serving the portal at http://{host}:{port} (Ctrl+C stops it).")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
