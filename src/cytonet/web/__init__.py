"""The interactive web explorer (``cytonet serve``): build experiments, see traces,
phenotypes, the knowledge graph with its evidence and the validation scorecard.

The framework (Starlette + uvicorn, the ``serve`` extra) is imported only by
:mod:`cytonet.web.app` and :func:`serve`; :mod:`cytonet.web.service` holds the computations.
"""

from __future__ import annotations

__all__ = ["serve"]


def serve(host: str = "127.0.0.1", port: int = 8765, warm: bool = True,
          log_level: str = "warning") -> None:
    """Run the explorer until interrupted; compiles the model in the background first."""
    import threading

    import uvicorn

    from . import service
    from .app import create_app

    if warm:
        threading.Thread(target=service.warm_up, name="cytonet-warm-up", daemon=True).start()
    uvicorn.run(create_app(), host=host, port=port, log_level=log_level,
                limit_concurrency=64, timeout_keep_alive=5)
