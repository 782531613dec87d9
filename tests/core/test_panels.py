from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core import panels
from tests.factories import make_household

pytestmark = pytest.mark.django_db


def test_registered_panels_render_in_order_for_their_model_only(
    county: Any, tmp_path: Any, settings: Any
) -> None:
    # given: two panels for households and one for areas, from throwaway templates
    (tmp_path / "p1.html").write_text("P1:{{ record.number }}")
    (tmp_path / "p2.html").write_text("P2")
    (tmp_path / "p3.html").write_text("AREA")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    saved = list(panels._PANELS)
    panels._PANELS.clear()  # only this test's panels, not the apps' real ones
    panels.register("households.Household", "p2.html", order=20)
    panels.register("households.Household", "p1.html", order=10)
    panels.register("areas.Area", "p3.html")
    household = make_household(county.village_a1, number="HH-1")
    request = RequestFactory().get("/")
    request.user = county.staff_a
    try:
        # when
        html = Template("{% load povertycase %}{% record_panels h %}").render(
            Context({"h": household, "request": request})
        )
    finally:
        panels._PANELS[:] = saved
    # then
    assert html == "P1:HH-1P2"
