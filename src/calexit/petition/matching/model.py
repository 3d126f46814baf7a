"""The probabilistic model (Splink) for the signatures the exact pass could not settle.

A Fellegi-Sunter model over the normalised columns, linking petition lines to voter
registrations (``link_only``). Comparisons follow what a petition line holds (Elections
Code 9020: name, residence address, city; no date of birth): first name (with nickname
forms and initials), middle name, last name, house number, street and zip. Blocking keeps
the candidate pairs to those sharing an address key or a name-and-number key, far below
the cross product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

LINK_COLUMNS: tuple[str, ...] = (
    "unique_id",
    "county",
    "first_n",
    "first_forms",
    "middle_n",
    "last_n",
    "house_n",
    "street_n",
    "zip_n",
)


@dataclass(frozen=True)
class MatchSettings:
    """Thresholds and training sizes, saved with every result."""

    threshold: float = 0.9
    """Smallest Splink match probability accepted as the same person."""
    u_max_pairs: float = 1e6
    """Random pairs used to estimate u (Splink ``estimate_u_using_random_sampling``)."""
    training_seed: int = 2028
    probability_two_random_records_match: float = 1e-6

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise ValueError("the match threshold must lie strictly between 0 and 1")


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_n",
        comparison_levels=[
            cll.Or(cll.NullLevel("first_n"), cll.CustomLevel("first_n_l = '' or first_n_r = ''")),
            cll.ExactMatchLevel("first_n"),
            cll.ArrayIntersectLevel("first_forms", min_intersection=1),
            cll.CustomLevel(
                "(length(first_n_l) = 1 and substr(first_n_r, 1, 1) = first_n_l) or "
                "(length(first_n_r) = 1 and substr(first_n_l, 1, 1) = first_n_r)",
                label_for_charts="initial matches name",
            ),
            cll.JaroWinklerLevel("first_n", 0.88),
            cll.ElseLevel(),
        ],
    )


def _middle_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="middle_n",
        comparison_levels=[
            cll.Or(
                cll.NullLevel("middle_n"), cll.CustomLevel("middle_n_l = '' or middle_n_r = ''")
            ),
            cll.ExactMatchLevel("middle_n"),
            cll.CustomLevel(
                "substr(middle_n_l, 1, 1) = substr(middle_n_r, 1, 1)",
                label_for_charts="same initial",
            ),
            cll.ElseLevel(),
        ],
    )


def _blank_or_null(column: str) -> cll.Or:
    return cll.Or(cll.NullLevel(column), cll.CustomLevel(f"{column}_l = '' or {column}_r = ''"))


def _exact_else(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[_blank_or_null(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
    )


def _fuzzy(column: str, thresholds: tuple[float, ...]) -> cl.CustomComparison:
    levels: list[Any] = [_blank_or_null(column), cll.ExactMatchLevel(column)]
    levels += [cll.JaroWinklerLevel(column, t) for t in thresholds]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name=column, comparison_levels=levels)


BLOCKING_RULES = (
    block_on("house_n", "zip_n"),
    block_on("house_n", "street_n"),
    block_on("last_n", "house_n"),
)
"""Candidate pairs share the house number and the zip or street, or the last name and
house number: a typo in any one field still leaves a rule that brings the pair together."""


def splink_settings(settings: MatchSettings) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=settings.probability_two_random_records_match,
        comparisons=[
            _first_name(),
            _middle_name(),
            _fuzzy("last_n", (0.92, 0.8)),
            _exact_else("house_n"),
            _fuzzy("street_n", (0.9,)),
            _exact_else("zip_n"),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


TRAINING_BLOCKS = (block_on("house_n", "street_n"), block_on("last_n", "first_n"))
"""Expectation-maximisation sessions: blocked on the address to learn the name
comparisons, then on the name to learn the address comparisons."""


def model_for_dialect(
    settings: MatchSettings, trained: dict[str, Any], dialect: str
) -> dict[str, Any]:
    """A trained model re-expressed for another SQL dialect (DuckDB -> Spark, say).

    The comparison SQL is regenerated for ``dialect`` from the same definitions; the
    trained m and u probabilities and the prior are carried over level by level.
    """
    fresh: dict[str, Any] = splink_settings(settings).create_settings_dict(dialect)
    fresh["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for new, old in zip(fresh["comparisons"], trained["comparisons"], strict=True):
        for new_level, old_level in zip(
            new["comparison_levels"], old["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in old_level:
                    new_level[key] = old_level[key]
    return fresh
