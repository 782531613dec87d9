"""Who helps and how (谁来扶、怎么扶): work teams, responsible cadres and their pairings with
households, visits and follow-ups, household and village plans, and the measures that reach each
household. Split by concern: `teams` (who helps) and `records` (how they help)."""

from .records import AssistancePlan, FollowUp, Measure, VillagePlan, Visit
from .teams import Cadre, CadrePairing, TeamMembership, TeamVillage, WorkTeam

__all__ = [
    "AssistancePlan",
    "Cadre",
    "CadrePairing",
    "FollowUp",
    "Measure",
    "TeamMembership",
    "TeamVillage",
    "VillagePlan",
    "Visit",
    "WorkTeam",
]
