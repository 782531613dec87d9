"""API for assistance. Reads go through the selectors (scoped by ScopedViewSetMixin); writes through
the services, which check the rules and the caller's area and role."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import request_user
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
from core.api.services import (
    ScopedReadCreateViewSet,
    ServiceUpdateMixin,
    ServiceWriteMixin,
)
from core.scoping import area_code_param, get_visible_or_404
from households.models import Household

from . import serializers as s


class CadreViewSet(RevealLoggingMixin, ServiceUpdateMixin, ScopedReadCreateViewSet):
    """Responsible cadres (帮扶责任人) in the caller's area."""

    queryset = Cadre.objects.all()
    serializer_class = s.CadreSerializer
    filterset_class = CadreFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.CadreInputSerializer
    update_input = s.CadreUpdateSerializer

    def base_queryset(self) -> Any:
        return selectors.cadre_list(user=self.request.user)

    def create_service(self, **data: Any) -> Cadre:
        return services.cadre_create(**data)

    def update_service(self, cadre: Cadre, **data: Any) -> Cadre:
        return services.cadre_update(cadre=cadre, **data)


class WorkTeamViewSet(ScopedReadCreateViewSet):
    """Village work teams (驻村工作队), with members, villages and the rotation chain."""

    queryset = WorkTeam.objects.all()
    serializer_class = s.WorkTeamSerializer
    filterset_class = WorkTeamFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.TeamInputSerializer
    answer_reread = True

    def base_queryset(self) -> Any:
        return selectors.team_list(user=self.request.user)

    def create_service(self, **data: Any) -> WorkTeam:
        return services.team_create(**data)

    @extend_schema(request=s.TeamRotateSerializer, responses={201: s.WorkTeamSerializer})
    @action(detail=True, methods=["post"])
    def rotate(self, request: Request, pk: str) -> Response:
        """Hand over to the next team (压茬轮换); answers with the new team."""
        team = self.get_object()
        successor = services.team_rotate(
            team=team, user=request_user(request), **self.service_input(s.TeamRotateSerializer)
        )
        return self.service_answer(successor, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.TeamEndSerializer, responses={200: s.WorkTeamSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        return self.service_answer(
            services.team_end(
                team=team, user=request_user(request), **self.service_input(s.TeamEndSerializer)
            )
        )


class CadrePairingViewSet(ScopedReadCreateViewSet):
    """Cadre–household pairings (结对帮扶); `active=true` lists the current ones. Creating one closes
    the household's current pairing."""

    queryset = CadrePairing.objects.all()
    serializer_class = s.CadrePairingSerializer
    filterset_class = CadrePairingFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.PairingInputSerializer

    def base_queryset(self) -> Any:
        return selectors.pairing_list(user=self.request.user)

    def create_service(self, **data: Any) -> CadrePairing:
        return services.cadre_assign(**data)

    @extend_schema(request=s.PairingEndSerializer, responses={200: s.CadrePairingSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        pairing = self.get_object()
        data = self.service_input(s.PairingEndSerializer)
        return self.service_answer(services.pairing_end(pairing=pairing, user=request_user(request), **data))


class VisitViewSet(ScopedReadCreateViewSet):
    """Visits (走访) with the follow-ups promised at each. Photos are added with the attachments
    upload (`/attachments/assistance/visit/<id>/upload/`)."""

    queryset = Visit.objects.all()
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilterSet
    write_capability = Capability.LOG_VISIT
    create_input = s.VisitInputSerializer
    answer_reread = True

    def base_queryset(self) -> Any:
        return selectors.visit_list(user=self.request.user).prefetch_related("follow_ups")

    def create_service(self, *, follow_ups: list[dict[str, Any]], **data: Any) -> Visit:
        promised = [(f["description"], f["due_date"]) for f in follow_ups]
        return services.visit_log(follow_ups=promised, **data)


class FollowUpViewSet(ScopedViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
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
        data = self.service_input(s.FollowUpCloseSerializer)
        return self.service_answer(
            services.follow_up_close(follow_up=follow_up, user=request_user(request), **data)
        )


class AssistancePlanViewSet(ServiceUpdateMixin, ScopedReadCreateViewSet):
    """Household assistance plans, one per household and year."""

    queryset = AssistancePlan.objects.all()
    serializer_class = s.AssistancePlanSerializer
    filterset_class = AssistancePlanFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.PlanInputSerializer
    update_input = s.PlanUpdateSerializer

    def base_queryset(self) -> Any:
        return selectors.plan_list(user=self.request.user)

    def create_service(self, **data: Any) -> AssistancePlan:
        return services.plan_save(**data)

    def update_service(self, plan: AssistancePlan, **data: Any) -> AssistancePlan:
        return services.plan_save(household=plan.household, year=plan.year, **data)


class MeasureViewSet(ServiceUpdateMixin, ScopedReadCreateViewSet):
    """Assistance measures (五个一批) for households and members; amounts are decimal strings in yuan."""

    queryset = Measure.objects.all()
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.MeasureInputSerializer
    update_input = s.MeasureUpdateSerializer

    def base_queryset(self) -> Any:
        return selectors.measure_list(user=self.request.user)

    def create_service(self, **data: Any) -> Measure:
        return services.measure_create(**data)

    def update_service(self, measure: Measure, **data: Any) -> Measure:
        return services.measure_update(measure=measure, **data)


class VillagePlanViewSet(ServiceUpdateMixin, ScopedReadCreateViewSet):
    """Village plans (村级脱贫计划), one per village and year."""

    queryset = VillagePlan.objects.all()
    serializer_class = s.VillagePlanSerializer
    filterset_class = VillagePlanFilterSet
    write_capability = Capability.MANAGE_ASSISTANCE
    create_input = s.VillagePlanInputSerializer
    update_input = s.VillagePlanUpdateSerializer

    def base_queryset(self) -> Any:
        return selectors.village_plan_list(user=self.request.user)

    def create_service(self, **data: Any) -> VillagePlan:
        return services.village_plan_save(**data)

    def update_service(self, plan: VillagePlan, **data: Any) -> VillagePlan:
        return services.village_plan_save(village=plan.village, year=plan.year, **data)


class AssistedHouseholdViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Households that must have a cadre, as assistance sees them: active cadre, plan this year, last
    visit, whether a visit is due (`days`, default the county's policy value assistance.visit_days) and overdue follow-ups."""

    queryset = Household.objects.all()
    serializer_class = s.AssistedHouseholdSerializer
    filterset_class = AssistedHouseholdFilterSet

    def base_queryset(self) -> Any:
        try:
            days = int(
                self.request.query_params.get("days") or selectors.visit_days_for_user(self.request.user)
            )
        except ValueError:
            days = selectors.visit_days_for_user(self.request.user)
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
            top = areas_top_for(request_user(request)).order_by("code").first()
            if top is None:
                return Response({"detail": "", "code": "not_found", "errors": {}}, status=404)
            area = top
        try:
            days = int(request.query_params.get("days") or selectors.visit_days_for(area))
        except ValueError:
            days = selectors.visit_days_for(area)
        days = min(max(days, 1), 366)
        coverage = selectors.coverage_for_area(area, today=clock.today(), visit_days=days)
        return Response(s.CoverageSerializer(coverage).data)
