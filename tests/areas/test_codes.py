"""An area knows the areas enclosing it from its code (the codes carry their ancestors): the county and
province of a village without code arithmetic in each app."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.choices import AreaLevelChoices as L


def test_a_village_knows_its_county_and_province_codes_without_a_query(county: Any) -> None:
    village = county.village_a1
    with CaptureQueriesContext(connection) as queries:
        assert village.county_code == county.county.code
        assert village.province_code == county.province.code
        assert village.code_at(L.TOWNSHIP) == county.town_a.code
        assert village.code_at(L.VILLAGE) == village.code
    assert len(queries) == 0


def test_an_area_is_enclosed_by_the_loaded_areas_above_it_and_by_none_below(county: Any) -> None:
    assert county.village_a1.enclosing(L.COUNTY) == county.county
    assert county.village_a1.enclosing(L.PREFECTURE) == county.prefecture
    assert county.county.enclosing(L.COUNTY) == county.county
    assert county.county.enclosing(L.TOWNSHIP) is None  # a county is in no township
    assert county.prefecture.enclosing(L.COUNTY) is None


def test_a_code_below_the_areas_own_level_is_refused(county: Any) -> None:
    with pytest.raises(ValueError, match="above the county level"):
        county.prefecture.code_at(L.COUNTY)
