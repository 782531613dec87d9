from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import User
from areas.models import Area
from households.models import Household
from supervision.choices import ComplaintFindingChoices, ProblemCategoryChoices
from supervision.models import Complaint, Inspection, Problem, ProblemFollowUp
from supervision.selectors import complainant_for


class ScopedChoicesMixin:
    """Households, inspections and people offered to a write are only those of the caller's areas, so
    an id from elsewhere is refused like a made-up one (no name or existence leaks through an error)."""

    def get_fields(self) -> dict[str, Any]:
        from supervision.selectors import assignable_people

        fields = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        for name, field in fields.items():
            if field.read_only or not hasattr(field, "queryset"):
                continue
            if name in ("responsible_person", "assignee"):
                field.queryset = assignable_people(user) if user is not None else User.objects.none()
            elif name in ("household", "inspection"):
                model = field.queryset.model
                field.queryset = model.objects.visible_to(user) if user is not None else model.objects.none()
        return fields


class AreaCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Area.objects.all(), **kwargs)


class InspectionSerializer(serializers.ModelSerializer):
    area = AreaCodeField()
    area_name = serializers.CharField(source="area.name", read_only=True)
    problem_count = serializers.IntegerField(read_only=True)
    open_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "area",
            "area_name",
            "title",
            "inspected_on",
            "inspectors",
            "summary",
            "problem_count",
            "open_count",
            "version",
            "created_at",
        ]
        read_only_fields = ["version", "created_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True, default="")

    class Meta:
        model = ProblemFollowUp
        fields = ["id", "note", "recorded_by", "recorded_by_name", "recorded_at"]
        read_only_fields = ["recorded_by", "recorded_at"]


class ProblemSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    area = AreaCodeField()
    area_name = serializers.CharField(source="area.name", read_only=True)
    responsible_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    responsible_person_name = serializers.CharField(source="responsible_person.display_name", read_only=True)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True
    )
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), required=False, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    follow_up_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Problem
        fields = [
            "id",
            "inspection",
            "area",
            "area_name",
            "household",
            "category",
            "description",
            "responsible_unit",
            "responsible_person",
            "responsible_person_name",
            "deadline",
            "status",
            "is_overdue",
            "follow_up_count",
            "closed_at",
            "closure_note",
            "escalated_at",
            "version",
            "created_at",
        ]
        read_only_fields = ["status", "closed_at", "closure_note", "escalated_at", "version", "created_at"]


class ProblemUpdateSerializer(ScopedChoicesMixin, serializers.Serializer):
    version = serializers.IntegerField()
    description = serializers.CharField()
    responsible_unit = serializers.CharField(
        max_length=Problem._meta.get_field("responsible_unit").max_length
    )
    responsible_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    deadline = serializers.DateField()


class ProblemCloseSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    closure_note = serializers.CharField(allow_blank=True)


class FollowUpCreateSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)


class ComplaintSerializer(ScopedChoicesMixin, serializers.ModelSerializer):
    area = AreaCodeField()
    area_name = serializers.CharField(source="area.name", read_only=True)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True
    )
    assigned_to_name = serializers.CharField(source="assigned_to.display_name", read_only=True, default="")
    is_overdue = serializers.BooleanField(read_only=True)
    # blank until the complaint is answered: the schema says so ("" besides the findings)
    finding = serializers.ChoiceField(
        choices=ComplaintFindingChoices.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "area",
            "area_name",
            "household",
            "kind",
            "channel",
            "complainant",
            "contact",
            "content",
            "received_on",
            "answer_deadline",
            "status",
            "assigned_to",
            "assigned_to_name",
            "answer",
            "finding",
            "answered_at",
            "problem",
            "is_overdue",
            "version",
        ]
        read_only_fields = [
            "answer_deadline",
            "status",
            "assigned_to",
            "answer",
            "finding",
            "answered_at",
            "problem",
            "version",
        ]

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        data.update(complainant_for(getattr(request, "user", None), instance, request=request))
        return data


class ComplaintAssignSerializer(ScopedChoicesMixin, serializers.Serializer):
    version = serializers.IntegerField()
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class ComplaintAnswerSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    answer = serializers.CharField(allow_blank=True)
    finding = serializers.ChoiceField(choices=ComplaintFindingChoices.choices)


class ComplaintOpenProblemSerializer(ScopedChoicesMixin, serializers.Serializer):
    category = serializers.ChoiceField(choices=ProblemCategoryChoices.choices)
    # the problem's own column bound (a longer one was a database error and a 500)
    responsible_unit = serializers.CharField(
        allow_blank=True, max_length=Problem._meta.get_field("responsible_unit").max_length
    )
    responsible_person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    deadline = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True)
