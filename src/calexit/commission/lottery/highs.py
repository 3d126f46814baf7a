"""A thin, quiet layer over HiGHS (highspy): build a model from arrays, solve, read back.

Every model here is built once and then changed in place (objective, bounds, new rows or
columns), so HiGHS can start each solve from the previous basis.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
from numpy.typing import NDArray

INF = float(highspy.kHighsInf)
MAXIMIZE = highspy.ObjSense.kMaximize


def quiet() -> highspy.Highs:
    """A HiGHS instance that prints nothing."""
    h: highspy.Highs = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    return h


def add_columns(
    h: highspy.Highs, lower: Sequence[float], upper: Sequence[float], costs: Sequence[float]
) -> None:
    """Append columns with no matrix entries."""
    n = len(lower)
    if n == 0:
        return
    h.addVars(n, np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64))
    first = h.getNumCol() - n
    h.changeColsCost(n, np.arange(first, first + n, dtype=np.int32), np.asarray(costs, dtype=float))


def add_row(
    h: highspy.Highs, lower: float, upper: float, columns: Sequence[int], values: Sequence[float]
) -> None:
    """Append one row ``lower <= sum(values[j] * x[columns[j]]) <= upper``."""
    h.addRow(
        lower,
        upper,
        len(columns),
        np.asarray(columns, dtype=np.int32),
        np.asarray(values, dtype=np.float64),
    )


def add_column(
    h: highspy.Highs,
    cost: float,
    lower: float,
    upper: float,
    rows: Sequence[int],
    values: Sequence[float],
) -> None:
    """Append one column with entries in ``rows``."""
    h.addCol(
        cost,
        lower,
        upper,
        len(rows),
        np.asarray(rows, dtype=np.int32),
        np.asarray(values, dtype=np.float64),
    )


def set_costs(h: highspy.Highs, columns: Sequence[int], costs: Sequence[float]) -> None:
    h.changeColsCost(
        len(columns), np.asarray(columns, dtype=np.int32), np.asarray(costs, dtype=np.float64)
    )


def optimal(h: highspy.Highs) -> bool:
    return bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def infeasible(h: highspy.Highs) -> bool:
    return bool(h.getModelStatus() == highspy.HighsModelStatus.kInfeasible)


def column_values(h: highspy.Highs) -> NDArray[np.float64]:
    return np.asarray(h.getSolution().col_value, dtype=np.float64)


def row_duals(h: highspy.Highs) -> NDArray[np.float64]:
    return np.asarray(h.getSolution().row_dual, dtype=np.float64)


def status(h: highspy.Highs) -> str:
    return str(h.modelStatusToString(h.getModelStatus()))
