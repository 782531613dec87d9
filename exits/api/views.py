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
from core.scoping import area_code_param, get_visible_or_404
from exits import selectors, services
from exits.filters import (
    CampaignFilterSet,
    CheckTaskFilterSet,
    ExitFlagFilterSet,
    ExitProcedureFilterSet,
    MonitoringCaseFilterSet,
    PovertyLineFilterSet,
    VillageExitFilterSet,
)
from exits.models import (
    Campaign,
    CheckTask,
    CountyExit,
    ExitFlag,
    ExitObjection,
    ExitProcedure,
    ExitSettings,
    MonitoringCase,
    PovertyLine,
    VillageExit,
)
from households.models import Household

from . import serializers as s


def _area(request: Request, code: str) -> Area:
    return get_visible_or_404(Area.objects.all(), request.user, code=area_code_param(code))


class PovertyLineViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Poverty lines per county and year, set by county officials (POST sets or corrects a year)."""

    queryset = PovertyLine.objects.select_related("county")
    serializer_class = s.PovertyLineSerializer
    filterset_class = PovertyLineFilterSet
    write_capability = Capability.APPROVE

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.PovertyLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        line = services.poverty_line_set(
            county=_area(request, v["county"]["code"]),
            year=v["year"],
            amount=v["amount"],
            basis=v.get("basis", ""),
            user=request_user(request),
        )
        return Response(s.PovertyLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ExitSettingsViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A county's exit and monitoring rules (thresholds, notice days, deadline, stable period, bands)."""

    queryset = ExitSettings.objects.select_related("county")
    serializer_class = s.ExitSettingsSerializer
    write_capability = Capability.APPROVE
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        data = s.ExitSettingsSerializer(row, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        updated = services.exit_settings_update(
            county=row.county, user=request_user(request), expected_version=version, **fields
        )
        return Response(s.ExitSettingsSerializer(updated).data)


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
    mixins.CreateModelMixin,
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

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("signoffs"), "signoffs__signed_by", "objections")
        return qs

    def get_serializer_class(self) -> Any:
        return s.ExitProcedureSerializer if self.action == "list" else s.ExitProcedureDetailSerializer

    @extend_schema(request=s.ProposeSerializer, responses={201: s.ExitProcedureDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = get_visible_or_404(
            Household.objects.all(), request.user, pk=data.validated_data["household"]
        )
        procedure = services.exit_procedure_propose(
            household=household,
            year=data.validated_data["year"],
            comment=data.validated_data["comment"],
            user=request_user(request),
        )
        return Response(s.ExitProcedureDetailSerializer(procedure).data, status=status.HTTP_201_CREATED)

    sign_serializer_class = s.SignSerializer

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        return services.exit_procedure_sign(
            procedure=obj,
            user=user,
            step=data["step"],
            comment=data["comment"],
            expected_version=data.get("version"),
        )

    def signed_data(self, result: Any) -> Any:
        return s.ExitProcedureDetailSerializer(self.get_queryset().get(pk=result.pk)).data

    @extend_schema(request=s.ObjectionCreateSerializer, responses={201: s.ExitObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        procedure = self.get_object()
        data = s.ObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.exit_objection_record(
            procedure=procedure, user=request_user(request), **data.validated_data
        )
        return Response(s.ExitObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ExitObjectionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Objections raised during public notices; the township decides them (an upheld one sends the
    procedure back with the reason)."""

    queryset = ExitObjection.objects.all()
    serializer_class = s.ExitObjectionSerializer
    action_capabilities = {"decide": Capability.SIGN_TOWNSHIP_STEP}

    @extend_schema(request=s.ObjectionDecideSerializer, responses=s.ExitObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        objection = self.get_object()
        data = s.ObjectionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.exit_objection_decide(
            objection=objection, user=request_user(request), **data.validated_data
        )
        return Response(s.ExitObjectionSerializer(objection).data)


@extend_schema_view(
    sign=extend_schema(request=s.MonitoringSignSerializer, responses=s.MonitoringCaseDetailSerializer)
)
class MonitoringCaseViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
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

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        if self.action != "list":
            qs = qs.prefetch_related("signoffs", "signoffs__signed_by", "assistance")
        return qs

    def get_serializer_class(self) -> Any:
        return s.MonitoringCaseSerializer if self.action == "list" else s.MonitoringCaseDetailSerializer

    @extend_schema(request=s.MonitoringReportSerializer, responses={201: s.MonitoringCaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MonitoringReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        household = get_visible_or_404(
            Household.objects.select_related("village"), request.user, pk=v.pop("household")
        )
        case = services.monitoring_case_report(household=household, user=request_user(request), **v)
        return Response(s.MonitoringCaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    sign_serializer_class = s.MonitoringSignSerializer

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        return services.monitoring_case_sign(
            case=obj,
            user=user,
            step=data["step"],
            comment=data["comment"],
            expected_version=data.get("version"),
        )

    def signed_data(self, result: Any) -> Any:
        return s.MonitoringCaseDetailSerializer(self.get_queryset().get(pk=result.pk)).data

    @extend_schema(
        request=s.MonitoringAssistanceSerializer, responses={201: s.MonitoringAssistanceSerializer}
    )
    @action(detail=True, methods=["post"])
    def assistance(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        data = s.MonitoringAssistanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.monitoring_assistance_add(case=case, user=request_user(request), **data.validated_data)
        return Response(s.MonitoringAssistanceSerializer(row).data, status=status.HTTP_201_CREATED)


class VillageExitViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
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

    def base_queryset(self) -> Any:
        qs = self.queryset.all()
        return qs if self.action == "list" else qs.prefetch_related("checks__standard")

    def get_serializer_class(self) -> Any:
        return s.VillageExitSerializer if self.action == "list" else s.VillageExitDetailSerializer

    @extend_schema(request=s.VillageExitProposeSerializer, responses={201: s.VillageExitDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.VillageExitProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        checks = {c["standard"]: (c["met"], c["note"]) for c in v["checks"]}
        row = services.village_exit_propose(
            village=_area(request, v["village_code"]),
            year=v["year"],
            checks=checks,
            user=request_user(request),
        )
        return Response(s.VillageExitDetailSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecideSerializer, responses=s.VillageExitDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        row = self.get_object()
        data = s.DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.village_exit_decide(
            village_exit=row, user=request_user(request), **data.validated_data
        )
        return Response(s.VillageExitDetailSerializer(row).data)


class CountyExitViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """County exits (摘帽): POST records the province check and third-party assessment for a year."""

    queryset = CountyExit.objects.select_related("county")
    serializer_class = s.CountyExitSerializer
    write_capability = Capability.APPROVE

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CountyExitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        county = _area(request, v.pop("county")["code"])
        row = services.county_exit_record(county=county, user=request_user(request), **v)
        return Response(s.CountyExitSerializer(row).data, status=status.HTTP_201_CREATED)


class CampaignViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Re-verification campaigns (回头看): POST starts one over an area; progress/ by village and cadre."""

    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilterSet
    write_capability = Capability.APPROVE
    queryset = Campaign.objects.select_related("area")

    def get_queryset(self) -> Any:
        return selectors.campaign_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CampaignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        campaign = services.campaign_start(
            area=_area(request, v.pop("area")["code"]), user=request_user(request), **v
        )
        return Response(
            s.CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data, status=status.HTTP_201_CREATED
        )

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


class CheckTaskViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Check tasks of re-verification campaigns; complete/ confirms the record or reports a problem."""

    queryset = CheckTask.objects.select_related("household", "household__village")
    serializer_class = s.CheckTaskSerializer
    filterset_class = CheckTaskFilterSet
    action_capabilities = {"complete": Capability.LOG_VISIT}

    @extend_schema(request=s.CheckTaskCompleteSerializer, responses=s.CheckTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        data = s.CheckTaskCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = services.check_task_complete(
            task=task,
            state=v["state"],
            findings=v["findings"],
            expected_version=v.get("version"),
            user=request_user(request),
        )
        return Response(s.CheckTaskSerializer(task).data)
