"""The IT chief's dashboard: every figure computed from one query (or two, where a reused
selector takes two), whatever the number of orders, and each with the address of the list
behind it, filtered by the same permission scope.

Definitions (shown on the page as well):

- Orders by state and department: orders created in the chosen year, drafts left out (a draft
  is its writer's own, not yet an order of the department).
- Lead times, in days: submitted → decided for orders decided in the year, decided → delivered
  and submitted → delivered for orders delivered in the year, grouped by the month the period
  ended (Stockholm time). Median and 90th percentile by linear interpolation between the
  closest ranks, as Excel's PERCENTILE.INC (PERCENTIL.INK) and numpy compute them.
- Backlog: orders waiting now. Waiting for a decision: submitted, in preparation, awaiting a
  supplement or ready for decision, aged from the day submitted. Waiting for delivery:
  approved, planned or in progress, aged from the day decided. Ages are whole days. The year
  filter does not apply to what waits today.
- Overdue: active projects without the status report of the last month; orders whose latest
  supplement request is past its answer-by date; notifications not sent
  `PORTFOLIO_OUTBOX_OVERDUE_MINUTES` (default 60) after they were queued.

A section a module: `states` (orders by state and department), `leadtimes`, `backlog`,
`board` (Beslutsråd IT), `projects`, `overdue`, `catalogue` (the service catalogue's key
figures) and `trends`; `page` puts them together, `common` holds what they share.
"""

from .backlog import Backlog, Bucket, Queue, backlog, bucket_label
from .board import BoardFigures, board_figures
from .catalogue import KeyFigure, catalogue_figures
from .common import (
    AGE_BUCKETS,
    STATUS_COLUMNS,
    WAITING_DECISION,
    WAITING_DELIVERY,
    Filters,
    median,
    month_bounds,
    month_label,
    percentile,
    year_bounds,
)
from .leadtimes import LEAD_PERIODS, LeadRow, LeadStat, LeadTimes, lead_time_figures, lead_times
from .overdue import Overdue, overdue
from .page import Dashboard, build, order_scope
from .projects import HEALTHS, PROJECTS_SHOWN, HealthCount, ProjectFigures, project_figures
from .states import Cell, MatrixRow, StatusMatrix, status_matrix
from .trends import TrendRow, Trends, trends

__all__ = [
    "AGE_BUCKETS", "HEALTHS", "PROJECTS_SHOWN", "STATUS_COLUMNS", "WAITING_DECISION",
    "WAITING_DELIVERY", "Backlog", "BoardFigures", "Bucket", "Cell", "Dashboard", "Filters",
    "HealthCount", "KeyFigure", "LEAD_PERIODS", "LeadRow", "LeadStat", "LeadTimes", "MatrixRow",
    "Overdue", "ProjectFigures", "Queue", "StatusMatrix", "TrendRow", "Trends", "backlog",
    "board_figures", "bucket_label", "build", "catalogue_figures", "lead_time_figures",
    "lead_times", "median", "month_bounds", "month_label", "order_scope", "overdue", "percentile",
    "project_figures", "status_matrix", "trends", "year_bounds",
]
