"""Registry API: the same services, selectors and FilterSet as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import request_user
from accounts.roles import Capability
from core.api.mixins import ScopedViewSetMixin
from core.api.personal import RevealLoggingMixin
from core.api.procedures import ProcedureSignMixin
from core.api.services import ServiceAction, ServiceCreateMixin, ServiceUpdateMixin, ServiceWriteMixin
from core.paging import keys_first

from .. import services
from ..filters import CrossCheckMatchFilterSet, DuplicateCandidateFilterSet, HouseholdFilterSet
from ..imports import import_start
from ..models import (
    CrossCheckBatch,
    CrossCheckMatch,
    DuplicateCandidate,
    Household,
    IdentificationProcedure,
    Member,
    NoticeObjection,
)
from ..tasks import IMPORT_KINDS
from . import serializers as s


def _household_record(service: Any, input: Any, answer: Any, **kwargs: Any) -> ServiceAction:
    """An assessment recorded on the household (income, living conditions, 四看): answered 201."""
    return ServiceAction(
        service, target="household", input=input, answer=answer, code=status.HTTP_201_CREATED, **kwargs
    )


class HouseholdViewSet(
    RevealLoggingMixin,
    ScopedViewSetMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Households in the caller's areas. Create registers a candidate with its members (all or
    nothing); PATCH needs the `version` last read (409 on a stale one)."""

    queryset = Household.objects.select_related("village", "village__parent", "head")
    serializer_class = s.HouseholdSerializer
    filterset_class = HouseholdFilterSet
    write_capability = Capability.EDIT_REGISTRY
    action_capabilities = {
        "identification": Capability.PROPOSE,
        "import_file": Capability.IMPORT_REGISTRY,
        "search": Capability.VIEW,
    }
    create_input = s.HouseholdRegisterSerializer
    update_input = s.HouseholdUpdateSerializer
    answer_reread = True  # a registered household is answered as retrieve reads it, with its members

    def base_queryset(self) -> QuerySet:
        qs: QuerySet[Household] = self.queryset.all()
        if self.action in ("list", "search"):
            # the cursor page is read keys first, as the page's (households.selectors.household_list)
            qs = keys_first(qs)
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("members", queryset=Member.objects.order_by("id")))
        return qs

    def get_serializer_class(self) -> Any:
        return s.HouseholdDetailSerializer if self.action in ("retrieve", "create") else s.HouseholdSerializer

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses=s.HouseholdSerializer(many=True),
        description="The list's filters (q, village, status...) in a JSON body instead of the address, so "
        "a searched ID number or phone stays out of addresses and access logs. The answer is the list's "
        "page; for the next page POST the same body to the `next` address (it adds only the cursor).",
    )
    @action(detail=False, methods=["post"], url_path="search")
    def search(self, request: Request) -> Response:
        params = request._request.GET.copy()  # the cursor of a next page
        body = request.data if isinstance(request.data, dict) else {}
        for key, value in body.items():
            params.setlist(str(key), [str(v) for v in value] if isinstance(value, list) else [str(value)])
        request._request.GET = params  # type: ignore[assignment]  # the list reads the body as its query
        return self.list(request)

    def create_service(self, *, members: list[dict[str, Any]], **data: Any) -> Household:
        return services.household_register(members=[dict(m) for m in members], **data)

    def update_service(self, household: Household, **data: Any) -> Household:
        return services.household_update(household=household, **data)

    identification = ServiceAction(
        services.procedure_start,
        target="household",
        answer=s.ProcedureSerializer,
        code=status.HTTP_201_CREATED,
        doc="Start the identification procedure for this candidate.",
    )

    @extend_schema(request=s.ImportUploadSerializer, responses={202: s.ImportJobSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request: Request) -> Response:
        """Queue a spreadsheet import (the same job as the page); poll `status_url` for progress and
        errors by row and column."""
        data = s.ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_start(
            user=request_user(request),
            upload=data.validated_data["file"],
            migration=data.validated_data["migration"],
        )
        return Response(
            {"job": job.pk, "status_url": reverse("household-import-status", args=[job.pk])},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=None, responses={200: s.ImportStatusSerializer})
    @action(detail=False, methods=["get"], url_path=r"import/(?P<job_id>[0-9a-fA-F-]{36})")
    def import_status(self, request: Request, job_id: str) -> Response:
        """Progress of an import job, and when it failed its errors keyed `<row>:<column>`: the first
        IMPORT_MAX_ERRORS are kept, `error_count` counts them all; `?errors_page=` and
        `errors_page_size=` (default 100) page through the kept ones."""
        from core.selectors import job_readable_or_404
        from core.views import job_payload

        from ..views import import_errors_page

        job = job_readable_or_404(request_user(request), job_id, kinds=IMPORT_KINDS)
        payload = job_payload(job)
        if isinstance((job.result or {}).get("errors"), dict):
            page = import_errors_page(
                job,
                request.query_params.get("errors_page", 1),
                request.query_params.get("errors_page_size", 100),
            )
            errors: dict[str, list[str]] = {}
            for e in page.pop("errors"):
                errors.setdefault(f"{e['row']}:{e['column']}", []).append(e["message"])
            payload["result"] = {**payload["result"], "errors": errors}
            payload["errors_page"] = page
        return Response(payload)

    income = _household_record(services.income_record_save, s.IncomeInputSerializer, s.IncomeSerializer)
    conditions = _household_record(
        services.living_conditions_record, s.ConditionsInputSerializer, s.ConditionsInputSerializer
    )
    four_looks = _household_record(
        services.four_looks_assess, s.FourLooksInputSerializer, s.FourLooksSerializer, url_path="four-looks"
    )


class MemberViewSet(
    RevealLoggingMixin,
    ScopedViewSetMixin,
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """People currently in a household in the caller's areas. Full ID numbers for roles that need
    them (every one returned is logged), masked otherwise."""

    queryset = Member.objects.all()
    serializer_class = s.MemberSerializer
    write_capability = Capability.EDIT_REGISTRY
    filterset_fields = ["household"]

    update_input = s.MemberUpdateSerializer
    update_partial = True

    def update_service(self, member: Member, *, expected_version: int = 0, **data: Any) -> Member:
        return services.member_update(member=member, expected_version=expected_version, **data)

    leave = ServiceAction(
        services.member_leave, target="member", input=s.MemberLeaveSerializer, visible={"new_head": Member}
    )
    move = ServiceAction(
        services.member_move,
        target="member",
        input=s.MemberMoveSerializer,
        visible={"to_household": Household, "new_head": Member},
    )


@extend_schema_view(sign=extend_schema(request=s.SignInputSerializer, responses={201: s.StepSerializer}))
class ProcedureViewSet(ScopedViewSetMixin, ProcedureSignMixin, viewsets.ReadOnlyModelViewSet):
    """Identification procedures with their signed steps and objections."""

    queryset = IdentificationProcedure.objects.select_related("household").prefetch_related(
        "steps", "objections"
    )
    serializer_class = s.ProcedureSerializer
    filterset_fields = ["household", "status", "next_stage"]
    action_capabilities = {"sign": Capability.VIEW, "objections": Capability.SIGN_VILLAGE_STEP}

    sign_serializer_class = s.SignInputSerializer
    sign_status = status.HTTP_201_CREATED

    def procedure_sign(self, obj: Any, *, user: Any, **data: Any) -> Any:
        return services.procedure_sign(procedure=obj, user=user, **data)

    def signed_data(self, result: Any) -> Any:
        return s.StepSerializer(result).data

    objections = ServiceAction(
        services.objection_record,
        target="procedure",
        input=s.ObjectionInputSerializer,
        answer=s.ObjectionSerializer,
        code=status.HTTP_201_CREATED,
    )


class ObjectionViewSet(ScopedViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
    queryset = NoticeObjection.objects.all()
    serializer_class = s.ObjectionSerializer
    action_capabilities = {"resolve": Capability.SIGN_TOWNSHIP_STEP}

    resolve = ServiceAction(
        services.objection_resolve, target="objection", input=s.ObjectionResolveSerializer
    )


class _ReviewQueueViewSet(ScopedViewSetMixin, ServiceWriteMixin, viewsets.ReadOnlyModelViewSet):
    """A review queue: review/ records the reviewer's status and note through `review_service` and
    answers with the entry."""

    def review_service(self, entry: Any, *, user: Any, status: str, note: str) -> Any:
        raise NotImplementedError

    @extend_schema(request=s.ReviewInputSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        data = self.service_input(s.ReviewInputSerializer)
        entry = self.review_service(
            self.get_object(), user=request.user, status=data["status"], note=data["review_note"]
        )
        return self.service_answer(entry)


class DuplicateViewSet(_ReviewQueueViewSet):
    """Probable duplicates for review (pairs stored once)."""

    queryset = DuplicateCandidate.objects.select_related("member_a", "member_b")
    serializer_class = s.DuplicateSerializer
    filterset_class = DuplicateCandidateFilterSet
    action_capabilities = {"review": Capability.EDIT_REGISTRY}

    def review_service(self, entry: Any, **data: Any) -> Any:
        return services.duplicate_review(candidate=entry, **data)


class CrossCheckMatchViewSet(_ReviewQueueViewSet):
    """Registered people found in another department's list, for review."""

    queryset = CrossCheckMatch.objects.select_related("batch", "member")
    serializer_class = s.CrossCheckMatchSerializer
    filterset_class = CrossCheckMatchFilterSet
    action_capabilities = {"review": Capability.SIGN_TOWNSHIP_STEP}

    def review_service(self, entry: Any, **data: Any) -> Any:
        return services.cross_check_review(match=entry, **data)


class CrossCheckBatchViewSet(
    ScopedViewSetMixin,
    ServiceCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Department lists uploaded for 比对排除. POST (multipart) matches a list against the members in
    the chosen area; the matches appear under cross-check-matches/ for review."""

    queryset = CrossCheckBatch.objects.all()
    serializer_class = s.CrossCheckBatchSerializer
    parser_classes = [MultiPartParser, FormParser]
    action_capabilities = {"create": Capability.SIGN_TOWNSHIP_STEP}
    create_input = s.CrossCheckUploadSerializer

    def create_service(self, *, file: Any, **data: Any) -> CrossCheckBatch:
        return services.cross_check_upload(file_name=file.name, content=file.read(), **data)
