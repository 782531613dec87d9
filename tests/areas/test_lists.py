from typing import Any

import pytest

from areas.choices import AreaLevelChoices
from areas.models import Area

pytestmark = pytest.mark.django_db


def _many_villages(county: Any, n: int) -> None:
    Area.objects.bulk_create(
        Area(
            code=f"622901103{300 + i:03d}",
            name=f"村{i}",
            level=AreaLevelChoices.VILLAGE,
            parent=county.town_a,
        )
        for i in range(n)
    )


def test_area_list_endpoint_query_count_does_not_grow_with_rows(
    county: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    _many_villages(county, 40)
    client = api(county.county_official)
    with django_assert_max_num_queries(6):
        body = client.get("/api/areas/areas/", {"page_size": 100}).json()
    assert len(body["results"]) >= 40


def test_area_list_page_query_count_does_not_grow_with_rows(
    county: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    _many_villages(county, 40)
    client = web(county.county_official)
    with django_assert_max_num_queries(10):
        response = client.get("/areas/", {"level": "village"})
    assert response.content.decode().count("村") >= 40


def test_area_filters(county: Any, api: Any) -> None:
    client = api(county.county_official)
    rows = client.get("/api/areas/areas/", {"within": county.town_b.code, "level": "village"}).json()[
        "results"
    ]
    assert {r["name"] for r in rows} == {"王坪村", "江牌村"}
    rows = client.get("/api/areas/areas/", {"q": "折桥"}).json()["results"]
    assert {r["name"] for r in rows} == {"折桥镇", "折桥村"}
