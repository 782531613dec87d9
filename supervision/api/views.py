from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from core.api.mixins import ScopedViewSetMixin
from core.api.services import ScopedReadCreateViewSet, ServiceAction, ServiceUpdateMixin
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


class InspectionViewSet(ScopedReadCreateViewSet):
    """Supervision inspections (督导检查) in the caller's areas."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    write_capability = Capability.SUPERVISE
    create_input = InspectionSerializer
    create_service = staticmethod(services.inspection_create)
    answer_reread = True  # with the counts the list annotates (selectors.inspection_list)

    def base_queryset(self) -> Any:
        return selectors.inspection_list(user=self.request.user)


class ProblemViewSet(ServiceUpdateMixin, ScopedReadCreateViewSet):
    """The rectification ledger (整改台账): problems, follow-ups, closure on evidence."""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    write_capability = Capability.SUPERVISE
    action_capabilities = {"follow_up": Capability.VIEW}
    create_input = ProblemSerializer
    create_service = staticmethod(services.problem_create)
    update_input = ProblemUpdateSerializer
    answer_reread = True  # as the ledger reads it (its annotations)

    def base_queryset(self) -> Any:
        return selectors.problem_list(user=self.request.user)

    def update_service(self, problem: Problem, **data: Any) -> Problem:
        return services.problem_update(problem=problem, **data)

    follow_up = ServiceAction(
        services.problem_follow_up,
        target="problem",
        input=FollowUpCreateSerializer,
        answer=FollowUpSerializer,
        code=status.HTTP_201_CREATED,
        url_path="follow-ups",
    )
    close = ServiceAction(services.problem_close, target="problem", input=ProblemCloseSerializer)


class ComplaintViewSet(ScopedReadCreateViewSet):
    """Complaints from the public (漏评, 错评, 错退, unfair treatment)."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    write_capability = Capability.SUPERVISE
    action_capabilities = {"answer": Capability.VIEW}
    create_input = ComplaintSerializer
    create_service = staticmethod(services.complaint_receive)

    def base_queryset(self) -> Any:
        return selectors.complaint_list(user=self.request.user)

    assign = ServiceAction(services.complaint_assign, target="complaint", input=ComplaintAssignSerializer)
    answer = ServiceAction(services.complaint_answer, target="complaint", input=ComplaintAnswerSerializer)
    open_problem = ServiceAction(
        services.complaint_open_problem,
        target="complaint",
        input=ComplaintOpenProblemSerializer,
        answer=ProblemSerializer,
        code=status.HTTP_201_CREATED,
        url_path="open-problem",
    )


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
