"""The dashboard's sections from snapshots: what the snapshot job computes per area and date besides
incidence (assistance coverage, complaint rates, monitoring objects by risk), set-based, and how a
dashboard reads them back in a constant number of rows whatever the population.

`compute` writes (called by the incidence job for the county's own day); `read` reads.
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
