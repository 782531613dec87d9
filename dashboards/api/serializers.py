from __future__ import annotations

from rest_framework import serializers

from areas.models import Area
from dashboards.models import ExitTarget, IncidenceFigure, IncidenceRecompute, IncidenceSnapshot
from dashboards.selectors import TOTAL_FIELDS


class IncidenceFigureSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IncidenceFigure
        fields = [
            "id",
            "snapshot",
            "as_of",
            "area",
            "area_name",
            "level",
            "parent",
            *TOTAL_FIELDS,
            "incidence",
        ]


class IncidenceSnapshotSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = IncidenceSnapshot
        fields = [
            "id",
            "county",
            "county_name",
            "as_of",
            "population_year",
            "status",
            "computed_at",
            "recompute_count",
        ]


class ComputeRequestSerializer(serializers.Serializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    as_of = serializers.DateField(required=False)
    population_year = serializers.IntegerField(required=False, min_value=2000)


class JobStartedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    job_url = serializers.CharField()


class RecomputeRequestSerializer(serializers.Serializer):
    # no max_length here: the service refuses an overlong reason with the page's message
    reason = serializers.CharField(allow_blank=True)
    population_year = serializers.IntegerField(required=False, min_value=2000)


class IncidenceRecomputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidenceRecompute
        fields = ["id", "snapshot", "requested_by", "requested_at", "reason", "before", "after", "job"]


class TableSerializer(serializers.Serializer):
    title = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())


class ExitTargetSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    area_name = serializers.CharField(source="area.name", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ExitTarget
        fields = [
            "id",
            "area",
            "area_name",
            "year",
            "people",
            "households",
            "source",
            "version",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list = []  # the service reports a duplicate year in the user's language
