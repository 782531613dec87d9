"""The runtime half of the rule that versioned rows change only through core.services.model_update
(which stamps updated_at and bumps the version with F()); tests/core/test_model_update.py holds the
static half and shows both refuse a planted write.

While the suite runs, QuerySet.update(), QuerySet.bulk_update() and Model.save() of a stored row are
watched for every VersionedModel: the first frame of the project's own code that asked for the write
must be the one update path (core.services.model_update_rows / model_bulk_complete). A test's or a
benchmark's own data set-up (backdating a row, say) is not application code and may write directly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SET_UP = {"tests", "bench"}  # data set-up, not application code
MESSAGE = "a versioned row changed outside core.services.model_update (updated_at and version not kept): "


def _update_path() -> set[CodeType]:
    from core import services

    return {services.model_update_rows.__code__, services.model_bulk_complete.__code__}


def writer(frame: FrameType | None) -> str | None:
    """Where application code wrote a versioned row another way (path:line (function)), or None when
    the write came through the update path or from set-up code."""
    allowed = _update_path()
    while frame is not None:
        code = frame.f_code
        if code in allowed:
            return None
        path = Path(code.co_filename)
        if path.is_relative_to(ROOT) and not {".venv", "site-packages"} & set(path.parts):
            where = path.relative_to(ROOT)
            if where.parts[0] in SET_UP or path == Path(__file__):
                return None
            return f"{where}:{frame.f_lineno} ({code.co_name})"
        frame = frame.f_back
    return None


def _versioned(model: Any) -> bool:
    from core.models import VersionedModel

    return isinstance(model, type) and issubclass(model, VersionedModel)


def _refuse_outside_update_path() -> None:
    where = writer(sys._getframe(2))
    if where is not None:
        raise AssertionError(MESSAGE + where)


def _watch(original: Callable[..., Any], stored_row: Callable[..., bool]) -> Callable[..., Any]:
    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        if stored_row(self):
            _refuse_outside_update_path()
        return original(self, *args, **kwargs)

    watched.__wrapped__ = original  # type: ignore[attr-defined]
    return watched


@contextmanager
def guard_installed() -> Iterator[None]:
    from django.db.models import Model, QuerySet

    originals = {"update": QuerySet.update, "bulk_update": QuerySet.bulk_update, "save": Model.save}
    QuerySet.update = _watch(QuerySet.update, lambda qs: _versioned(qs.model))  # type: ignore[method-assign]
    QuerySet.bulk_update = _watch(QuerySet.bulk_update, lambda qs: _versioned(qs.model))  # type: ignore[method-assign]
    Model.save = _watch(Model.save, lambda obj: _versioned(type(obj)) and not obj._state.adding)  # type: ignore[method-assign]
    try:
        yield
    finally:
        QuerySet.update = originals["update"]  # type: ignore[method-assign]
        QuerySet.bulk_update = originals["bulk_update"]  # type: ignore[method-assign]
        Model.save = originals["save"]  # type: ignore[method-assign]
