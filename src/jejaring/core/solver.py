"""HiGHS, created once the same way for every domain that optimises (consortium, capability plan, events)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on stdout from C when first created; keep JSON and CLI output clean."""
    sys.stdout.flush()
    try:
        fd = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


def new_highs(**options: Any) -> Any:
    """A silent ``highspy.Highs`` with ``options`` set (e.g. ``time_limit=5.0``).

    Not ``threads``: HiGHS's thread scheduler is process-wide, and once another model has started it a model
    asking for a different count fails to solve (status ``kError``, objective 0). Callers check the status.
    """
    import highspy

    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for name, value in options.items():
        h.setOptionValue(name, value)
    return h
