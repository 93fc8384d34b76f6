"""The declared comparisons of the resolution model: Splink comparison objects plus human labels.

Each comparison lists its levels from most to least similar. The same definitions run on DuckDB
(default) and Spark, because Splink renders them to each engine's SQL. The m/u probabilities are
priors written down here (documented in docs/resolution.md) and can be refined by training
(``jejaring resolve train``) on labelled pairs such as the synthetic ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on


@dataclass(frozen=True)
class Level:
    """One comparison level: its i18n key and its m/u priors."""

    key: str
    m: float
    u: float


@dataclass(frozen=True)
class ComparisonSpec:
    """A comparison: its output column name, i18n label key and levels (null level excluded)."""

    name: str
    label_key: str
    levels: tuple[Level, ...]


SPECS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec(
        "name",
        "resolution.cmp.name",
        (
            Level("resolution.lvl.exact", 0.55, 0.0004),
            Level("resolution.lvl.jw95", 0.25, 0.0010),
            Level("resolution.lvl.jw88", 0.12, 0.0060),
            Level("resolution.lvl.jw75", 0.06, 0.0500),
            Level("resolution.lvl.different", 0.02, 0.9426),
        ),
    ),
    ComparisonSpec(
        "owner",
        "resolution.cmp.owner",
        (
            Level("resolution.lvl.exact", 0.80, 0.0005),
            Level("resolution.lvl.jw92", 0.15, 0.0020),
            Level("resolution.lvl.different", 0.05, 0.9975),
        ),
    ),
    ComparisonSpec(
        "phone",
        "resolution.cmp.phone",
        (
            Level("resolution.lvl.exact", 0.85, 0.0001),
            Level("resolution.lvl.different", 0.15, 0.9999),
        ),
    ),
    ComparisonSpec(
        "address",
        "resolution.cmp.address",
        (
            Level("resolution.lvl.exact", 0.45, 0.0005),
            Level("resolution.lvl.jw90", 0.30, 0.0050),
            Level("resolution.lvl.jw75", 0.15, 0.0800),
            Level("resolution.lvl.different", 0.10, 0.9145),
        ),
    ),
    ComparisonSpec(
        "kbli",
        "resolution.cmp.kbli",
        (
            Level("resolution.lvl.exact", 0.88, 0.05),
            Level("resolution.lvl.same_class", 0.07, 0.05),
            Level("resolution.lvl.different", 0.05, 0.90),
        ),
    ),
    ComparisonSpec(
        "location",
        "resolution.cmp.location",
        (
            Level("resolution.lvl.km02", 0.55, 0.002),
            Level("resolution.lvl.km2", 0.35, 0.030),
            Level("resolution.lvl.different", 0.10, 0.968),
        ),
    ),
    ComparisonSpec(
        "nib",
        "resolution.cmp.nib",
        (
            Level("resolution.lvl.exact", 0.98, 0.00001),
            Level("resolution.lvl.different", 0.02, 0.99999),
        ),
    ),
)

# Blocking keeps the number of scored pairs close to proportional to the number of records: every rule
# pairs an area with a value nearly unique to one firm there (phone, full name, owner, the name's first
# two words), never an area with a value shared by a whole sentra (the first word of the name, the
# KBLI), whose pairs grow with the square of the data (measured in docs/resolution.md).
BLOCKING_RULES = (
    block_on("regency_code", "phone"),
    block_on("regency_code", "name"),
    block_on("desa_key", "owner"),
    block_on("desa_key", "name_prefix"),
    block_on("regency_code", "owner", "name_first"),
)


def _comparisons() -> list[Any]:
    jw = cll.JaroWinklerLevel
    return [
        cl.CustomComparison(
            output_column_name="name",
            comparison_levels=[
                cll.NullLevel("name"),
                cll.ExactMatchLevel("name"),
                jw("name", 0.95),
                jw("name", 0.88),
                jw("name", 0.75),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="owner",
            comparison_levels=[
                cll.NullLevel("owner"),
                cll.ExactMatchLevel("owner"),
                jw("owner", 0.92),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="phone",
            comparison_levels=[cll.NullLevel("phone"), cll.ExactMatchLevel("phone"), cll.ElseLevel()],
        ),
        cl.CustomComparison(
            output_column_name="address",
            comparison_levels=[
                cll.NullLevel("address"),
                cll.ExactMatchLevel("address"),
                jw("address", 0.90),
                jw("address", 0.75),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="kbli",
            comparison_levels=[
                cll.NullLevel("kbli"),
                cll.ExactMatchLevel("kbli"),
                cll.CustomLevel("substr(kbli_l, 1, 4) = substr(kbli_r, 1, 4)", label_for_charts="same class"),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="location",
            comparison_levels=[
                cll.CustomLevel("latitude_l IS NULL OR latitude_r IS NULL", label_for_charts="null").configure(
                    is_null_level=True
                ),
                cll.DistanceInKMLevel("latitude", "longitude", 0.2),
                cll.DistanceInKMLevel("latitude", "longitude", 2),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="nib",
            comparison_levels=[cll.NullLevel("nib"), cll.ExactMatchLevel("nib"), cll.ElseLevel()],
        ),
    ]


def settings(prior_match_probability: float = 1e-4) -> SettingsCreator:
    """Splink settings with the declared comparisons, blocking rules and m/u priors."""
    comparisons = []
    for creator, spec in zip(_comparisons(), SPECS, strict=True):
        comparisons.append(
            creator.configure(
                m_probabilities=[lvl.m for lvl in spec.levels],
                u_probabilities=[lvl.u for lvl in spec.levels],
            )
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        probability_two_random_records_match=prior_match_probability,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["province_code"],
    )
