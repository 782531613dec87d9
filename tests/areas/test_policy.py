"""The one policy store (areas.policy): one resolution rule, one service that checks and audits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from areas.models import PolicyValue
from areas.policy import policy_keys
from areas.selectors import policy_get, policy_in_force
from areas.services import policy_set
from assistance.policy import VISIT_DAYS
from assistance.selectors import visit_days_for
from core.audit import audit_context, audit_events_for
from core.exceptions import ConflictError
from households.policy import NOTICE_MIN_DAYS, WEIGHT_KEYS
from households.selectors import policy_for
from supervision.choices import ComplaintKindChoices
from supervision.policy import ANSWER_DAYS
from supervision.services import answer_days
from tests.factories import make_area, make_user

pytestmark = pytest.mark.django_db

NOTICE = NOTICE_MIN_DAYS.name


def test_the_most_specific_area_wins_then_the_county_then_the_default(county: Any) -> None:
    # given: nothing stored anywhere
    assert policy_get(NOTICE_MIN_DAYS, county.village_a1) == 7 == NOTICE_MIN_DAYS.default

    # when: the province, the county, township A and village A2 set the notice minimum
    province_admin = make_user(RoleChoices.SYSTEM_ADMIN, county.province, username="province_admin")
    policy_set(area=county.province, user=province_admin, values={NOTICE: 6})
    policy_set(area=county.county, user=county.county_admin, values={NOTICE: 9})
    policy_set(area=county.town_a, user=county.county_admin, values={NOTICE: 10})
    policy_set(area=county.village_a2, user=county.county_admin, values={NOTICE: 12})

    # then: each area reads the value of the nearest area above it that set one
    assert policy_get(NOTICE_MIN_DAYS, county.village_a2) == 12  # the village's own
    assert policy_get(NOTICE_MIN_DAYS, county.village_a1) == 10  # its township's
    assert policy_get(NOTICE_MIN_DAYS, county.town_a) == 10
    assert policy_get(NOTICE_MIN_DAYS, county.village_b1) == 9  # the county's
    assert policy_get(NOTICE_MIN_DAYS, county.county) == 9
    assert policy_get(NOTICE_MIN_DAYS, county.prefecture) == 6  # the province's
    assert policy_get(NOTICE_MIN_DAYS, None) == 7  # no area: the default
    found = policy_in_force(county.village_a1, [NOTICE_MIN_DAYS])[NOTICE]
    assert (found.value, found.source) == (10, county.town_a.code)

    # and: a key resolves on its own; a value not set anywhere stays the default
    assert policy_for(county.village_a1).weights["housing"] == Decimal("30.00")


def test_a_value_can_go_back_to_the_one_above(county: Any) -> None:
    policy_set(area=county.county, user=county.county_admin, values={NOTICE: 9})
    policy_set(area=county.town_a, user=county.county_admin, values={NOTICE: 10})

    policy_set(area=county.town_a, user=county.county_admin, inherit=[NOTICE])

    assert policy_get(NOTICE_MIN_DAYS, county.village_a1) == 9
    assert not PolicyValue.objects.filter(area=county.town_a).exists()


def test_types_bounds_levels_and_combinations_are_checked_and_nothing_is_half_written(county: Any) -> None:
    admin = county.county_admin
    weights = {key.name: "0" for key in WEIGHT_KEYS.values()}
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (county.county, {NOTICE: 0}, NOTICE),
        (county.county, {NOTICE: 2.5}, NOTICE),
        (county.county, {NOTICE: "seven"}, NOTICE),
        (county.county, {WEIGHT_KEYS["grain"].name: -1}, WEIGHT_KEYS["grain"].name),
        (county.county, {WEIGHT_KEYS["grain"].name: "1.005"}, WEIGHT_KEYS["grain"].name),
        (county.county, {NOTICE: 8, **weights}, WEIGHT_KEYS["housing"].name),  # weights add up to zero
        (county.town_a, {VISIT_DAYS.name: 20}, VISIT_DAYS.name),  # set by a county or above
        (county.county, {VISIT_DAYS.name: 0}, VISIT_DAYS.name),
    ]
    for area, values, field in cases:
        with pytest.raises(ValidationError) as refused:
            policy_set(area=area, user=admin, values=values)
        assert field in refused.value.message_dict, values
    with pytest.raises(ValidationError):
        policy_set(area=county.county, user=admin, values={"households.no_such_key": 1})
    assert not PolicyValue.objects.exists()

    # a float is refused: a binary fraction is not what someone typed
    with pytest.raises(ValidationError):
        policy_set(area=county.county, user=admin, values={WEIGHT_KEYS["grain"].name: 0.1})


def test_the_capability_and_scope_of_each_key_are_checked(county: Any) -> None:
    other_county = make_area("622921000000", "临夏县", AreaLevelChoices.COUNTY, county.prefecture)
    other_admin = make_user(RoleChoices.SYSTEM_ADMIN, other_county, username="other_admin")

    with pytest.raises(Http404):  # another county's: as if it did not exist
        policy_set(area=county.county, user=other_admin, values={NOTICE: 9})
    with pytest.raises(PermissionDenied):  # a township's staff do not set the registry policy
        policy_set(area=county.town_a, user=county.staff_a, values={NOTICE: 9})
    with pytest.raises(PermissionDenied):  # a county official sets exit rules, not the registry's
        policy_set(area=county.county, user=county.county_official, values={NOTICE: 9})
    assert not PolicyValue.objects.exists()


def test_a_change_is_audited_and_versioned_and_a_stale_edit_is_a_conflict(county: Any) -> None:
    with audit_context(county.county_admin):
        first = policy_set(area=county.county, user=county.county_admin, values={NOTICE: 9})[NOTICE]
        second = policy_set(
            area=county.county,
            user=county.county_admin,
            values={NOTICE: 11},
            versions={NOTICE: first.version},
        )[NOTICE]

    assert second.version == first.version + 1
    latest = audit_events_for(second)[0]
    assert latest["action"] == "update"
    assert latest["changes"]["value"] == [9, 11]
    assert latest["user"] == county.county_admin
    with pytest.raises(ConflictError):  # an editor who read version 1 does not overwrite version 2
        policy_set(area=county.county, user=county.county_admin, values={NOTICE: 5}, versions={NOTICE: 1})
    assert policy_get(NOTICE_MIN_DAYS, county.village_a1) == 11


def test_assistance_and_supervision_read_their_values_through_the_store(county: Any) -> None:
    assert visit_days_for(county.village_a1) == 30
    assert answer_days(ComplaintKindChoices.UNFAIR, county.village_a1) == 10

    policy_set(
        area=county.county,
        user=county.county_admin,
        values={VISIT_DAYS.name: 45, ANSWER_DAYS[ComplaintKindChoices.UNFAIR].name: 7},
    )

    assert visit_days_for(county.village_a1) == 45
    assert answer_days(ComplaintKindChoices.UNFAIR, county.village_a1) == 7
    assert answer_days(ComplaintKindChoices.LEFT_OUT, county.village_a1) == 15


def test_every_key_is_declared_once_with_a_valid_default() -> None:
    keys = policy_keys()
    names = [key.name for key in keys]
    assert len(names) == len(set(names))
    assert {"households", "assistance", "supervision"} <= {key.app for key in keys}
    for key in keys:
        assert key.load(key.dump(key.default)) == key.default, key.name
        if key.default is not None:  # None: a yearly figure nobody decided is not set
            assert key.parse(key.dump(key.default)) == key.default, key.name
