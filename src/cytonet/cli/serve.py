"""`cytonet serve`: the interactive web explorer on a local port."""

from __future__ import annotations

__all__ = ["register", "run_serve"]

import argparse

from ..errors import InputError, Problem

_LOCAL = ("127.0.0.1", "localhost", "::1")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="run the interactive web explorer (http://127.0.0.1:8765)",
        description="Serve the web explorer: an experiment builder, time-course plots with "
                    "uncertainty bands, the phenotype panel, the knowledge graph with its "
                    "evidence and the validation scorecard. Binds to localhost unless --host "
                    "says otherwise. Needs the 'serve' extra (pip install 'cytonet[serve]').")
    p.add_argument("--port", type=_port, default=8765, metavar="P", help="port (default 8765)")
    p.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help="address to bind (default 127.0.0.1; anything else exposes the "
                        "explorer to the network)")
    p.add_argument("--no-warm", dest="warm", action="store_false",
                   help="do not compile the model and run the scorecard ahead of the first "
                        "request")
    p.set_defaults(func=run_serve)


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {n}")
    return n


def run_serve(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as exc:
        raise InputError(Problem(f"cytonet serve needs {exc.name}: pip install "
                                 "'cytonet[serve]'")) from None
    from ..web import serve

    if args.host not in _LOCAL:
        print(f"cytonet serve: warning: binding to {args.host} exposes the explorer beyond "
              "this machine")
    print(f"cytonet explorer on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    serve(host=args.host, port=args.port, warm=args.warm)
    return 0
