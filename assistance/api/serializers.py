"""Read serializers show records; input serializers check the shape of a request and hand it to the
services, which own the rules (and raise the field errors the API returns)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers

from areas.models import Area
from assistance.choices import (
    FollowUpStatusChoices,
    MeasureCategoryChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PairingEndReasonChoices,
    PlanStatusChoices,
)
from assistance.models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    TeamMembership,
    TeamVillage,
    VillagePlan,
    Visit,
    WorkTeam,
)
from core.api.personal import PersonalField
from households.models import Household, Member

if TYPE_CHECKING:
    from assistance.selectors.coverage import AssistedHousehold


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference to a scoped record: one outside the caller's area is a 404, exactly like one that
    does not exist, so the API never tells which ids exist elsewhere."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(queryset=model.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        user = self.context["request"].user
        try:
            obj = self.model.objects.visible_to(user).filter(pk=int(data)).first()
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if obj is None:
            raise exceptions.NotFound()
        return obj


class PairableCadreField(serializers.PrimaryKeyRelatedField):
    """A cadre for a pairing. Not scoped to the caller (a township's cadre may help a household of a
    village first secretary; the service checks the cadre works in the household's village or above).
    An unknown id gets the service's answer for a cadre working elsewhere, so the API does not tell
    which ids exist in other areas."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Cadre.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        from assistance.services import cadre_not_eligible_message

        try:
            cadre = Cadre.objects.filter(pk=int(data)).first()
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if cadre is None:
            raise serializers.ValidationError(cadre_not_eligible_message())
        return cadre


# -- read -----------------------------------------------------------------------------------------


class CadreSerializer(serializers.ModelSerializer):
    phone = PersonalField()  # a work contact (core.masking), logged by the view when served in full
    area_code = serializers.CharField(source="area.code", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None, allow_null=True)
    household_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "unit",
            "position",
            "phone",
            "area_code",
            "username",
            "is_active",
            "household_count",
            "version",
        ]


class TeamMembershipSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = TeamMembership
        fields = ["cadre", "cadre_name", "role"]


class TeamVillageSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = TeamVillage
        fields = ["village_code", "village_name", "start", "end"]


class WorkTeamSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    members = TeamMembershipSerializer(source="memberships", many=True, read_only=True)
    villages = TeamVillageSerializer(source="village_links", many=True, read_only=True)

    class Meta:
        model = WorkTeam
        fields = [
            "id",
            "name",
            "sending_unit",
            "area_code",
            "term_start",
            "term_end",
            "status",
            "predecessor",
            "handover_notes",
            "members",
            "villages",
            "version",
        ]


class CadrePairingSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = CadrePairing
        fields = ["id", "household", "household_number", "cadre", "cadre_name", "start", "end", "end_reason"]


@extend_schema_serializer(component_name="AssistanceFollowUp")
class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "household",
            "visit",
            "description",
            "due_date",
            "status",
            "done_on",
            "done_visit",
            "outcome",
            "version",
        ]


@extend_schema_serializer(component_name="AssistanceVisit")
class VisitSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    visitor_name = serializers.CharField(
        source="visitor.display_name", read_only=True, default=None, allow_null=True
    )
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "household_number",
            "visited_on",
            "visitor",
            "visitor_name",
            "cadre",
            "team",
            "findings",
            "needs",
            "follow_ups",
            "created_at",
        ]


@extend_schema_serializer(component_name="AssistancePlan")
class AssistancePlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistancePlan
        fields = ["id", "household", "year", "goals", "status", "version"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = [
            "id",
            "household",
            "member",
            "plan",
            "category",
            "kind",
            "description",
            "start_date",
            "end_date",
            "status",
            "amount",
            "version",
        ]


class VillagePlanSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = VillagePlan
        fields = [
            "id",
            "village",
            "village_code",
            "year",
            "title",
            "goals",
            "projects",
            "team",
            "status",
            "version",
        ]


class AssistedHouseholdSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    head_name = serializers.CharField(source="head.name", read_only=True, default=None)
    active_cadre = serializers.IntegerField(source="active_cadre_id", read_only=True, allow_null=True)
    active_cadre_name = serializers.CharField(read_only=True, allow_null=True)
    has_plan = serializers.BooleanField(read_only=True)
    last_visit = serializers.DateField(read_only=True, allow_null=True)
    visit_due = serializers.BooleanField(read_only=True)
    overdue_follow_ups = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "village_code",
            "head_name",
            "status",
            "active_cadre",
            "active_cadre_name",
            "has_plan",
            "last_visit",
            "visit_due",
            "overdue_follow_ups",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_overdue_follow_ups(self, obj: AssistedHousehold) -> int:
        return obj.overdue_count or 0


# -- input ----------------------------------------------------------------------------------------


class CadreInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    unit = serializers.CharField(max_length=120)
    position = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())


class CadreUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField(max_length=60, required=False)
    unit = serializers.CharField(max_length=120, required=False)
    position = serializers.CharField(max_length=60, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class TeamPeopleSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    sending_unit = serializers.CharField(max_length=120)
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True, default=None)
    first_secretary = ScopedPrimaryKeyField(Cadre, required=False, allow_null=True, default=None)
    members = ScopedPrimaryKeyField(Cadre, many=True, required=False, default=list)


class TeamInputSerializer(TeamPeopleSerializer):
    villages = serializers.ListField(child=serializers.CharField(max_length=12), min_length=1)

    def validate_villages(self, codes: list[str]) -> list[Area]:
        user = self.context["request"].user
        found = {a.code: a for a in Area.objects.visible_to(user).filter(code__in=codes)}
        if len(found) != len(set(codes)):
            raise exceptions.NotFound()
        return [found[c] for c in dict.fromkeys(codes)]


class TeamRotateSerializer(TeamPeopleSerializer):
    version = serializers.IntegerField()
    handover_notes = serializers.CharField(required=False, default="", allow_blank=True)


class TeamEndSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    end = serializers.DateField()


class PairingInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyField(Household)
    cadre = PairableCadreField()
    start = serializers.DateField(required=False, allow_null=True, default=None)


class PairingEndSerializer(serializers.Serializer):
    end = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.ChoiceField(choices=PairingEndReasonChoices.choices)


@extend_schema_serializer(component_name="AssistanceFollowUpInput")
class FollowUpInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    due_date = serializers.DateField()


@extend_schema_serializer(component_name="AssistanceVisitInput")
class VisitInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyField(Household)
    visited_on = serializers.DateField()
    findings = serializers.CharField(max_length=4000)
    needs = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    follow_ups = FollowUpInputSerializer(many=True, required=False, default=list)
    done_follow_ups = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


@extend_schema_serializer(component_name="AssistanceFollowUpClose")
class FollowUpCloseSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=[FollowUpStatusChoices.DONE, FollowUpStatusChoices.CANCELLED],
        default=FollowUpStatusChoices.DONE,
    )
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


@extend_schema_serializer(component_name="AssistancePlanInput")
class PlanInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyField(Household)
    year = serializers.IntegerField()
    goals = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE)


@extend_schema_serializer(component_name="AssistancePlanUpdate")
class PlanUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    goals = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE)


class MeasureInputSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyField(Household)
    member = ScopedPrimaryKeyField(Member, required=False, allow_null=True)
    plan = ScopedPrimaryKeyField(AssistancePlan, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=MeasureKindChoices.choices)
    category = serializers.ChoiceField(
        choices=MeasureCategoryChoices.choices, required=False, allow_null=True
    )
    description = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=MeasureStatusChoices.choices, default=MeasureStatusChoices.PLANNED
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class MeasureUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    member = ScopedPrimaryKeyField(Member, required=False, allow_null=True)
    plan = ScopedPrimaryKeyField(AssistancePlan, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=MeasureKindChoices.choices, required=False)
    category = serializers.ChoiceField(
        choices=MeasureCategoryChoices.choices, required=False, allow_null=True
    )
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=MeasureStatusChoices.choices, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class VillagePlanInputSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=12, help_text=_("Village code"))
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    goals = serializers.CharField()
    projects = serializers.CharField(required=False, default="", allow_blank=True)
    team = ScopedPrimaryKeyField(WorkTeam, required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE)

    def validate_village(self, code: str) -> Area:
        area = Area.objects.visible_to(self.context["request"].user).filter(code=code).first()
        if area is None:
            raise exceptions.NotFound()
        return area


class VillagePlanUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    goals = serializers.CharField()
    projects = serializers.CharField(required=False, default="", allow_blank=True)
    team = ScopedPrimaryKeyField(WorkTeam, required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=PlanStatusChoices.choices, default=PlanStatusChoices.ACTIVE)


@extend_schema_serializer(component_name="AssistanceCoverageRow")
class CoverageRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # the field named "label", not Field.label
    code = serializers.CharField(help_text="Area code (village rows)")
    households = serializers.IntegerField()
    without_cadre = serializers.IntegerField()
    without_plan = serializers.IntegerField()
    not_visited = serializers.IntegerField()
    overdue_follow_ups = serializers.IntegerField()
    households_with_overdue = serializers.IntegerField()


@extend_schema_serializer(component_name="AssistanceCoverage")
class CoverageSerializer(serializers.Serializer):
    area_code = serializers.CharField(source="area.code")
    today = serializers.DateField()
    visit_days = serializers.IntegerField()
    year = serializers.IntegerField()
    total = CoverageRowSerializer()
    by_village = CoverageRowSerializer(many=True)
    by_team = CoverageRowSerializer(many=True)
    by_cadre = CoverageRowSerializer(many=True)
