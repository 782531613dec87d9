from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Capability
from areas.models import Area
from core.api.mixins import ScopedViewSetMixin
from core.scoping import get_visible_or_404
from dashboards import figures, selectors, services
from dashboards.filters import ExitTargetFilterSet, IncidenceFigureFilterSet, IncidenceSnapshotFilterSet
from dashboards.models import ExitTarget, IncidenceFigure, IncidenceSnapshot

from .serializers import (
    ComputeRequestSerializer,
    ExitTargetSerializer,
    IncidenceFigureSerializer,
    IncidenceRecomputeSerializer,
    IncidenceSnapshotSerializer,
    JobStartedSerializer,
    RecomputeRequestSerializer,
    TableSerializer,
)

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Snapshot date (default: the latest)")


def jsonable(value: Any) -> Any:
    """Decimals as strings (the API's rule for exact numbers), dates as ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _as_of(request: Request) -> dt.date | None:
    return figures.as_of_param(request.query_params)  # not a date: 400 naming `as_of`


class IncidenceFigureViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every stored incidence figure (village, township, county rows of complete snapshots)."""

    queryset = IncidenceFigure.objects.all()
    serializer_class = IncidenceFigureSerializer
    filterset_class = IncidenceFigureFilterSet

    def base_queryset(self) -> Any:
        return selectors.figure_list(user=self.request.user).select_related("parent")


class IncidenceSnapshotViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Snapshots per county and date; POST starts the incidence job, `recompute` recomputes one on
    purpose (the reason and the figures before and after are kept)."""

    queryset = IncidenceSnapshot.objects.all()
    serializer_class = IncidenceSnapshotSerializer
    filterset_class = IncidenceSnapshotFilterSet
    write_capability = Capability.RUN_JOBS

    def base_queryset(self) -> Any:
        return selectors.snapshot_list(user=self.request.user)

    @extend_schema(request=ComputeRequestSerializer, responses={202: JobStartedSerializer})
    def create(self, request: Request) -> Response:
        payload = ComputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        area = get_visible_or_404(Area.objects.all(), request.user, pk=payload.validated_data["area"].pk)
        job = services.incidence_compute_request(
            user=request.user,
            area=area,
            as_of=payload.validated_data.get("as_of"),
            population_year=payload.validated_data.get("population_year"),
        )
        return Response(
            {"job": job.pk, "job_url": reverse("core:job", args=[job.pk]) + "?format=json"},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=RecomputeRequestSerializer, responses={202: IncidenceRecomputeSerializer})
    @action(detail=True, methods=["post"])
    def recompute(self, request: Request, pk: str | None = None) -> Response:
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recompute = services.incidence_snapshot_recompute(
            snapshot=self.get_object(),
            reason=payload.validated_data["reason"],
            user=request.user,
            population_year=payload.validated_data.get("population_year"),
        )
        return Response(IncidenceRecomputeSerializer(recompute).data, status=status.HTTP_202_ACCEPTED)


class ExitTargetViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Yearly exit targets per county and township; a change names the version it read."""

    queryset = ExitTarget.objects.all()
    serializer_class = ExitTargetSerializer
    filterset_class = ExitTargetFilterSet
    write_capability = Capability.APPROVE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> Any:
        return selectors.exit_target_list(user=self.request.user)

    def _save(self, serializer: ExitTargetSerializer, expected_version: int | None) -> None:
        data = serializer.validated_data
        area = get_visible_or_404(Area.objects.all(), self.request.user, pk=data["area"].pk)
        serializer.instance = services.exit_target_set(
            user=self.request.user,
            area=area,
            year=data["year"],
            people=data["people"],
            households=data.get("households", 0),
            source=data.get("source", ""),
            expected_version=expected_version,
        )

    def perform_create(self, serializer: ExitTargetSerializer) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: ExitTargetSerializer) -> None:
        instance = serializer.instance
        for field in ("area", "year", "people", "households", "source"):
            serializer.validated_data.setdefault(field, getattr(instance, field))
        self._save(serializer, serializer.validated_data.get("version", instance.version))


class AreaDashboardViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """An area's whole dashboard (by area code): every figure the page shows, and each chart's table."""

    queryset = Area.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"

    @extend_schema(parameters=[AS_OF], responses={200: OpenApiResponse(description="Every dashboard figure")})
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        area = self.get_object()
        return Response(jsonable(figures.dashboard(user=request.user, area=area, as_of=_as_of(request))))

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter("table", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(figures.TABLES)),
        ],
        responses=TableSerializer,
    )
    @action(detail=True, methods=["get"], url_path=r"tables/(?P<table>[a-z_]+)")
    def table(self, request: Request, code: str | None = None, table: str = "") -> Response:
        area = self.get_object()
        if table not in figures.TABLES:
            raise ValidationError({"table": f"one of {', '.join(figures.TABLES)}"})
        data = figures.dashboard(user=request.user, area=area, as_of=_as_of(request))
        title, header, rows = figures.table(table, data)
        return Response(jsonable({"title": title, "header": header, "rows": rows}))
