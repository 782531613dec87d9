"""API shapes. Input serializers validate types and hand the data to the services; output
serializers show ID numbers masked unless the caller's role needs them (and then the view logs it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from areas.models import Area
from core.api.personal import PersonalField
from core.dates import validate_year
from core.masking import masked

from ..choices import (
    CrossCheckSourceChoices,
    DuplicateKindChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    HousingSafetyChoices,
    IdentificationStageChoices,
    MembershipChangeReasonChoices,
    ObjectionStatusChoices,
    PovertyCauseChoices,
    ProcedureStatusChoices,
    RelationChoices,
    ReviewStatusChoices,
    StepDecisionChoices,
)
from ..models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    Household,
    IdentificationProcedure,
    IdentificationStep,
    Member,
    NoticeObjection,
)
from ..services import HOUSEHOLD_FIELDS, MEMBER_FIELDS


def enum_field(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A ChoiceField; its enum is named in the schema by households.apps (ENUM_NAME_OVERRIDES)."""
    return serializers.ChoiceField(choices=choices, **kwargs)


def many_enum_field(choices: Any, **kwargs: Any) -> serializers.ListField:
    # Documented as a list of strings (the values are main_cause's): one enum, one name in the schema.
    values = [value for value, _label in choices]
    schema = {"type": "array", "items": {"type": "string"}, "description": "One of: " + ", ".join(values)}
    field_class = extend_schema_field(schema)(type("InlineMultipleChoiceField", (serializers.ListField,), {}))
    return field_class(child=serializers.ChoiceField(choices=choices), **kwargs)


_MEMBER_SHOWN = [f for f in MEMBER_FIELDS if f != "phone"]
_AFTER_RELATION = _MEMBER_SHOWN.index("relation") + 1


class MemberSerializer(serializers.ModelSerializer):
    id_number = PersonalField()  # in full for view_full_id, logged by the view (RevealLoggingMixin)
    birth_date = PersonalField()  # the ID number's hidden digits: as the ID number (core.masking)
    relation_display = serializers.CharField(source="get_relation_display", read_only=True)

    class Meta:
        model = Member
        # the registry's member fields but the phone (not served here), with the relation's label after it
        fields = ["id", "household", *_MEMBER_SHOWN[:_AFTER_RELATION], "relation_display"]
        fields += [*_MEMBER_SHOWN[_AFTER_RELATION:], "version"]


class HouseholdSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="village.parent.name", read_only=True, default="")
    head_name = serializers.CharField(source="head.name", read_only=True, default="")
    head_id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    status = enum_field(HouseholdStatusChoices.choices, read_only=True)
    main_cause = enum_field(PovertyCauseChoices.choices, read_only=True)
    secondary_causes = many_enum_field(PovertyCauseChoices.choices, read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "village",
            "village_code",
            "village_name",
            "township_name",
            "head_name",
            "head_id_number",
            *HOUSEHOLD_FIELDS,
            "status",
            "status_display",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_head_id_number(self, household: Household) -> str:
        # Lists always show the number masked; the members endpoint serves full numbers to roles
        # that need them, logged.
        return masked(Member, "id_number", household.head.id_number if household.head else "")

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, household: Household) -> str:
        return masked(household, "phone", household.phone)


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)
    latest_per_capita_income = serializers.SerializerMethodField()

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members", "latest_per_capita_income"]

    # a decimal string in yuan like every amount (OpenApiTypes.DECIMAL would promise a JSON number)
    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_latest_per_capita_income(self, household: Household) -> Any:
        record = household.incomes.order_by("-year").first()
        return str(record.per_capita_net_income) if record else None


class MemberInputSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(max_length=24)

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        extra_kwargs = {"phone": {"required": False}}


class HouseholdRegisterSerializer(serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    attribute = serializers.ChoiceField(choices=HouseholdAttributeChoices.choices, required=False)
    main_cause = enum_field(PovertyCauseChoices.choices)
    secondary_causes = many_enum_field(PovertyCauseChoices.choices, required=False)
    typology = serializers.ChoiceField(
        choices=HouseholdTypologyChoices.choices, required=False, allow_blank=True
    )
    year_identified = serializers.IntegerField(required=False, allow_null=True)
    members = MemberInputSerializer(many=True)


class HouseholdUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    attribute = serializers.ChoiceField(choices=HouseholdAttributeChoices.choices, required=False)
    main_cause = enum_field(PovertyCauseChoices.choices, required=False)
    secondary_causes = many_enum_field(PovertyCauseChoices.choices, required=False)
    typology = serializers.ChoiceField(
        choices=HouseholdTypologyChoices.choices, required=False, allow_blank=True
    )
    year_identified = serializers.IntegerField(required=False, allow_null=True)


class MemberUpdateSerializer(MemberInputSerializer):
    version = serializers.IntegerField()

    class Meta(MemberInputSerializer.Meta):
        fields = [f for f in MemberInputSerializer.Meta.fields if f != "relation"] + ["version"]


class MemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=MembershipChangeReasonChoices.choices)
    new_head = serializers.IntegerField(required=False, allow_null=True)


class MemberMoveSerializer(serializers.Serializer):
    to_household = serializers.IntegerField()
    moved_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=MembershipChangeReasonChoices.choices)
    relation = serializers.ChoiceField(choices=RelationChoices.choices)
    new_head = serializers.IntegerField(required=False, allow_null=True)


class IncomeInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2013, validators=[validate_year])
    wage_income = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    production_income = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    property_income = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    transfer_income = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    production_costs = serializers.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), min_value=0
    )


class IncomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    member_count = serializers.IntegerField()
    per_capita_net_income = serializers.DecimalField(max_digits=14, decimal_places=2)


class ConditionsInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    food_secure = serializers.BooleanField(default=False)
    clothing_secure = serializers.BooleanField(default=False)
    compulsory_education_secured = serializers.BooleanField(default=False)
    medical_insured = serializers.BooleanField(default=False)
    medical_access = serializers.BooleanField(default=False)
    housing_grade = serializers.ChoiceField(choices=HousingSafetyChoices.choices)
    safe_drinking_water = serializers.BooleanField(default=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class FourLooksInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    housing_score = serializers.IntegerField()
    grain_score = serializers.IntegerField()
    labour_score = serializers.IntegerField()
    students_score = serializers.IntegerField()
    notes = serializers.CharField(required=False, allow_blank=True)


class FourLooksSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessed_on = serializers.DateField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    weights = serializers.DictField(child=serializers.CharField())


class StepSerializer(serializers.ModelSerializer):
    stage = enum_field(IdentificationStageChoices.choices, read_only=True)
    decision = enum_field(StepDecisionChoices.choices, read_only=True)
    signer_role = serializers.CharField(source="role", read_only=True)  # the API keeps its name

    class Meta:
        model = IdentificationStep
        fields = ["id", "stage", "decision", "signer_name", "signer_role", "signed_at", "comment"]


class ObjectionSerializer(serializers.ModelSerializer):
    status = enum_field(ObjectionStatusChoices.choices, read_only=True)
    # the API keeps its names for the shared columns (core.procedures.models.NoticeObjectionBase)
    resolution = serializers.CharField(source="decision_reason", read_only=True)
    resolved_at = serializers.DateTimeField(source="decided_at", read_only=True, allow_null=True)

    class Meta:
        model = NoticeObjection
        fields = ["id", "raised_on", "raised_by", "content", "status", "resolution", "resolved_at"]


class ProcedureSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    status = enum_field(ProcedureStatusChoices.choices, read_only=True)
    next_stage = serializers.CharField(read_only=True, help_text="The stage to sign next (a `stage` value).")

    class Meta:
        model = IdentificationProcedure
        fields = [
            "id",
            "household",
            "status",
            "next_stage",
            "notice_min_days",
            "notice_started_on",
            "rejection_reason",
            "created_at",
            "finished_at",
            "steps",
            "objections",
        ]


class SignInputSerializer(serializers.Serializer):
    stage = enum_field(IdentificationStageChoices.choices)
    decision = enum_field(StepDecisionChoices.choices, default=StepDecisionChoices.PASS)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ObjectionInputSerializer(serializers.Serializer):
    raised_on = serializers.DateField()
    raised_by = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    content = serializers.CharField()


class ObjectionResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    resolution = serializers.CharField()


class ReviewInputSerializer(serializers.Serializer):
    status = enum_field(ReviewStatusChoices.choices)
    review_note = serializers.CharField(allow_blank=True)


class DuplicateSerializer(serializers.ModelSerializer):
    member_a_name = serializers.CharField(source="member_a.name", read_only=True)
    member_b_name = serializers.CharField(source="member_b.name", read_only=True)
    status = enum_field(ReviewStatusChoices.choices, read_only=True)
    kind = enum_field(DuplicateKindChoices.choices, read_only=True)

    class Meta:
        model = DuplicateCandidate
        fields = [
            "id",
            "member_a",
            "member_a_name",
            "member_b",
            "member_b_name",
            "kind",
            "status",
            "review_note",
            "reviewed_at",
        ]


class CrossCheckMatchSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="batch.source_name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    status = enum_field(ReviewStatusChoices.choices, read_only=True)

    class Meta:
        model = CrossCheckMatch
        fields = [
            "id",
            "batch",
            "source_name",
            "member",
            "member_name",
            "household",
            "detail",
            "status",
            "review_note",
            "reviewed_at",
        ]


class CrossCheckBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrossCheckBatch
        fields = [
            "id",
            "area",
            "source",
            "source_name",
            "file_name",
            "row_count",
            "match_count",
            "created_at",
        ]


class CrossCheckUploadSerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    source = serializers.ChoiceField(choices=CrossCheckSourceChoices.choices)  # type: ignore[assignment]  # the field, not Field.source
    source_name = serializers.CharField(max_length=100)
    file = serializers.FileField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    migration = serializers.BooleanField(
        default=False,
        help_text="A registry migration (existing records with their status; system administrators) "
        "instead of registering new applicants as candidates.",
    )


class ImportJobSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    status_url = serializers.CharField()


class ImportStatusSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    message = serializers.CharField()
    error = serializers.CharField()
    result = serializers.DictField()
    stalled = serializers.BooleanField(help_text="Running, but its worker has not reported for a while.")
    errors_page = serializers.DictField(
        required=False, help_text="error_count, kept, page, pages of the errors in result.errors"
    )
    finished = serializers.BooleanField()
