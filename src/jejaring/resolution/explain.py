"""Words for scores: each comparison's contribution to a pair's match weight, in the user's language."""

from __future__ import annotations

import json
from typing import Any

from jejaring.core.i18n import translate
from jejaring.resolution.comparisons import SPECS

_LABELS = {spec.name: spec.label_key for spec in SPECS}


def reasons(explanation_json: str, lang: str) -> list[dict[str, Any]]:
    """The stored explanation of a pair as sentences, strongest evidence first."""
    items = json.loads(explanation_json or "[]")
    out = []
    for item in sorted(items, key=lambda i: -abs(i["weight"])):
        comparison = translate(_LABELS.get(item["comparison"], item["comparison"]), lang)
        level = translate(item["level"], lang)
        out.append({**item, "text": f"{comparison}: {level} ({item['weight']:+.1f})"})
    return out
