"""The commission's budget: appropriations and expenditures, each chained when added."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from calexit.portal.budget import BudgetLine, LineKind
from calexit.store.models import (
    BudgetLineRow,
)
from calexit.store.portal_base import PortalBase, append_link, log_action
from calexit.store.times import to_utc


class PortalBudget(PortalBase):
    """Budget lines."""

    # -- budget -----------------------------------------------------------------------

    def add_budget_line(self, line: BudgetLine, *, actor: str, now: datetime) -> int:
        with self.session() as session:
            row = BudgetLineRow(
                day=line.day,
                kind=line.kind.value,
                category=line.category,
                description=line.description,
                cents=line.cents,
                created_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            payload = {
                "day": line.day.isoformat(),
                "kind": line.kind.value,
                "category": line.category,
                "description": line.description,
                "cents": line.cents,
            }
            append_link(session, "budget-line", f"budget-line/{row.id}", payload, now)
            log_action(session, actor, "add-budget-line", f"budget-line/{row.id}", payload, now)
            return row.id

    def budget_lines(self) -> list[BudgetLine]:
        query = select(BudgetLineRow).order_by(BudgetLineRow.day, BudgetLineRow.id)
        with self.session() as session:
            return [
                BudgetLine(r.day, LineKind(r.kind), r.category, r.description, int(r.cents))
                for r in session.scalars(query)
            ]
