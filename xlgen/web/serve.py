"""``xlgen serve`` as a call: the workbench on this machine, until Ctrl+C.

Werkzeug's threaded server (Flask's own) is enough for one bureau's staff on one machine: each
request gets a thread, the long work runs in the jobs' threads. On the loopback nobody else can
reach it; on another address every request needs the token printed at start.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from xlgen import lang
from xlgen.template.duplicates import refuse_duplicates
from xlgen.template.model import searched_first
from xlgen.web.app import create_app
from xlgen.web.guard import loopback
from xlgen.web.pagetext import Page

DEFAULT_WORKSPACE = Path("xlgen-workspace")
DEFAULT_PORT = 8765


@dataclass(frozen=True)
class ServeOptions:
    workspace: Path = DEFAULT_WORKSPACE
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0: any free port
    open_browser: bool = True


def serve(options: ServeOptions, say: Callable[[str], None]) -> None:
    """Serve the workbench for ``options.workspace`` (made when missing); its templates folder is
    searched first, as ``--templates`` would. ``say`` prints the address (and the token)."""
    workspace = options.workspace.resolve()
    (workspace / "templates").mkdir(parents=True, exist_ok=True)
    with searched_first([workspace / "templates"]):
        _serve(options, workspace, say)


def _serve(options: ServeOptions, workspace: Path, say: Callable[[str], None]) -> None:
    refuse_duplicates()
    token = None if loopback(options.host) else secrets.token_urlsafe(18)
    app = create_app(workspace, options.host, token, lang.current())  # --lang, chosen before the command ran
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    listening = _listen(options.host, options.port)  # an OSError (port taken, no such address) for the caller
    server = make_server(options.host, options.port, app, threaded=True, fd=listening.fileno())
    shown = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{shown}:{listening.getsockname()[1]}/" + (f"?token={token}" if token else "")
    if token is not None:
        say(Page.TOKEN_NOTE(host=options.host))
    say(Page.SERVING(url=url, workspace=workspace))
    if options.open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        listening.close()


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound here: werkzeug would print an English line and exit on a taken port."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
