from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exits.choices import (
    CheckTaskStateChoices,
    ExitStepChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    MonitoringStepChoices,
    RiskChoices,
)
from exits.models import (
    Campaign,
    CheckTask,
    CountyExit,
    ExitFlag,
    ExitObjection,
    ExitProcedure,
    ExitSignoff,
    MonitoringAssistance,
    MonitoringCase,
    MonitoringSignoff,
    VillageExit,
    VillageStandardCheck,
)
from exits.services import exit_next_steps, monitoring_next_steps


class ConditionCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field named "label", not Field.label
    passed = serializers.BooleanField()
    message = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    household = serializers.IntegerField()
    year = serializers.IntegerField()
    eligible = serializers.BooleanField()
    poverty_line = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    per_capita_net_income = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    checks = ConditionCheckSerializer(many=True)


class ExitFlagSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    village = serializers.CharField(source="household.village.name", read_only=True)

    class Meta:
        model = ExitFlag
        fields = [
            "id",
            "household",
            "household_number",
            "village",
            "year",
            "eligible",
            "failing",
            "proposed",
            "computed_at",
        ]


class ScreeningRequestSerializer(serializers.Serializer):
    area_code = serializers.CharField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class JobRefSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    url = serializers.CharField()


class SignoffSerializer(serializers.ModelSerializer):
    step = serializers.CharField(read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    signed_by_name = serializers.CharField(source="signed_by.display_name", read_only=True)
    step_display = serializers.CharField(source="get_step_display", read_only=True)

    class Meta:
        model: type[models.Model] = ExitSignoff  # MonitoringSignoffSerializer's Meta names its own
        fields = [
            "id",
            "step",
            "step_display",
            "from_state",
            "to_state",
            "signed_by",
            "signed_by_name",
            "role",
            "signed_at",
            "comment",
        ]


class MonitoringSignoffSerializer(SignoffSerializer):
    class Meta(SignoffSerializer.Meta):
        model = MonitoringSignoff


class ExitObjectionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    received_on = serializers.DateField(source="raised_on", read_only=True)  # the API keeps its name

    class Meta:
        model = ExitObjection
        fields = [
            "id",
            "procedure",
            "received_on",
            "raised_by",
            "content",
            "status",
            "decided_at",
            "decision_reason",
            "version",
        ]


# A household's procedure (exit, monitoring): the household's number and village, and the steps that
# may follow (`next_steps_of`, the procedure's own rule). No docstring: it would describe the schema's
# components.
class _HouseholdCaseSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    village = serializers.CharField(source="household.village.name", read_only=True)
    next_steps = serializers.SerializerMethodField()
    next_steps_of: Callable[[Any], list[str]]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_steps(self, obj: Any) -> list[str]:
        return type(self).next_steps_of(obj)


class ExitProcedureSerializer(_HouseholdCaseSerializer):
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    next_steps_of = staticmethod(exit_next_steps)

    class Meta:
        model = ExitProcedure
        fields = [
            "id",
            "household",
            "household_number",
            "village",
            "year",
            "state",
            "state_display",
            "next_steps",
            "notice_started_on",
            "sent_back_reason",
            "approved_on",
            "version",
        ]


class ExitProcedureDetailSerializer(ExitProcedureSerializer):
    signoffs = SignoffSerializer(many=True, read_only=True)
    objections = ExitObjectionSerializer(many=True, read_only=True)

    class Meta(ExitProcedureSerializer.Meta):
        fields = [*ExitProcedureSerializer.Meta.fields, "signoffs", "objections"]


class ProposeSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    """A step is signed by the caller, now: a sign-off cannot be dated or attributed by the client."""

    step = serializers.CharField(help_text=", ".join(ExitStepChoices.values))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        forbidden = sorted({"signed_at", "signed_on", "signed_by", "date"} & set(self.initial_data or {}))
        if forbidden:
            from django.utils.translation import gettext as _

            raise serializers.ValidationError(
                {
                    name: _("A sign-off is dated and attributed when it is recorded; it cannot be set.")
                    for name in forbidden
                }
            )
        return attrs


class MonitoringSignSerializer(SignSerializer):
    step = serializers.CharField(help_text=", ".join(MonitoringStepChoices.values))


class ObjectionCreateSerializer(serializers.Serializer):
    content = serializers.CharField()
    raised_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    reason = serializers.CharField()


class MonitoringAssistanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringAssistance
        fields = ["id", "measure", "started_on", "amount"]


class MonitoringCaseSerializer(_HouseholdCaseSerializer):
    category = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]  # the field named "source", not Field.source
    state = serializers.CharField(read_only=True)
    risks = serializers.ListField(child=serializers.CharField(), read_only=True)
    next_steps_of = staticmethod(monitoring_next_steps)

    class Meta:
        model = MonitoringCase
        fields = [
            "id",
            "household",
            "household_number",
            "village",
            "category",
            "source",
            "risks",
            "description",
            "essential_spending",
            "state",
            "reported_on",
            "decision_due",
            "notice_started_on",
            "included_on",
            "removed_on",
            "next_steps",
            "version",
        ]
        read_only_fields = [
            f
            for f in fields
            if f not in ("household", "category", "source", "risks", "description", "essential_spending")
        ]


class MonitoringCaseDetailSerializer(MonitoringCaseSerializer):
    signoffs = MonitoringSignoffSerializer(many=True, read_only=True)
    assistance = MonitoringAssistanceSerializer(many=True, read_only=True)

    class Meta(MonitoringCaseSerializer.Meta):
        fields = [*MonitoringCaseSerializer.Meta.fields, "signoffs", "assistance"]


class MonitoringReportSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    category = serializers.ChoiceField(choices=MonitoringCategoryChoices.choices)
    source = serializers.ChoiceField(choices=MonitoringSourceChoices.choices)  # type: ignore[assignment]  # the field named "source", not Field.source
    risks = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskChoices.choices), allow_empty=False
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    essential_spending = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0")
    )


class StandardCheckSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="standard.title", read_only=True)

    class Meta:
        model = VillageStandardCheck
        fields = ["id", "standard", "title", "met", "note"]


class VillageExitSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = VillageExit
        fields = [
            "id",
            "village_code",
            "village_name",
            "year",
            "state",
            "poor_people",
            "population",
            "incidence",
            "threshold",
            "decided_at",
            "decision_note",
            "version",
        ]


class VillageExitDetailSerializer(VillageExitSerializer):
    checks = StandardCheckSerializer(many=True, read_only=True)

    class Meta(VillageExitSerializer.Meta):
        fields = [*VillageExitSerializer.Meta.fields, "checks"]


class VillageStandardCheckInputSerializer(serializers.Serializer):
    standard = serializers.IntegerField()
    met = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class VillageExitProposeSerializer(serializers.Serializer):
    village_code = serializers.CharField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    checks = VillageStandardCheckInputSerializer(many=True, required=False, default=list)


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CountyExitSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code")
    state = serializers.CharField(read_only=True)

    class Meta:
        model = CountyExit
        fields = [
            "id",
            "county_code",
            "year",
            "state",
            "poor_people",
            "population",
            "incidence",
            "threshold",
            "province_check_passed",
            "province_check_on",
            "province_check_note",
            "assessor",
            "assessment_on",
            "assessment_passed",
            "wrong_exit_rate",
            "missed_rate",
            "satisfaction_rate",
            "decided_at",
        ]
        read_only_fields = ["state", "poor_people", "population", "incidence", "threshold", "decided_at"]


class CampaignSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code")
    state = serializers.CharField(read_only=True)
    done = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "area_code", "title", "starts_on", "due_on", "state", "task_count", "done"]
        read_only_fields = ["state", "task_count"]


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True})
class ProgressKeyField(serializers.JSONField):
    """The village's code (text) in by_village, the cadre's id (a number) in by_cadre."""


class ProgressRowSerializer(serializers.Serializer):
    key = ProgressKeyField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    problems = serializers.IntegerField()
    percent = serializers.IntegerField()


class CampaignProgressSerializer(serializers.Serializer):
    by_village = ProgressRowSerializer(many=True)
    by_cadre = ProgressRowSerializer(many=True)


class CheckTaskSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    village = serializers.CharField(source="household.village.name", read_only=True)

    class Meta:
        model = CheckTask
        fields = [
            "id",
            "campaign",
            "household",
            "household_number",
            "village",
            "cadre",
            "state",
            "findings",
            "done_at",
            "version",
        ]


class CheckTaskCompleteSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[c for c in CheckTaskStateChoices.choices if c[0] != CheckTaskStateChoices.PENDING]
    )
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)
