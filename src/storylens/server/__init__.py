"""The HTTP API and web page (``storylens serve``): thin over the library.

``create_app(db_path, token=None)`` builds the FastAPI application; ``serve`` runs it
with uvicorn. See docs/server.md.
"""

from storylens.server.app import create_app, serve

__all__ = ["create_app", "serve"]
