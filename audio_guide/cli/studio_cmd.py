"""``studio``: the local web page (127.0.0.1 only) over the same pipeline and settings."""

from __future__ import annotations

import argparse
import threading
import webbrowser
from pathlib import Path
from typing import TextIO

from audio_guide.errors import UsageError


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``studio``."""
    help_text = "Open the studio: pick a routine, tune voice and pacing by ear, build, play."
    s = sub.add_parser("studio", help=help_text, description=help_text)
    s.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    s.add_argument("--no-browser", action="store_true", help="only print the address")
    s.add_argument(
        "--routines",
        type=Path,
        default=Path("routines"),
        help="your routines folder: listed, read, and written by Save (default ./routines)",
    )
    s.add_argument(
        "--output", type=Path, default=Path("output"), help="where builds go (default ./output)"
    )
    s.add_argument(
        "--debug", action="store_true", help="list the test-only 'fake' engine among the engines"
    )
    s.add_argument(
        "--practice",
        type=Path,
        metavar="DIR",
        help="a practice folder whose batch the page can run (see 'batch')",
    )
    s.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Serve the studio until interrupted."""
    if not 0 < args.port < 65536:
        raise UsageError(f"--port: {args.port} is not a port number (1..65535)")
    import uvicorn

    from audio_guide.studio.app import create_app
    from audio_guide.studio.workspace import Workspace

    for folder in (args.routines, args.output):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot use folder '{folder}': {exc.strerror or exc}") from None
    workspace = Workspace(args.routines.resolve(), args.output.resolve())
    practice = None
    if args.practice is not None:
        from audio_guide.practice.folder import open_practice

        practice = open_practice(args.practice.resolve()).root
    url = f"http://127.0.0.1:{args.port}/"
    config = uvicorn.Config(
        create_app(workspace, debug=args.debug, practice=practice),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    out.write(
        f"audio-guide studio at {url}\n  routines: {workspace.routines}\n"
        f"  output:   {workspace.output}\n  Ctrl+C stops it.\n"
    )
    out.flush()
    if not args.no_browser:
        threading.Timer(0.8, webbrowser.open, (url,)).start()
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind
        server.started = False
    if not server.started:
        raise UsageError(f"could not serve on {url}; is the port in use? try --port")
    return 0
