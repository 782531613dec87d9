from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from core.api.mixins import ScopedViewSetMixin
from core.api.procedures import ProcedureSignMixin
from core.api.services import ServiceCreateMixin, ServiceWriteMixin
from core.scoping import area_code_param, get_visible_or_404
from exits import selectors, services
from exits.filters import (
    CampaignFilterSet,
    CheckTaskFilterSet,
    ExitFlagFilterSet,
    ExitProcedureFilterSet,
    MonitoringCaseFilterSet,
    VillageExitFilterSet,
)
from exits.models import (
    Campaign,
    CheckTask,
    CountyExit,
    ExitFlag,
    ExitObjection,
    ExitProcedure,
    MonitoringCase,
    VillageExit,
)
from households.models import Household

from . import serializers as s


def _area(request: Request, code: str) -> Area:
    return get_visible_or_404(Area.objects.all(), request.user, code=area_code_param(code))


@extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses=s.EligibilitySerializer)
class EligibilityViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Exit eligibility of one household for a year, with every condition explained."""

    queryset = Household.objects.select_related("village")
    serializer_class = s.EligibilitySerializer

    def retrieve(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        year = request.query_params.get("year", "")
        if not year.isdigit():
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"year": _("Give the year, e.g. ?year=2020.")})
        return Response(selectors.exit_eligibility(household, int(year)).as_dict())


class ExitFlagViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Exit flags from the last screening; POST screen/ starts a screening job over a county or township."""

    queryset = ExitFlag.objects.select_related("household", "household__village")
    serializer_class = s.ExitFlagSerializer
    filterset_class = ExitFlagFilterSet
    action_capabilities = {"screen": Capability.RUN_JOBS}

    @extend_schema(request=s.ScreeningRequestSerializer, responses={202: s.JobRefSerializer})
    @action(detail=False, methods=["post"])
    def screen(self, request: Request) -> Response:
        data = s.ScreeningRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.exit_screening_start(
            area=_area(request, data.validated_data["area_code"]),
            year=data.validated_data["year"],
            user=request_user(request),
        )
        return Response(
            {"job": str(job.pk), "url": reverse("core:job", args=[job.pk]) + "?format=json"},
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema_view(sign=extend_schema(request=s.SignSerializer, responses=s.ExitProcedureDetailSerializer))
class ExitProcedureViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ProcedureSignMixin,
):
    """Household exit procedures. POST proposes; sign/ signs the next step (the role is checked per step);
    objections/ records an objection during the public notice."""

    queryset = ExitProcedure.objects.select_related("household", "household__village")
    serializer_class = s.ExitProcedureSerializer
    filterset_class = ExitProcedureFilterSet
    write_capability = Capability.PROPOSE
    # The step decides the capability (village, township or county); the service checks it.
    action_capabilities = {"sign": Capability.VIEW, "objections": Capability.SIGN_VILLAGE_STEP}
    create_input = s.ProposeSerializer
    sign_serializer_class = s.SignSerializer

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("signoffs"), "signoffs__signed_by", "objections")
        return qs

    def get_serializer_class(self) -> Any:
        return s.ExitProcedureSerializer if self.action == "list" else s.ExitProcedureDetailSerializer

    def create_service(self, *, household: int, **data: Any) -> ExitProcedure:
        household_row = get_visible_or_404(Household.objects.all(), self.request.user, pk=household)
        return services.exit_procedure_propose(household=household_row, **data)

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        return services.exit_procedure_sign(procedure=obj, user=user, **data)

    @extend_schema(request=s.ObjectionCreateSerializer, responses={201: s.ExitObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        procedure = self.get_object()
        data = self.service_input(s.ObjectionCreateSerializer)
        objection = services.exit_objection_record(procedure=procedure, user=request_user(request), **data)
        return Response(s.ExitObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ExitObjectionViewSet(ScopedViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
    """Objections raised during public notices; the township decides them (an upheld one sends the
    procedure back with the reason)."""

    queryset = ExitObjection.objects.all()
    serializer_class = s.ExitObjectionSerializer
    action_capabilities = {"decide": Capability.SIGN_TOWNSHIP_STEP}

    @extend_schema(request=s.ObjectionDecideSerializer, responses=s.ExitObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        objection = self.get_object()
        data = self.service_input(s.ObjectionDecideSerializer)
        return self.service_answer(
            services.exit_objection_decide(objection=objection, user=request_user(request), **data)
        )


@extend_schema_view(
    sign=extend_schema(request=s.MonitoringSignSerializer, responses=s.MonitoringCaseDetailSerializer)
)
class MonitoringCaseViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ProcedureSignMixin,
):
    """Monitoring objects (防返贫): POST reports one; sign/ signs the next step; assistance/ adds a measure."""

    queryset = MonitoringCase.objects.select_related("household", "household__village")
    serializer_class = s.MonitoringCaseSerializer
    filterset_class = MonitoringCaseFilterSet
    action_capabilities = {
        "create": Capability.VIEW,  # cadres (visits) and county officials (alerts) report: service checks
        "sign": Capability.VIEW,
        "assistance": Capability.MANAGE_ASSISTANCE,
    }
    create_input = s.MonitoringReportSerializer
    sign_serializer_class = s.MonitoringSignSerializer

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        if self.action != "list":
            qs = qs.prefetch_related("signoffs", "signoffs__signed_by", "assistance")
        return qs

    def get_serializer_class(self) -> Any:
        return s.MonitoringCaseSerializer if self.action == "list" else s.MonitoringCaseDetailSerializer

    def create_service(self, *, household: int, **data: Any) -> MonitoringCase:
        household_row = get_visible_or_404(
            Household.objects.select_related("village"), self.request.user, pk=household
        )
        return services.monitoring_case_report(household=household_row, **data)

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        return services.monitoring_case_sign(case=obj, user=user, **data)

    @extend_schema(
        request=s.MonitoringAssistanceSerializer, responses={201: s.MonitoringAssistanceSerializer}
    )
    @action(detail=True, methods=["post"])
    def assistance(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        data = self.service_input(s.MonitoringAssistanceSerializer)
        row = services.monitoring_assistance_add(case=case, user=request_user(request), **data)
        return Response(s.MonitoringAssistanceSerializer(row).data, status=status.HTTP_201_CREATED)


class VillageExitViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Village exits: POST proposes with the standards checked; decide/ is the county's decision."""

    queryset = VillageExit.objects.select_related("village")
    serializer_class = s.VillageExitSerializer
    filterset_class = VillageExitFilterSet
    write_capability = Capability.PROPOSE
    action_capabilities = {"decide": Capability.APPROVE}
    create_input = s.VillageExitProposeSerializer

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        return qs if self.action == "list" else qs.prefetch_related("checks__standard")

    def get_serializer_class(self) -> Any:
        return s.VillageExitSerializer if self.action == "list" else s.VillageExitDetailSerializer

    def create_service(self, *, village_code: str, checks: list[dict[str, Any]], **data: Any) -> VillageExit:
        by_standard = {c["standard"]: (c["met"], c["note"]) for c in checks}
        return services.village_exit_propose(
            village=_area(self.request, village_code), checks=by_standard, **data
        )

    @extend_schema(request=s.DecideSerializer, responses=s.VillageExitDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        row = self.get_object()
        data = self.service_input(s.DecideSerializer)
        return self.service_answer(
            services.village_exit_decide(village_exit=row, user=request_user(request), **data)
        )


class CountyExitViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """County exits (摘帽): POST records the province check and third-party assessment for a year."""

    queryset = CountyExit.objects.select_related("county")
    serializer_class = s.CountyExitSerializer
    write_capability = Capability.APPROVE
    create_input = s.CountyExitSerializer

    def create_service(self, *, county: dict[str, str], **data: Any) -> CountyExit:
        return services.county_exit_record(county=_area(self.request, county["code"]), **data)


class CampaignViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Re-verification campaigns (回头看): POST starts one over an area; progress/ by village and cadre."""

    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilterSet
    write_capability = Capability.APPROVE
    queryset = Campaign.objects.select_related("area")
    create_input = s.CampaignSerializer
    answer_reread = True

    def get_queryset(self) -> Any:
        return selectors.campaign_list(user=self.request.user)

    def create_service(self, *, area: dict[str, str], **data: Any) -> Campaign:
        return services.campaign_start(area=_area(self.request, area["code"]), **data)

    @extend_schema(responses=s.CampaignProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        campaign = self.get_object()
        progress = selectors.campaign_progress(campaign, user=request_user(request))
        return Response(
            {
                "by_village": [
                    {
                        "key": r["household__village__code"],
                        "name": r["household__village__name"],
                        **_counts(r),
                    }
                    for r in progress["by_village"]
                ],
                "by_cadre": [
                    {
                        "key": r["cadre_id"],
                        "name": r["cadre__name"],
                        **_counts(r),
                    }
                    for r in progress["by_cadre"]
                ],
            }
        )


def _counts(row: dict) -> dict:
    return {k: row[k] for k in ("total", "done", "problems", "percent")}


class CheckTaskViewSet(ScopedViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
    """Check tasks of re-verification campaigns; complete/ confirms the record or reports a problem."""

    queryset = CheckTask.objects.select_related("household", "household__village")
    serializer_class = s.CheckTaskSerializer
    filterset_class = CheckTaskFilterSet
    action_capabilities = {"complete": Capability.LOG_VISIT}

    @extend_schema(request=s.CheckTaskCompleteSerializer, responses=s.CheckTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        data = self.service_input(s.CheckTaskCompleteSerializer)
        return self.service_answer(
            services.check_task_complete(task=task, user=request_user(request), **data)
        )
