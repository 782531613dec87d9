"""Serializers validate input and hand it to the services. Amounts are decimal strings in and out:
a JSON number is refused, so no amount ever passes through a float."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from areas.choices import AreaLevelChoices
from areas.models import Area
from core.money import money_parse, to_wan
from funds.choices import DisbursementKindChoices, NoticeKindChoices, ProjectStatusChoices
from funds.models import (
    Allocation,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectCategory,
    ProjectFunding,
)
from households.models import Household


class MoneyField(serializers.DecimalField):
    """Yuan with two decimals; accepts only text such as "1234.50" and answers with text."""

    default_error_messages = {
        "not_text": _("Send amounts as decimal text such as “1234.50”, not as a JSON number."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        self.allow_negative = kwargs.pop("allow_negative", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("not_text")
        try:
            return money_parse(data, field_name="value", allow_negative=self.allow_negative)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["value"]) from exc


class WanField(serializers.DecimalField):
    """A read-only amount in 万元 (yuan / 10,000, rounded half up to two decimals)."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, read_only=True, source=source, **kwargs)

    def to_representation(self, value: Any) -> Any:
        wan = to_wan(value)
        return None if wan is None else super().to_representation(wan)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key that must name a row in the caller's scope; others simply "do not exist"."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        self.filters = kwargs.pop("filters", {})
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.model.objects.visible_to(self.context["request"].user).filter(**self.filters)


@extend_schema_field(OpenApiTypes.INT)
class CategoryField(serializers.PrimaryKeyRelatedField):
    """A category from the lists that apply to the caller's areas (both lists, so that choosing a
    negative-list entry gets its own clear refusal from the service)."""

    def get_queryset(self) -> Any:
        from funds.selectors import categories_applicable_to

        return categories_applicable_to(self.context["request"].user)


class FundSourceSerializer(serializers.ModelSerializer):
    area = ScopedRelatedField(Area, filters={"level": AreaLevelChoices.COUNTY})
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = FundSource
        fields = ["id", "area", "name", "level", "level_display", "kind", "kind_display"]


class AllocationSerializer(serializers.ModelSerializer):
    source = ScopedRelatedField(FundSource)  # type: ignore[assignment]  # the field, not Field.source
    amount = MoneyField()
    assigned_total = MoneyField(read_only=True)
    unassigned = MoneyField(read_only=True)
    amount_wan = WanField(source="amount")
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "county",
            "source",
            "source_name",
            "year",
            "document_number",
            "document_date",
            "amount",
            "amount_wan",
            "assigned_total",
            "unassigned",
            "note",
            "version",
        ]
        read_only_fields = ["county", "version"]


class ProjectCategorySerializer(serializers.ModelSerializer):
    list_kind_display = serializers.CharField(source="get_list_kind_display", read_only=True)

    class Meta:
        model = ProjectCategory
        fields = ["id", "area", "code", "name", "list_kind", "list_kind_display", "keywords", "note"]


class ProjectSerializer(serializers.ModelSerializer):
    area = ScopedRelatedField(
        Area, filters={"level__in": [AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP]}
    )
    category = CategoryField()
    villages = ScopedRelatedField(
        Area, many=True, required=False, filters={"level": AreaLevelChoices.VILLAGE}
    )
    households = ScopedRelatedField(Household, many=True, required=False)
    budget = MoneyField()
    allocated_total = MoneyField(read_only=True)
    paid_total = MoneyField(read_only=True)
    balance = MoneyField(read_only=True)
    rate = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Project
        fields = [
            "id",
            "area",
            "name",
            "category",
            "description",
            "year",
            "budget",
            "status",
            "status_display",
            "villages",
            "households",
            "allocated_total",
            "paid_total",
            "balance",
            "rate",
            "approved_at",
            "version",
        ]
        read_only_fields = ["status", "approved_at"]


class ProjectTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatusChoices.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ProjectFundSerializer(serializers.Serializer):
    allocation = ScopedRelatedField(Allocation)
    amount = MoneyField()


class ProjectMeasureSerializer(serializers.Serializer):
    measure = serializers.IntegerField()


class NoticeStandardSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKindChoices.choices)
    starts_on = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=90)
    extra_text = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ProjectFundingSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    paid_total = MoneyField(read_only=True)
    balance = MoneyField(read_only=True)
    source_name = serializers.CharField(source="allocation.source.name", read_only=True)
    document_number = serializers.CharField(source="allocation.document_number", read_only=True)

    class Meta:
        model = ProjectFunding
        fields = [
            "id",
            "project",
            "allocation",
            "source_name",
            "document_number",
            "amount",
            "paid_total",
            "balance",
        ]


class DisbursementSerializer(serializers.ModelSerializer):
    funding = ScopedRelatedField(ProjectFunding)
    household = ScopedRelatedField(Household, required=False, allow_null=True)
    measure = serializers.IntegerField(required=False, allow_null=True, source="measure_id")
    amount = MoneyField(allow_negative=True)
    idempotency_key = serializers.CharField(max_length=64, required=False)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "project",
            "funding",
            "household",
            "measure",
            "kind",
            "amount",
            "paid_on",
            "voucher_number",
            "payee",
            "note",
            "reverses",
            "reversed_by",
            "idempotency_key",
            "recorded_at",
        ]
        read_only_fields = ["project", "kind", "reverses", "recorded_at"]

    def get_reversed_by(self, obj: Disbursement) -> int | None:
        reversal = getattr(obj, "reversal", None) if obj.kind == DisbursementKindChoices.PAYMENT else None
        return reversal.pk if reversal is not None else None


class ReversalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    idempotency_key = serializers.CharField(max_length=64, required=False)


class NoticeSerializer(serializers.ModelSerializer):
    project = ScopedRelatedField(Project)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "project", "kind", "title", "body", "starts_on", "ends_on", "state"]


class DeclaredPartSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=120)  # type: ignore[assignment]  # the field, not Field.label
    amount = MoneyField(allow_negative=True)


class DeclaredTotalSerializer(serializers.ModelSerializer):
    area = ScopedRelatedField(Area)
    declared_amount = MoneyField()
    parts = DeclaredPartSerializer(many=True)
    parts_sum = MoneyField(read_only=True, allow_negative=True)
    difference = MoneyField(read_only=True, allow_negative=True)
    declared_wan = WanField(source="declared_amount")
    parts_sum_wan = WanField(source="parts_sum")

    class Meta:
        model = DeclaredTotal
        fields = [
            "id",
            "area",
            "title",
            "year",
            "source_document",
            "declared_amount",
            "declared_wan",
            "parts",
            "parts_sum",
            "parts_sum_wan",
            "difference",
        ]


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field, not Field.label
    allocated = MoneyField()
    allocated_wan = MoneyField()
    paid = MoneyField(allow_negative=True)
    paid_wan = MoneyField(allow_negative=True)
    balance = MoneyField(allow_negative=True)
    rate = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class ExecutionReportSerializer(serializers.Serializer):
    by = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    rows = ReportRowSerializer(many=True)
    total = ReportRowSerializer()


class MismatchSerializer(serializers.Serializer):
    what = serializers.CharField()
    record = serializers.CharField()
    record_id = serializers.IntegerField(source="record.pk")
    stated = MoneyField(allow_negative=True)
    computed = MoneyField(allow_negative=True)
    difference = MoneyField(allow_negative=True)


class ReconciliationSerializer(serializers.Serializer):
    declared = MismatchSerializer(many=True)
    ledger = MismatchSerializer(many=True)


class HouseholdReceiptsSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    total = MoneyField(allow_negative=True)
    payments = DisbursementSerializer(many=True)


class PublicLookupRequestSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=60)


class PublicReceiptSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    project = serializers.CharField(source="project.name")
    kind = serializers.CharField()
    amount = MoneyField(allow_negative=True)


class PublicLookupResponseSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    village = serializers.CharField(allow_null=True)
    head = serializers.CharField(allow_null=True)
    household_number = serializers.CharField(allow_null=True)
    total = MoneyField(allow_negative=True, allow_null=True)
    receipts = PublicReceiptSerializer(many=True)
