"""Portfolio pages: the ranked portfolio and its projects, the timeline, the IT chief's
dashboard. Objects are fetched through the restricted querysets, so another department's
project is a 404, exactly like a missing one; every change is a POST handed to one service."""
