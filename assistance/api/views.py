"""API for assistance. Reads go through the selectors (scoped by ScopedViewSetMixin); writes through
the services, which check the rules and the caller's area and role."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Capability
from areas.models import Area
from areas.selectors import areas_top_for
from assistance import selectors, services
from assistance.filters import (
    AssistancePlanFilterSet,
    AssistedHouseholdFilterSet,
    CadreFilterSet,
    CadrePairingFilterSet,
    FollowUpFilterSet,
    MeasureFilterSet,
    VillagePlanFilterSet,
    VisitFilterSet,
    WorkTeamFilterSet,
)
from assistance.models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    VillagePlan,
    Visit,
    WorkTeam,
)
from core import clock
from core.api.mixins import ScopedViewSetMixin
from core.api.personal import RevealLoggingMixin
from core.scoping import area_code_param, get_visible_or_404
from households.models import Household

from . import serializers as s


def _input(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class _ReadCreate(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass


class CadreViewSet(RevealLoggingMixin, _ReadCreate):
    """Responsible cadres (帮扶责任人) in the caller's area."""

    queryset = Cadre.objects.all()
    serializer_class = s.CadreSerializer
    filterset_class = CadreFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.cadre_list(user=self.request.user)

    @extend_schema(request=s.CadreInputSerializer, responses={201: s.CadreSerializer})
    def create(self, request: Request) -> Response:
        cadre = services.cadre_create(**_input(s.CadreInputSerializer, request), user=request.user)
        return Response(self.get_serializer(cadre).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CadreUpdateSerializer, responses={200: s.CadreSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        cadre = self.get_object()
        data = _input(s.CadreUpdateSerializer, request)
        version = data.pop("version")
        cadre = services.cadre_update(cadre=cadre, expected_version=version, user=request.user, **data)
        return Response(self.get_serializer(cadre).data)


class WorkTeamViewSet(_ReadCreate):
    """Village work teams (驻村工作队), with members, villages and the rotation chain."""

    queryset = WorkTeam.objects.all()
    serializer_class = s.WorkTeamSerializer
    filterset_class = WorkTeamFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.team_list(user=self.request.user)

    @extend_schema(request=s.TeamInputSerializer, responses={201: s.WorkTeamSerializer})
    def create(self, request: Request) -> Response:
        team = services.team_create(**_input(s.TeamInputSerializer, request), user=request.user)
        return Response(s.WorkTeamSerializer(self.base_queryset().get(pk=team.pk)).data, status=201)

    @extend_schema(request=s.TeamRotateSerializer, responses={201: s.WorkTeamSerializer})
    @action(detail=True, methods=["post"])
    def rotate(self, request: Request, pk: str) -> Response:
        """Hand over to the next team (压茬轮换); answers with the new team."""
        team = self.get_object()
        data = _input(s.TeamRotateSerializer, request)
        version = data.pop("version")
        successor = services.team_rotate(team=team, expected_version=version, user=request.user, **data)
        return Response(s.WorkTeamSerializer(self.base_queryset().get(pk=successor.pk)).data, status=201)

    @extend_schema(request=s.TeamEndSerializer, responses={200: s.WorkTeamSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        data = _input(s.TeamEndSerializer, request)
        services.team_end(team=team, expected_version=data["version"], end=data["end"], user=request.user)
        return Response(s.WorkTeamSerializer(self.base_queryset().get(pk=team.pk)).data)


class CadrePairingViewSet(_ReadCreate):
    """Cadre–household pairings (结对帮扶); `active=true` lists the current ones. Creating one closes
    the household's current pairing."""

    queryset = CadrePairing.objects.all()
    serializer_class = s.CadrePairingSerializer
    filterset_class = CadrePairingFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.pairing_list(user=self.request.user)

    @extend_schema(request=s.PairingInputSerializer, responses={201: s.CadrePairingSerializer})
    def create(self, request: Request) -> Response:
        pairing = services.cadre_assign(**_input(s.PairingInputSerializer, request), user=request.user)
        return Response(s.CadrePairingSerializer(pairing).data, status=201)

    @extend_schema(request=s.PairingEndSerializer, responses={200: s.CadrePairingSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        pairing = self.get_object()
        data = _input(s.PairingEndSerializer, request)
        pairing = services.pairing_end(
            pairing=pairing, end=data["end"], reason=data["reason"], user=request.user
        )
        return Response(s.CadrePairingSerializer(pairing).data)


class VisitViewSet(_ReadCreate):
    """Visits (走访) with the follow-ups promised at each. Photos are added with the attachments
    upload (`/attachments/assistance/visit/<id>/upload/`)."""

    queryset = Visit.objects.all()
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilterSet
    write_capability = Capability.LOG_VISIT

    def base_queryset(self) -> Any:
        return selectors.visit_list(user=self.request.user).prefetch_related("follow_ups")

    @extend_schema(request=s.VisitInputSerializer, responses={201: s.VisitSerializer})
    def create(self, request: Request) -> Response:
        data = _input(s.VisitInputSerializer, request)
        data["follow_ups"] = [(f["description"], f["due_date"]) for f in data["follow_ups"]]
        visit = services.visit_log(**data, user=request.user)
        return Response(s.VisitSerializer(self.base_queryset().get(pk=visit.pk)).data, status=201)


class FollowUpViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-ups promised at visits; `overdue=true` lists the open ones past their due date."""

    queryset = FollowUp.objects.all()
    serializer_class = s.FollowUpSerializer
    filterset_class = FollowUpFilterSet
    action_capabilities = {"close": Capability.LOG_VISIT}

    def base_queryset(self) -> Any:
        return selectors.follow_up_list(user=self.request.user)

    @extend_schema(request=s.FollowUpCloseSerializer, responses={200: s.FollowUpSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        follow_up = self.get_object()
        data = _input(s.FollowUpCloseSerializer, request)
        version = data.pop("version")
        follow_up = services.follow_up_close(
            follow_up=follow_up, expected_version=version, user=request.user, **data
        )
        return Response(s.FollowUpSerializer(follow_up).data)


class AssistancePlanViewSet(_ReadCreate):
    """Household assistance plans, one per household and year."""

    queryset = AssistancePlan.objects.all()
    serializer_class = s.AssistancePlanSerializer
    filterset_class = AssistancePlanFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.plan_list(user=self.request.user)

    @extend_schema(request=s.PlanInputSerializer, responses={201: s.AssistancePlanSerializer})
    def create(self, request: Request) -> Response:
        plan = services.plan_save(**_input(s.PlanInputSerializer, request), user=request.user)
        return Response(s.AssistancePlanSerializer(plan).data, status=201)

    @extend_schema(request=s.PlanUpdateSerializer, responses={200: s.AssistancePlanSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        data = _input(s.PlanUpdateSerializer, request)
        plan = services.plan_save(
            household=plan.household,
            year=plan.year,
            goals=data["goals"],
            status=data["status"],
            expected_version=data["version"],
            user=request.user,
        )
        return Response(s.AssistancePlanSerializer(plan).data)


class MeasureViewSet(_ReadCreate):
    """Assistance measures (五个一批) for households and members; amounts are decimal strings in yuan."""

    queryset = Measure.objects.all()
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.measure_list(user=self.request.user)

    @extend_schema(request=s.MeasureInputSerializer, responses={201: s.MeasureSerializer})
    def create(self, request: Request) -> Response:
        measure = services.measure_create(**_input(s.MeasureInputSerializer, request), user=request.user)
        return Response(s.MeasureSerializer(measure).data, status=201)

    @extend_schema(request=s.MeasureUpdateSerializer, responses={200: s.MeasureSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        measure = self.get_object()
        data = _input(s.MeasureUpdateSerializer, request)
        version = data.pop("version")
        measure = services.measure_update(
            measure=measure, expected_version=version, user=request.user, **data
        )
        return Response(s.MeasureSerializer(measure).data)


class VillagePlanViewSet(_ReadCreate):
    """Village plans (村级脱贫计划), one per village and year."""

    queryset = VillagePlan.objects.all()
    serializer_class = s.VillagePlanSerializer
    filterset_class = VillagePlanFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE

    def base_queryset(self) -> Any:
        return selectors.village_plan_list(user=self.request.user)

    @extend_schema(request=s.VillagePlanInputSerializer, responses={201: s.VillagePlanSerializer})
    def create(self, request: Request) -> Response:
        plan = services.village_plan_save(**_input(s.VillagePlanInputSerializer, request), user=request.user)
        return Response(s.VillagePlanSerializer(plan).data, status=201)

    @extend_schema(request=s.VillagePlanUpdateSerializer, responses={200: s.VillagePlanSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        plan = self.get_object()
        data = _input(s.VillagePlanUpdateSerializer, request)
        version = data.pop("version")
        plan = services.village_plan_save(
            village=plan.village, year=plan.year, expected_version=version, user=request.user, **data
        )
        return Response(s.VillagePlanSerializer(plan).data)


class AssistedHouseholdViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Households that must have a cadre, as assistance sees them: active cadre, plan this year, last
    visit, whether a visit is due (`days`, default ASSISTANCE_VISIT_DAYS) and overdue follow-ups."""

    queryset = Household.objects.all()
    serializer_class = s.AssistedHouseholdSerializer
    filterset_class = AssistedHouseholdFilterSet

    def base_queryset(self) -> Any:
        try:
            days = int(self.request.query_params.get("days") or selectors.default_visit_days())
        except ValueError:
            days = selectors.default_visit_days()
        return selectors.assisted_household_list(user=self.request.user, visit_days=min(max(days, 1), 366))


class CoverageView(APIView):
    """Coverage of an area (default: the caller's first area): households without a cadre, without a
    plan this year, not visited in `days` days, overdue follow-ups; total and per village, team and
    cadre."""

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR, description="Area code (12 digits)"),
            OpenApiParameter("days", OpenApiTypes.INT, description="Visit window in days"),
        ],
        responses={200: s.CoverageSerializer},
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("area")
        if code:
            area = get_visible_or_404(Area.objects.all(), request.user, code=area_code_param(code))
        else:
            area = areas_top_for(request.user).order_by("code").first()
            if area is None:
                return Response({"detail": "", "code": "not_found", "errors": {}}, status=404)
        try:
            days = int(request.query_params.get("days") or selectors.default_visit_days())
        except ValueError:
            days = selectors.default_visit_days()
        days = min(max(days, 1), 366)
        coverage = selectors.coverage_for_area(area, today=clock.today(), visit_days=days)
        return Response(s.CoverageSerializer(coverage).data)
