"""Which writes the figures have seen: the audit log as the registry's change counter.

Every write records an audit event in its own transaction, so the id of the latest event whose action changes
what a figure counts (a firm created or edited, an upload's batch or corrected row, a merge, a split, a
resolution run, a sentra, a partnership or a link) marks the state of the data those figures describe. Rollups
and caches store the mark they were built at and are stale once it moved. The mark is cheap: the highest id of
the table (its primary key), and only the events after the last look are read, once per process.
"""

from __future__ import annotations

import threading

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from jejaring.accounts.models import AuditEvent

# action prefixes of writes that change registry figures (statistics, insights, ecosystem)
FIGURE_ACTIONS = (
    "firm.",
    "sentra.",
    "intake.batch",
    "intake.row_correct",
    "intake.sentra",
    "intake.linkage",
    "resolution.",
    "partnership.",
    "ecosystem.",
)
_seen: dict[str, tuple[int, int]] = {}  # database URL -> (events read up to, latest figure-changing event)
_lock = threading.Lock()


NOT_FIGURE_ACTIONS = ("ecosystem.rollup",)  # rebuilding a rollup changes no data it counts


def changes_figures(action: str) -> bool:
    """Whether an audited action changes what a figure counts."""
    return action.startswith(FIGURE_ACTIONS) and action not in NOT_FIGURE_ACTIONS


def top_event_id() -> ScalarSelect[int]:
    """The highest audit event id, as a subquery: a caller reading several such marks reads them in one statement
    (one round trip; on a busy PostgreSQL each one waits its turn)."""
    return select(func.max(AuditEvent.id)).scalar_subquery()


def figures_mark(session: Session, *, top: int | None = None) -> int:
    """The id of the latest audit event that changed registry figures (0: none yet); ``top``: the highest event
    id when the caller has just read it (:func:`top_event_id`)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    if top is None:
        top = session.scalar(select(func.max(AuditEvent.id))) or 0
    with _lock:
        read_upto, mark = _seen.get(url, (0, 0))
    if top < read_upto:  # a fresh database under the same URL (tests): start over
        read_upto, mark = 0, 0
    if top > read_upto:
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.action).where(AuditEvent.id > read_upto, AuditEvent.id <= top)
        )
        mark = max([mark, *(i for i, action in rows if changes_figures(action))])
        with _lock:
            _seen[url] = (top, mark)
    return mark
