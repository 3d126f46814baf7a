"""Selection algorithms: distributions over quota-compliant panels, and their rounding.

* :func:`find_distribution` computes a distribution over valid panels with one of
  :data:`ALGORITHMS`: ``leximin`` (Flanigan et al., Nature 596, 2021), ``maximin`` (its
  first stage) or ``legacy`` (the greedy draw used before, estimated empirically).
* :func:`round_lottery` turns it into ``m`` equally likely panels (Flanigan, Kehne and
  Procaccia, NeurIPS 2021), moving no one's probability by :func:`rounding_bound` or more.
* :func:`diagnose` explains infeasible quotas; :func:`find_distribution` raises
  :class:`InfeasibleQuotasError` carrying the diagnosis.

``docs/lottery-algorithms.md`` explains the methods and their guarantees.
"""

from calexit.commission.lottery.diagnosis import Diagnosis, diagnose
from calexit.commission.lottery.rounding import max_deviation, round_lottery, rounding_bound
from calexit.commission.lottery.select import (
    ALGORITHMS,
    DEFAULT_LEGACY_RUNS,
    InfeasibleQuotasError,
    find_distribution,
    gini,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_LEGACY_RUNS",
    "Diagnosis",
    "InfeasibleQuotasError",
    "diagnose",
    "find_distribution",
    "gini",
    "max_deviation",
    "round_lottery",
    "rounding_bound",
]
