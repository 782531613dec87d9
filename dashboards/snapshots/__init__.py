"""The dashboard's sections from snapshots: what the snapshot job computes per area and date besides
incidence (assistance coverage, complaint rates, monitoring objects by risk), set-based, and how a
dashboard reads them back in a constant number of rows whatever the population.

`compute` writes (called by the incidence job for the county's own day); `read` reads. The
statement parts below are the sections' way to read a county's rows of a table keyed by household (the
incidence statement reads a small chunk of counties' households with HOUSEHOLDS_SQL too).
"""

# The county's households, village by village through the village index (OFFSET 0 keeps the planner
# from turning this into a scan of every county's households).
HOUSEHOLDS_SQL = """
/*NAME*/ AS MATERIALIZED (
    SELECT hh.id, hh.village_id, hh.status
    FROM v CROSS JOIN LATERAL (
        SELECT x.id, x.village_id, x.status FROM households_household x WHERE x.village_id = v.id OFFSET 0
    ) hh
),
"""

# Their ids as runs of consecutive ids: one index range per run reads exactly the county's rows of a
# table keyed by household (every id of a run is the county's). Households registered together make
# one long run; a late registration between other counties' households is a run of its own, read by
# one index lookup. So the cost follows the county's own households, whatever the registration order.
RUNS_SQL = """
runs AS MATERIALIZED (
    SELECT min(r.id) AS lo, max(r.id) AS hi
    FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS run FROM /*NAME*/) r
    GROUP BY r.run
),
"""

# The counted columns of a section figure: those the village statement fills (summed up to the township
# and county) and those the complaint statement fills per area (distinct households, not summed).
VILLAGE_COLUMNS = (
    "assisted_households",
    "without_cadre",
    "without_plan",
    "not_visited",
    "overdue_follow_ups",
    "households_with_overdue",
    "registered_households",
    "exited_households",
)
COMPLAINT_COLUMNS = (
    "wrong_inclusion",
    "wrong_exit",
    "left_out",
    "complaints",
    "unanswered",
    "answered_late",
)
# The rectification ledger's counts (supervision.selectors.ledger_counts_by_area) and the section
# figure's columns that hold them, summed from an area up to the county.
LEDGER_COLUMNS = {
    "total": "problems",
    "open": "problems_open",
    "closed": "problems_closed",
    "overdue": "problems_overdue",
    "closed_on_time": "problems_closed_on_time",
}
