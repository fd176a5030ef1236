"""Use case of the statistics: counts per qualification for a senior leader (and the exams
officer and head of centre), never a name or a conversation's content."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.access import STATISTICS_READERS
from app.domain.principal import Principal
from app.domain.statistics import QualificationCounts
from app.services.base import require_any, transaction

if TYPE_CHECKING:
    from app.storage.database import Database


def statistics(principal: Principal, database: Database) -> list[QualificationCounts]:
    require_any(principal, STATISTICS_READERS, "see the statistics")
    from app.storage import statistics as counting

    with transaction(database, principal) as session:
        return counting.counts(session)
