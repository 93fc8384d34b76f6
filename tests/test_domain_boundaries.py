"""A domain reads another only through that domain's ``service`` module: it never imports another domain's
``models`` (so it cannot query another domain's tables behind its back).

Imports under ``if TYPE_CHECKING:`` are allowed (annotations query nothing). What must remain is listed in
``ALLOWED`` with the reason; the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jejaring"
NOT_DOMAINS = {"core", "web", "migrations", "synth"}  # shared kernel, the app shell, migrations, the data generator

# (importing file relative to src/jejaring, imported module) -> why it must stay
ALLOWED: dict[tuple[str, str], str] = {
    ("accounts/models.py", "jejaring.reference.models"): "foreign keys need the target tables in the metadata",
    ("accounts/models.py", "jejaring.registry.models"): "foreign keys need the target tables in the metadata",
    ("notifications/models.py", "jejaring.accounts.models"): "foreign keys need the target tables in the metadata",
    # Read models that aggregate the registry in bulk (GROUP BY / polars joins over every firm): going through
    # per-record service calls would cost minutes at national scale. To move behind registry.service queries.
    ("insights/rollups.py", "jejaring.registry.models"): "bulk aggregation of the registry into rollups",
    ("insights/rollups.py", "jejaring.reference.models"): "bulk aggregation joined with regency names",
    ("insights/clusters.py", "jejaring.registry.models"): "bulk ranking of every sentra",
    ("insights/service.py", "jejaring.registry.models"): "sentra counts per province over the whole registry",
    ("matching/documents.py", "jejaring.registry.models"): "builds the search index from every firm in bulk",
    ("partnerships/outcomes.py", "jejaring.registry.models"): "KBLI of every party firm for outcome figures",
    # Resolution rewrites firm records when it merges and splits them (the golden record is its job).
    ("resolution/golden.py", "jejaring.registry.models"): "merges and splits firm records",
}


def domains() -> set[str]:
    return {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - NOT_DOMAINS


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path`` outside ``if TYPE_CHECKING:``; ``from a import b`` gives a.b."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def offending(path: Path, own: str, known: set[str]) -> list[tuple[int, str]]:
    """Imports of another domain's models, as (line, module), once per line."""
    bad = set()
    for line, module in imported_modules(path):
        parts = module.split(".")
        if len(parts) >= 3 and parts[0] == "jejaring" and parts[1] in known - {own} and parts[2] == "models":
            bad.add((line, ".".join(parts[:3])))
    return sorted(bad)


def test_domains_read_each_other_only_through_services() -> None:
    known = domains()
    failures, used = [], set()
    for own in sorted(known):
        for path in sorted((SRC / own).rglob("*.py")):
            rel = path.relative_to(SRC).as_posix()
            for line, module in offending(path, own, known):
                if (rel, module) in ALLOWED:
                    used.add((rel, module))
                    continue
                failures.append(f"src/jejaring/{rel}:{line} imports {module}")
    assert not failures, (
        "a domain may not import another domain's models (read it through that domain's service):\n"
        + "\n".join(failures)
    )
    assert not set(ALLOWED) - used, f"allowed but no longer imported (remove from ALLOWED): {set(ALLOWED) - used}"


def test_the_check_sees_a_models_import(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from jejaring.registry.models import Firm\nfrom jejaring.registry import service\n")
    assert offending(bad, "matching", {"registry", "matching"}) == [(1, "jejaring.registry.models")]
