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

from accounts.roles import Capability
from core.api.mixins import ScopedViewSetMixin
from core.api.personal import RevealLoggingMixin
from core.api.procedures import ProcedureSignMixin
from core.api.services import ServiceWriteMixin
from core.paging import keys_first
from core.scoping import get_visible_or_404

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


def _get(model: Any, request: Request, pk: Any) -> Any:
    if pk in (None, ""):
        return None
    return get_visible_or_404(model.objects.all(), request.user, pk=pk)


class HouseholdViewSet(
    RevealLoggingMixin,
    ScopedViewSetMixin,
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

    def base_queryset(self) -> QuerySet:
        qs = self.queryset.all()
        if self.action in ("list", "search"):
            # the cursor page is read keys first, as the page's (households.selectors.household_list)
            qs = keys_first(qs)
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("members", queryset=Member.objects.order_by("id")))
        return qs

    def get_serializer_class(self) -> Any:
        return s.HouseholdDetailSerializer if self.action == "retrieve" else s.HouseholdSerializer

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
        request._request.GET = params
        return self.list(request)

    @extend_schema(request=s.HouseholdRegisterSerializer, responses={201: s.HouseholdDetailSerializer})
    def create(self, request: Request) -> Response:
        data = s.HouseholdRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        village = values.pop("village")
        members = [dict(m) for m in values.pop("members")]
        household = services.household_register(user=request.user, village=village, members=members, **values)
        household = self.get_queryset().get(pk=household.pk)
        return Response(
            s.HouseholdDetailSerializer(household, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.HouseholdUpdateSerializer, responses=s.HouseholdSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        household = self.get_object()
        data = s.HouseholdUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = services.household_update(
            household=household, user=request.user, expected_version=values.pop("version"), **values
        )
        return Response(s.HouseholdSerializer(household, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={201: s.ProcedureSerializer})
    @action(detail=True, methods=["post"])
    def identification(self, request: Request, pk: Any = None) -> Response:
        """Start the identification procedure for this candidate."""
        procedure = services.procedure_start(household=self.get_object(), user=request.user)
        return Response(s.ProcedureSerializer(procedure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ImportUploadSerializer, responses={202: s.ImportJobSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request: Request) -> Response:
        """Queue a spreadsheet import (the same job as the page); poll `status_url` for progress and
        errors by row and column."""
        data = s.ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_start(
            user=request.user, upload=data.validated_data["file"], migration=data.validated_data["migration"]
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

        job = job_readable_or_404(request.user, job_id, kinds=IMPORT_KINDS)
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

    @extend_schema(request=s.IncomeInputSerializer, responses={201: s.IncomeSerializer})
    @action(detail=True, methods=["post"])
    def income(self, request: Request, pk: Any = None) -> Response:
        data = s.IncomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.income_record_save(
            household=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(s.IncomeSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConditionsInputSerializer, responses={201: s.ConditionsInputSerializer})
    @action(detail=True, methods=["post"])
    def conditions(self, request: Request, pk: Any = None) -> Response:
        data = s.ConditionsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.living_conditions_record(
            household=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(s.ConditionsInputSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FourLooksInputSerializer, responses={201: s.FourLooksSerializer})
    @action(detail=True, methods=["post"], url_path="four-looks")
    def four_looks(self, request: Request, pk: Any = None) -> Response:
        data = s.FourLooksInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.four_looks_assess(
            household=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(s.FourLooksSerializer(record).data, status=status.HTTP_201_CREATED)


class MemberViewSet(
    RevealLoggingMixin,
    ScopedViewSetMixin,
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

    @extend_schema(request=s.MemberUpdateSerializer, responses=s.MemberSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        member = self.get_object()
        data = s.MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        member = services.member_update(
            member=member, user=request.user, expected_version=request.data.get("version") or 0, **values
        )
        return Response(s.MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(request=s.MemberLeaveSerializer, responses=s.MemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: Any = None) -> Response:
        data = s.MemberLeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        member = services.member_leave(
            member=self.get_object(),
            user=request.user,
            left_on=values["left_on"],
            reason=values["reason"],
            new_head=_get(Member, request, values.get("new_head")),
        )
        return Response(s.MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(request=s.MemberMoveSerializer, responses=s.MemberSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        data = s.MemberMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        member = services.member_move(
            member=self.get_object(),
            to_household=_get(Household, request, values["to_household"]),
            user=request.user,
            moved_on=values["moved_on"],
            reason=values["reason"],
            relation=values["relation"],
            new_head=_get(Member, request, values.get("new_head")),
        )
        return Response(s.MemberSerializer(member, context=self.get_serializer_context()).data)


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

    @extend_schema(request=s.ObjectionInputSerializer, responses={201: s.ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: Any = None) -> Response:
        data = s.ObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_record(
            procedure=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = NoticeObjection.objects.all()
    serializer_class = s.ObjectionSerializer
    action_capabilities = {"resolve": Capability.SIGN_TOWNSHIP_STEP}

    @extend_schema(request=s.ObjectionResolveSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        data = s.ObjectionResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_resolve(
            objection=self.get_object(), user=request.user, **data.validated_data
        )
        return Response(s.ObjectionSerializer(objection).data)


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
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Department lists uploaded for 比对排除. POST (multipart) matches a list against the members in
    the chosen area; the matches appear under cross-check-matches/ for review."""

    queryset = CrossCheckBatch.objects.all()
    serializer_class = s.CrossCheckBatchSerializer
    parser_classes = [MultiPartParser, FormParser]
    action_capabilities = {"create": Capability.SIGN_TOWNSHIP_STEP}

    @extend_schema(request=s.CrossCheckUploadSerializer, responses={201: s.CrossCheckBatchSerializer})
    def create(self, request: Request) -> Response:
        data = s.CrossCheckUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        batch = services.cross_check_upload(
            user=request.user,
            area=data.validated_data["area"],
            source=data.validated_data["source"],
            source_name=data.validated_data["source_name"],
            file_name=upload.name,
            content=upload.read(),
        )
        return Response(s.CrossCheckBatchSerializer(batch).data, status=status.HTTP_201_CREATED)
