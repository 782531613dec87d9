from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from core.api.mixins import ScopedViewSetMixin
from core.api.services import ServiceUpdateMixin, ServiceWriteMixin
from core.scoping import get_visible_or_404
from supervision import selectors, services
from supervision.filters import ComplaintFilterSet, InspectionFilterSet, ProblemFilterSet
from supervision.models import Complaint, Inspection, Problem

from .serializers import (
    ComplaintAnswerSerializer,
    ComplaintAssignSerializer,
    ComplaintOpenProblemSerializer,
    ComplaintSerializer,
    FollowUpCreateSerializer,
    FollowUpSerializer,
    InspectionSerializer,
    ProblemCloseSerializer,
    ProblemSerializer,
    ProblemUpdateSerializer,
)


class InspectionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision inspections (督导检查) in the caller's areas."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    write_capability = Capability.SUPERVISE

    def base_queryset(self) -> Any:
        return selectors.inspection_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        inspection = services.inspection_create(
            user=request_user(self.request),
            area=data["area"],
            title=data["title"],
            inspected_on=data["inspected_on"],
            inspectors=data.get("inspectors", ""),
            summary=data.get("summary", ""),
        )
        # the counts the list annotates (selectors.inspection_list): a new inspection has no problems
        inspection.problem_count = inspection.open_count = 0  # type: ignore[attr-defined]
        serializer.instance = inspection


class ProblemViewSet(
    ScopedViewSetMixin, ServiceUpdateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The rectification ledger (整改台账): problems, follow-ups, closure on evidence."""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    write_capability = Capability.SUPERVISE
    action_capabilities = {"follow_up": Capability.VIEW}
    update_input = ProblemUpdateSerializer
    answer_reread = True  # as the ledger reads it (its annotations)

    def base_queryset(self) -> Any:
        return selectors.problem_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = services.problem_create(
            user=request_user(self.request),
            area=data["area"],
            category=data["category"],
            description=data["description"],
            responsible_unit=data["responsible_unit"],
            responsible_person=data["responsible_person"],
            deadline=data["deadline"],
            inspection=data.get("inspection"),
            household=data.get("household"),
        )

    def update_service(self, problem: Problem, **data: Any) -> Problem:
        return services.problem_update(problem=problem, **data)

    @extend_schema(request=FollowUpCreateSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        payload = FollowUpCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        follow_up = services.problem_follow_up(
            problem=self.get_object(), note=payload.validated_data["note"], user=request_user(request)
        )
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProblemCloseSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        data = self.service_input(ProblemCloseSerializer)
        return self.service_answer(
            services.problem_close(problem=self.get_object(), user=request_user(request), **data)
        )


class ComplaintViewSet(
    ScopedViewSetMixin, ServiceWriteMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Complaints from the public (漏评, 错评, 错退, unfair treatment)."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    write_capability = Capability.SUPERVISE
    action_capabilities = {"answer": Capability.VIEW}

    def base_queryset(self) -> Any:
        return selectors.complaint_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = services.complaint_receive(
            user=request_user(self.request),
            area=data["area"],
            kind=data["kind"],
            content=data["content"],
            received_on=data["received_on"],
            channel=data.get("channel") or "hotline",
            complainant=data.get("complainant", ""),
            contact=data.get("contact", ""),
            household=data.get("household"),
        )

    @extend_schema(request=ComplaintAssignSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        data = self.service_input(ComplaintAssignSerializer)
        return self.service_answer(
            services.complaint_assign(complaint=self.get_object(), user=request_user(request), **data)
        )

    @extend_schema(request=ComplaintAnswerSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        data = self.service_input(ComplaintAnswerSerializer)
        return self.service_answer(
            services.complaint_answer(complaint=self.get_object(), user=request_user(request), **data)
        )

    @extend_schema(request=ComplaintOpenProblemSerializer, responses={201: ProblemSerializer})
    @action(detail=True, methods=["post"], url_path="open-problem")
    def open_problem(self, request: Request, pk: str | None = None) -> Response:
        payload = ComplaintOpenProblemSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        problem = services.complaint_open_problem(
            complaint=self.get_object(),
            user=request_user(request),
            category=data["category"],
            responsible_unit=data["responsible_unit"],
            responsible_person=data["responsible_person"],
            deadline=data["deadline"],
            description=data.get("description", ""),
        )
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)


class SupervisionFiguresViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Supervision figures of an area (by code): ledger counts, complaint rates, assessment."""

    queryset = Area.objects.all()
    lookup_field = "code"

    def _area(self, code: str) -> Area:
        return get_visible_or_404(Area.objects.all(), self.request.user, code=code)

    @extend_schema(responses={200: OpenApiResponse(description="Ledger counts, per child area")})
    @action(detail=True, methods=["get"])
    def ledger(self, request: Request, code: str | None = None) -> Response:
        return Response(selectors.ledger_summary(user=request_user(request), area=self._area(code or "")))

    @extend_schema(
        responses={200: OpenApiResponse(description="Left-out, wrong-inclusion, wrong-exit rates")}
    )
    @action(detail=True, methods=["get"])
    def rates(self, request: Request, code: str | None = None) -> Response:
        return Response(selectors.complaint_rates(user=request_user(request), area=self._area(code or "")))

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description="Per person and per township; `other`: visits and follow-ups per work team and "
                "cadre, exits verified per person and approved per township, over the last year"
            )
        }
    )
    @action(detail=True, methods=["get"])
    def assessment(self, request: Request, code: str | None = None) -> Response:
        area = self._area(code or "")
        other = selectors.assessment_from_other_apps(user=request_user(request), area=area)
        for name in ("teams", "cadres"):
            if other[name] is not None:
                other[name] = [asdict(row) for row in other[name]]
        return Response({**selectors.assessment(user=request_user(request), area=area), "other": other})
