"""Helpers shared by the funds pages."""

from __future__ import annotations

from core.paging import PAGE_SIZE

__all__ = ["PAGE_SIZE"]
