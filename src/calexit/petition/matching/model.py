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
    u_max_pairs: float = 1e5
    """Random pairs used to estimate u (Splink ``estimate_u_using_random_sampling``)."""
    training_seed: int = 2028
    probability_two_random_records_match: float = 0.0
    """Prior for the model; 0 means one in the number of registrations (each signer is at
    most one of the voters)."""

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise ValueError("the match threshold must lie strictly between 0 and 1")


FIRST_NAME_M = (0.86, 0.05, 0.03, 0.045, 0.015)
"""Share of true matches at each first-name level (exact, nickname form, initial, close
spelling, different), fixed rather than learnt. Expectation-maximisation blocked on the
address would otherwise learn the household, not the person: relatives at one address
share a surname and an address but not a first name, and EM takes them for matches."""


def _first_name() -> cl.CustomComparison:
    exact, form, initial, close, other = FIRST_NAME_M
    return cl.CustomComparison(
        output_column_name="first_n",
        comparison_levels=[
            cll.Or(cll.NullLevel("first_n"), cll.CustomLevel("first_n_l = '' or first_n_r = ''")),
            cll.ExactMatchLevel("first_n").configure(m_probability=exact, fix_m_probability=True),
            cll.ArrayIntersectLevel("first_forms", min_intersection=1).configure(
                m_probability=form, fix_m_probability=True
            ),
            cll.CustomLevel(
                "(length(first_n_l) = 1 and substr(first_n_r, 1, 1) = first_n_l) or "
                "(length(first_n_r) = 1 and substr(first_n_l, 1, 1) = first_n_r)",
                label_for_charts="initial matches name",
            ).configure(m_probability=initial, fix_m_probability=True),
            cll.Or(
                cll.DamerauLevenshteinLevel("first_n", 1), cll.JaroWinklerLevel("first_n", 0.88)
            ).configure(m_probability=close, fix_m_probability=True),
            cll.ElseLevel().configure(m_probability=other, fix_m_probability=True),
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


BLOCKING_RULES = (
    block_on("house_n", "zip_n"),
    block_on("house_n", "street_n"),
    block_on("last_n", "house_n"),
)
"""Candidate pairs share the house number and the zip or street, or the last name and
house number: a typo in any one field still leaves a rule that brings the pair together."""


def _last_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="last_n",
        comparison_levels=[
            _blank_or_null("last_n"),
            cll.ExactMatchLevel("last_n"),
            cll.DamerauLevenshteinLevel("last_n", 1),
            cll.JaroWinklerLevel("last_n", 0.88),
            cll.ElseLevel(),
        ],
    )


@dataclass(frozen=True)
class AddressFrequencies:
    """How often two different registrations share an address, counted in the voter file.

    Random pair sampling cannot see events this rare (two of 22.6 million voters at one
    address), so the address comparison's u-values are computed exactly instead:
    ``same_address`` = sum over addresses of n(n-1), over V(V-1); ``same_number_and_zip``
    and ``same_number`` likewise over (house number, zip) and house number alone.
    """

    same_address: float
    same_number_and_zip: float
    same_number: float
    voters: int

    def levels(self) -> tuple[float, float, float, float]:
        """u for: same address; number with street alike or same zip; number only; other."""
        floor = 1e-12
        same = max(self.same_address, floor)
        alike = max(self.same_number_and_zip - self.same_address, same / 10, floor)
        number = max(self.same_number - same - alike, floor)
        return same, alike, number, max(1.0 - same - alike - number, floor)


ADDRESS_FREQUENCIES_SQL = """
    with groups as (
        select 'address' as kind, count(*) as n from voters_n
        where house_n <> '' and street_n <> '' group by house_n, street_n, zip_n
        union all
        select 'number_zip', count(*) from voters_n where house_n <> '' group by house_n, zip_n
        union all
        select 'number', count(*) from {sampled_voters}
        group by trim(cast(house_number as {text})))
    select kind, sum(n * (n - 1)), sum(n) from groups group by kind"""
"""Pairs sharing an address, a (number, zip) or a house number, and the voters counted.

The address groups are counted among the candidate registrations (every voter at a
signer's number and zip is one), the house-number groups in a 10% sample of the voter
file (pairs within a sample estimate the same share); ``{text}`` is the dialect's text
type and ``{sampled_voters}`` the sampled table (DuckDB: ``voters_raw using sample 10
percent (system)`` in a subquery; Spark: ``voters_raw tablesample (10 percent)``)."""


def address_frequencies(counts: dict[str, tuple[int, int]], voters: int) -> AddressFrequencies:
    """From :data:`ADDRESS_FREQUENCIES_SQL`'s rows: the chance that a given voter and another
    voter picked at random share the address (others at the address over all voters)."""

    def share(kind: str) -> float:
        pairs, counted = counts.get(kind, (0, 0))
        return (pairs / counted) / max(voters - 1, 1) if counted else 0.0

    number_pairs, sampled = counts.get("number", (0, 0))
    return AddressFrequencies(
        same_address=share("address"),
        same_number_and_zip=share("number_zip"),
        same_number=number_pairs / max(sampled * (sampled - 1), 1),
        voters=voters,
    )


def _address(frequencies: AddressFrequencies) -> cl.CustomComparison:
    """The residence address as ONE comparison: house, street and zip are not independent
    evidence (a household shares all three), so their agreement is weighed once. The
    u-values are fixed from the voter file (:class:`AddressFrequencies`)."""
    same, alike, number, other = frequencies.levels()
    house = cll.ExactMatchLevel("house_n")
    zip_or_none = cll.Or(
        cll.ExactMatchLevel("zip_n"), cll.CustomLevel("zip_n_l = '' or zip_n_r = ''")
    )
    zip_given = cll.And(cll.ExactMatchLevel("zip_n"), cll.CustomLevel("zip_n_l <> ''"))
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(
                "house_n_l = '' or house_n_r = '' or street_n_l = '' or street_n_r = ''"
            ).configure(is_null_level=True, label_for_charts="address missing"),
            cll.And(house, cll.ExactMatchLevel("street_n"), zip_or_none).configure(
                label_for_charts="same address", u_probability=same, fix_u_probability=True
            ),
            cll.And(house, cll.Or(cll.JaroWinklerLevel("street_n", 0.9), zip_given)).configure(
                label_for_charts="same number; street alike or same zip",
                u_probability=alike,
                fix_u_probability=True,
            ),
            cll.ExactMatchLevel("house_n").configure(
                label_for_charts="same number only", u_probability=number, fix_u_probability=True
            ),
            cll.ElseLevel().configure(u_probability=other, fix_u_probability=True),
        ],
    )


def splink_settings(
    settings: MatchSettings, frequencies: AddressFrequencies | None = None
) -> SettingsCreator:
    """The model; without ``frequencies`` (no voter file at hand) a neutral placeholder."""
    frequencies = frequencies or AddressFrequencies(1e-7, 2e-7, 1e-5, 1_000_000)
    prior = settings.probability_two_random_records_match or 1 / max(frequencies.voters, 2)
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[_first_name(), _middle_name(), _last_name(), _address(frequencies)],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


TRAINING_BLOCKS = (block_on("house_n", "street_n"), block_on("county", "last_n", "first_n"))
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
