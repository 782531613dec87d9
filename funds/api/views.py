"""API viewsets: three or four lines each, the rules live in funds.services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import request_user
from accounts.roles import Capability
from core import idempotency
from core.api.mixins import ScopedViewSetMixin
from core.api.services import ScopedReadCreateViewSet
from core.scoping import get_visible_or_404
from funds import selectors, services
from funds.choices import ReportGroupingChoices
from funds.filters import (
    AllocationFilterSet,
    DeclaredTotalFilterSet,
    DisbursementFilterSet,
    FundSourceFilterSet,
    NoticeFilterSet,
    ProjectFilterSet,
    ProjectFundingFilterSet,
)
from funds.forms import counties_for
from funds.models import Allocation, DeclaredTotal, Disbursement, FundSource, Notice, Project, ProjectFunding
from funds.throttling import PUBLIC_LOOKUP_THROTTLES
from households.models import Household

from .serializers import (
    AllocationSerializer,
    DeclaredTotalSerializer,
    DisbursementSerializer,
    ExecutionReportSerializer,
    FundSourceSerializer,
    HouseholdReceiptsSerializer,
    NoticeSerializer,
    NoticeStandardSerializer,
    ProjectCategorySerializer,
    ProjectFundingSerializer,
    ProjectFundSerializer,
    ProjectMeasureSerializer,
    ProjectSerializer,
    ProjectTransitionSerializer,
    PublicLookupRequestSerializer,
    PublicLookupResponseSerializer,
    ReconciliationSerializer,
    ReversalSerializer,
)


class FundSourceViewSet(ScopedReadCreateViewSet):
    """Fund sources of the caller's counties (level and kind)."""

    queryset = FundSource.objects.select_related("area")
    serializer_class = FundSourceSerializer
    filterset_class = FundSourceFilterSet
    write_capability = Capability.MANAGE_FUNDS
    create_input = FundSourceSerializer
    create_service = staticmethod(services.fund_source_create)


class AllocationViewSet(mixins.UpdateModelMixin, ScopedReadCreateViewSet):
    """Batches of money that came down to a county, with the document number. PATCH corrects one
    (send the `version` you read); the amount never drops below what is assigned to projects."""

    queryset = Allocation.objects.select_related("source", "county")
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilterSet
    write_capability = Capability.MANAGE_FUNDS
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_input = AllocationSerializer

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("source", None)
        raw = self.request.data.get("version")
        if raw in (None, ""):
            version = serializer.instance.version
        elif isinstance(raw, int) and not isinstance(raw, bool):
            version = raw
        elif isinstance(raw, str) and raw.isdigit():
            version = int(raw)
        else:
            raise DjangoValidationError({"version": _("Send the version you read, a whole number.")})
        serializer.instance = services.allocation_update(
            allocation=serializer.instance, expected_version=version, user=request_user(self.request), **data
        )

    def create_service(self, *, source: FundSource, **data: Any) -> Allocation:
        return services.allocation_record(county=source.area, source=source, **data)


class ProjectViewSet(mixins.UpdateModelMixin, ScopedReadCreateViewSet):
    """The project library. Township staff propose; county officials approve, reject and accept."""

    queryset = Project.objects.select_related("area", "category").prefetch_related("villages", "households")
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    write_capability = Capability.PROPOSE
    action_capabilities = {
        "transition": Capability.PROPOSE,
        "fund": Capability.MANAGE_FUNDS,
        "notices": Capability.PROPOSE,
        "measures": Capability.PROPOSE,
        "categories": Capability.VIEW,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_input = ProjectSerializer

    def create_service(self, *, expected_version: int | None = None, **data: Any) -> Project:
        return services.project_propose(**data)  # a new project has no version to check

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version", serializer.instance.version)
        data.pop("area", None)
        serializer.instance = services.project_update(
            project=serializer.instance, expected_version=version, user=request_user(self.request), **data
        )

    @extend_schema(request=ProjectTransitionSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        payload = ProjectTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        project = services.project_transition(
            project=self.get_object(),
            to_status=payload.validated_data["status"],
            note=payload.validated_data["note"],
            user=request_user(request),
        )
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(request=ProjectFundSerializer, responses={201: ProjectFundingSerializer})
    @action(detail=True, methods=["post"])
    def fund(self, request: Request, pk: str) -> Response:
        payload = ProjectFundSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        funding = services.project_fund(
            project=self.get_object(), user=request_user(request), **payload.validated_data
        )
        return Response(ProjectFundingSerializer(funding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoticeStandardSerializer, responses={201: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def notices(self, request: Request, pk: str) -> Response:
        payload = NoticeStandardSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        notice = services.notice_publish_standard(
            project=self.get_object(), user=request_user(request), **payload.validated_data
        )
        return Response(NoticeSerializer(notice, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=ProjectMeasureSerializer, responses={201: ProjectMeasureSerializer})
    @action(detail=True, methods=["post"])
    def measures(self, request: Request, pk: str) -> Response:
        from assistance.models import Measure

        payload = ProjectMeasureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measure = get_visible_or_404(
            Measure.objects.select_related("household__village"),
            request.user,
            pk=payload.validated_data["measure"],
        )
        link = services.project_measure_link(
            project=self.get_object(), measure=measure, user=request_user(request)
        )
        return Response({"measure": link.measure_id}, status=201)

    @extend_schema(responses=ProjectCategorySerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def categories(self, request: Request) -> Response:
        """The positive and negative lists that apply to the caller's areas."""
        rows = selectors.categories_applicable_to(request_user(request))
        return Response(ProjectCategorySerializer(rows, many=True).data)


class ProjectFundingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Each project's budget by source: money assigned from an allocation, and what was paid from it."""

    queryset = ProjectFunding.objects.select_related("allocation__source", "project")
    serializer_class = ProjectFundingSerializer
    filterset_class = ProjectFundingFilterSet


IDEMPOTENCY_HEADER = OpenApiParameter(
    idempotency.HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The request's key when the body has no idempotency_key: a repeat answers 200 with the same body.",
)


class DisbursementViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The payment ledger: insert-only. Send an `idempotency_key` (or an `Idempotency-Key` header) with
    each payment; repeating a request with the same key returns the payment already recorded."""

    queryset = Disbursement.objects.select_related("reversal", "project")
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilterSet
    write_capability = Capability.MANAGE_FUNDS
    action_capabilities = {"reverse": Capability.MANAGE_FUNDS}

    @extend_schema(
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: DisbursementSerializer, 200: DisbursementSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        measure = None
        if data.get("measure_id"):
            from assistance.models import Measure

            measure = get_visible_or_404(
                Measure.objects.select_related("household"), request.user, pk=data["measure_id"]
            )
        payment = services.disbursement_record(
            funding=data["funding"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            voucher_number=data["voucher_number"],
            payee=data["payee"],
            household=data.get("household"),
            measure=measure,
            note=data.get("note", ""),
            idempotency_key=idempotency.request_key(request, data.get("idempotency_key")),
            user=request_user(request),
        )
        return Response(self.get_serializer(payment).data, status=idempotency.created_status(payment))

    @extend_schema(
        request=ReversalSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: DisbursementSerializer, 200: DisbursementSerializer},
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str) -> Response:
        payload = ReversalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reversal = services.disbursement_reverse(
            disbursement=self.get_object(),
            user=request_user(request),
            reason=payload.validated_data["reason"],
            idempotency_key=idempotency.request_key(request, payload.validated_data.get("idempotency_key")),
        )
        return Response(self.get_serializer(reversal).data, status=idempotency.created_status(reversal))


class NoticeViewSet(ScopedReadCreateViewSet):
    """Public notices. A text showing an ID number, phone, bank account or health detail is refused."""

    queryset = Notice.objects.select_related("project")
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet
    write_capability = Capability.PROPOSE
    create_input = NoticeSerializer
    create_service = staticmethod(services.notice_publish)


class DeclaredTotalViewSet(ScopedReadCreateViewSet):
    """Totals as documents declare them, with their parts and the difference (0.00 when they add up)."""

    queryset = DeclaredTotal.objects.all()
    serializer_class = DeclaredTotalSerializer
    filterset_class = DeclaredTotalFilterSet
    write_capability = Capability.MANAGE_FUNDS
    create_input = DeclaredTotalSerializer
    answer_reread = True  # with the parts' sum and the difference the list annotates

    def base_queryset(self) -> Any:
        return selectors.declared_total_list(user=self.request.user)

    def create_service(self, *, parts: list[dict[str, Any]], **data: Any) -> DeclaredTotal:
        return services.declared_total_record(parts=[(p["label"], p["amount"]) for p in parts], **data)


class ExecutionReportView(APIView):
    """Allocation against disbursement (拨付率), grouped by source, level, kind, year, project or township,
    in yuan and 万元."""

    replica_reads = True  # a report: a standby may serve it (core/replicas.py)

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=ReportGroupingChoices.values),
            OpenApiParameter("year", int, required=False),
        ],
        responses=ExecutionReportSerializer,
    )
    def get(self, request: Request) -> Response:
        by = request.query_params.get("by") or ReportGroupingChoices.SOURCE
        if by not in ReportGroupingChoices.values:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"by": [f"{by!r}: " + ", ".join(ReportGroupingChoices.values)]})
        year_raw = request.query_params.get("year") or ""
        if year_raw and not year_raw.isdigit():
            raise DjangoValidationError({"year": _("Enter a year such as 2024.")})
        year = int(year_raw) if year_raw else None
        rows = selectors.execution_report(user=request_user(request), by=by, year=year)
        data = {"by": by, "year": year, "rows": rows, "total": selectors.report_totals(rows)}
        return Response(ExecutionReportSerializer(data).data)


class ReconciliationView(APIView):
    """Every declared total that differs from the sum of its parts, and every maintained ledger total that
    differs from the entries it summarises."""

    replica_reads = True  # a report: a standby may serve it (core/replicas.py)

    @extend_schema(responses=ReconciliationSerializer)
    def get(self, request: Request) -> Response:
        ledger = []
        for county in counties_for(request_user(request)):
            ledger.extend(selectors.ledger_mismatches(area_prefix=county.prefix))
        data = {"declared": selectors.declared_mismatches(user=request_user(request)), "ledger": ledger}
        return Response(ReconciliationSerializer(data).data)


class HouseholdReceiptsView(APIView):
    """What one household received: every ledger entry to it and the net total."""

    @extend_schema(responses=HouseholdReceiptsSerializer)
    def get(self, request: Request, household_id: int) -> Response:
        household = get_visible_or_404(Household.objects.all(), request.user, pk=household_id)
        receipts = selectors.household_receipts(household=household, user=request_user(request))
        data = {"household": household.pk, "total": receipts.total, "payments": receipts.payments}
        return Response(HouseholdReceiptsSerializer(data, context={"request": request}).data)


class PublicLookupView(APIView):
    """Self-service lookup without signing in: a member's ID number and name return only that household's
    masked record and subsidies. Rate limited per address and per ID number; every attempt is logged."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = list(PUBLIC_LOOKUP_THROTTLES)

    def check_throttles(self, request: Request) -> None:
        # The first budget that refuses answers (DRF would consult, count and log every one).
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())  # type: ignore[arg-type]  # None: no Retry-After

    @extend_schema(request=PublicLookupRequestSerializer, responses=PublicLookupResponseSerializer)
    def post(self, request: Request) -> Response:
        payload = PublicLookupRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = services.public_lookup(request=request, **payload.validated_data)
        if result is None:
            empty: dict[str, Any] = {
                "found": False,
                "village": None,
                "head": None,
                "household_number": None,
                "total": None,
                "receipts": [],
            }
            return Response(PublicLookupResponseSerializer(empty).data, status=status.HTTP_404_NOT_FOUND)
        data = {
            "found": True,
            "village": result.village,
            "head": result.head_name,
            "household_number": result.household_number,
            "total": result.total,
            "receipts": result.receipts,
        }
        return Response(PublicLookupResponseSerializer(data).data)


__all__ = [
    "AllocationViewSet",
    "DeclaredTotalViewSet",
    "DisbursementViewSet",
    "ExecutionReportView",
    "FundSourceViewSet",
    "HouseholdReceiptsView",
    "NoticeViewSet",
    "ProjectFundingViewSet",
    "ProjectViewSet",
    "PublicLookupView",
    "ReconciliationView",
]
