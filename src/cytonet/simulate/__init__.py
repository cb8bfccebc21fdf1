"""Simulation backends behind one small interface."""

from .base import AbstractBackend, get_backend

__all__ = ["AbstractBackend", "get_backend"]
