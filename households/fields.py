"""The registry's editable fields, named once: the services clean them (households.services.registry),
the forms and the API offer them, and the spreadsheet import (households.imports.staging) writes them
from its sheet."""

HOUSEHOLD_FIELDS = (
    "address",
    "phone",
    "attribute",
    "main_cause",
    "secondary_causes",
    "typology",
    "year_identified",
)
MEMBER_FIELDS = (
    "name",
    "id_number",
    "relation",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour_capacity",
    "work_status",
    "medical_insurance",
    "pension_insurance",
    "phone",
)
# What a sheet's row updates of a member it finds: not the ID number (the row finds the member by it)
# nor a phone (the sheet's phone column is the household's).
MEMBER_SHEET_FIELDS = tuple(f for f in MEMBER_FIELDS if f not in ("id_number", "phone"))
