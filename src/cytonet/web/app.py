"""The explorer's HTTP layer (Starlette): JSON endpoints over :mod:`cytonet.web.service` and
the page with its assets, all served from the installed packages (no CDN).

Endpoints (GET unless noted): ``/`` the page; ``/assets/{name}`` its script, styles and
``plotly.min.js`` (from the ``plotly`` wheel); ``/api/catalog``; POST ``/api/yaml`` (builder
state -> YAML and its check); POST ``/api/check``; POST ``/api/simulate`` (``formalism``:
``ode``, the default, or ``logical``, the MaBoSS/mpbn view of the same experiments);
``/api/network``; ``/api/explain?source=&target=``; ``/api/scorecard``;
``/api/scorecard/logical`` (the logical verdicts, computed once);
``/api/observation/{id}``; ``/api/health``.

Errors never stop the server: input problems answer 422 with ``problems`` (the located
messages of the CLI), anything unexpected 500 with its message.
"""

from __future__ import annotations

__all__ = ["create_app", "ASSETS"]

import json
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import InputError
from . import service

_STATIC = Path(str(resources.files("cytonet") / "web" / "static"))


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


ASSETS = {"app.js": (_STATIC / "app.js", "text/javascript"),
          "app.css": (_STATIC / "app.css", "text/css"),
          "plotly.min.js": (None, "text/javascript")}


class _TooLarge(Exception):
    pass


async def _json_body(request: Request) -> dict:
    """The request's JSON object, refusing bodies over the size limit before reading them."""
    limit = service.LIMITS["body_bytes"]
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge(f"request body of {declared} bytes; at most {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge(f"request body over {limit} bytes")
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks) or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the request body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("the request body must be a JSON object")
    return data


def _guarded(handler):
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except _TooLarge as exc:
            return JSONResponse({"ok": False, "problems": [str(exc)]}, status_code=413)
        except InputError as exc:
            return JSONResponse({"ok": False, "problems": [str(p) for p in exc.problems]},
                                status_code=422)
        except Exception as exc:  # noqa: BLE001 - the page shows it; the server keeps running
            return JSONResponse({"ok": False, "problems": [f"{type(exc).__name__}: {exc}"]},
                                status_code=500)
    return endpoint


def _answer(result: dict) -> JSONResponse:
    return JSONResponse(result, status_code=200 if result.get("ok", True) else 422)


async def index(request: Request) -> Response:
    return HTMLResponse((_STATIC / "index.html").read_text(encoding="utf-8"))


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response("not found", status_code=404)
    path, media = ASSETS[name]
    return FileResponse(path or _plotly_js(), media_type=media)


async def catalog(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.catalog_info))


async def to_yaml(request: Request) -> Response:
    body = await _json_body(request)
    text = service.form_to_yaml(body)
    check = await run_in_threadpool(service.check_yaml, text)
    return _answer({**check, "yaml": text})


async def check(request: Request) -> Response:
    body = await _json_body(request)
    return _answer(await run_in_threadpool(service.check_yaml, body.get("yaml", "")))


async def simulate(request: Request) -> Response:
    b = await _json_body(request)
    formalism = b.get("formalism") or "ode"
    args = (b.get("yaml", ""), b.get("readouts") or service.DEFAULT_READOUTS,
            b.get("until") or "24 h", b.get("points") or 97)
    if formalism == "logical":
        result = await run_in_threadpool(service.simulate_logical_yaml, *args,
                                         b.get("trajectories") or 2000)
    elif formalism == "ode":
        result = await run_in_threadpool(service.simulate_yaml, *args, b.get("members") or 0,
                                         b.get("jitter", 0.3))
    else:
        raise InputError(f"formalism must be 'ode' or 'logical', got {formalism!r}")
    return _answer(result)


async def network(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.network_info))


async def explain(request: Request) -> Response:
    q = request.query_params
    return _answer(await run_in_threadpool(service.explain_paths, q.get("source", ""),
                                           q.get("target", ""), q.get("max_length", "6")))


async def scorecard(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.scorecard_rows))


async def scorecard_logical(request: Request) -> Response:
    return _answer(await run_in_threadpool(service.logical_verdicts))


async def observation(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.observation_traces,
                                                request.path_params["oid"]))


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app() -> Starlette:
    """The explorer as an ASGI application."""
    routes = [Route("/", index), Route("/assets/{name}", asset),
              Route("/api/health", health),
              Route("/api/catalog", _guarded(catalog)),
              Route("/api/yaml", _guarded(to_yaml), methods=["POST"]),
              Route("/api/check", _guarded(check), methods=["POST"]),
              Route("/api/simulate", _guarded(simulate), methods=["POST"]),
              Route("/api/network", _guarded(network)),
              Route("/api/explain", _guarded(explain)),
              Route("/api/scorecard", _guarded(scorecard)),
              Route("/api/scorecard/logical", _guarded(scorecard_logical)),
              Route("/api/observation/{oid}", _guarded(observation))]
    return Starlette(routes=routes)
