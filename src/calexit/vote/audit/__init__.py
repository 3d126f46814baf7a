"""The mathematics of a risk-limiting audit of the measure, in the SHANGRLA framework.

SHANGRLA (Stark 2020, "Sets of Half-Average Nulls Generate Risk-Limiting Audits") reduces
checking an outcome to testing "half-average" assertions: for an assorter A with values in
[0, u], the mean of A over the N ballot cards exceeds 1/2. A super-majority measure with a
participation rule rests on two assertions (Yes share of valid votes > f, share of cards
voting on the measure > t), or their complements for a reported failure.

Modules (pure numpy and the standard library: no files, no clock, no global randomness;
pass a ``numpy.random.Generator``):

* :mod:`~calexit.vote.audit.codes` — ballot codes (``VoteCode``) and tallies (``Tally``);
* :mod:`~calexit.vote.audit.assorters` — the measure's assorters (Stark 2020, sec. 2.3);
* :mod:`~calexit.vote.audit.comparison` — the overstatement assorter for CVR comparison
  audits, phantoms included (sec. 3.2), and CVR error rates;
* :mod:`~calexit.vote.audit.estimators` — ALPHA's estimators of eta (Stark 2023);
* :mod:`~calexit.vote.audit.risk` — ALPHA and Kaplan-Markov p-values, one sample or many;
* :mod:`~calexit.vote.audit.bravo` — BRAVO (Lindeman, Stark and Yates 2012);
* :mod:`~calexit.vote.audit.simulate` and :mod:`~calexit.vote.audit.sample_size` — sample
  sizes by simulation, and by SHANGRLA's deterministic method.

Rounds, manifests, choosing the ballots and storing results are not here: they build on
this API.
"""

from __future__ import annotations

from calexit.vote.audit.assorters import (
    Assorter,
    participation_assorter,
    participation_failure_assorter,
    participation_threshold,
    supermajority_assorter,
    supermajority_failure_assorter,
)
from calexit.vote.audit.bravo import bravo, bravo_asn, bravo_test, bravo_without_replacement
from calexit.vote.audit.codes import Tally, VoteCode, as_codes
from calexit.vote.audit.comparison import ComparisonAssorter, ErrorRates, comparison_assorter
from calexit.vote.audit.estimators import FixedEta, OptimalComparison, ShrinkTrunc
from calexit.vote.audit.risk import (
    AlphaMart,
    KaplanMarkov,
    RiskFunction,
    RiskMeasurement,
    alpha_mart,
    kaplan_markov,
)
from calexit.vote.audit.sample_size import (
    comparison_population,
    comparison_risk,
    comparison_sample_size_deterministic,
    interleave,
    polling_risk,
    polling_sample_size_deterministic,
    simulate_comparison_audits,
    simulate_polling_audits,
)
from calexit.vote.audit.simulate import SampleSizes, simulate_audits

__all__ = [
    "AlphaMart",
    "Assorter",
    "ComparisonAssorter",
    "ErrorRates",
    "FixedEta",
    "KaplanMarkov",
    "OptimalComparison",
    "RiskFunction",
    "RiskMeasurement",
    "SampleSizes",
    "ShrinkTrunc",
    "Tally",
    "VoteCode",
    "alpha_mart",
    "as_codes",
    "bravo",
    "bravo_asn",
    "bravo_test",
    "bravo_without_replacement",
    "comparison_assorter",
    "comparison_population",
    "comparison_risk",
    "comparison_sample_size_deterministic",
    "interleave",
    "kaplan_markov",
    "participation_assorter",
    "participation_failure_assorter",
    "participation_threshold",
    "polling_risk",
    "polling_sample_size_deterministic",
    "simulate_audits",
    "simulate_comparison_audits",
    "simulate_polling_audits",
    "supermajority_assorter",
    "supermajority_failure_assorter",
]
