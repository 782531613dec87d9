from django.contrib.auth.signals import user_logged_out
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import request_user
from accounts.roles import ROLE_CAPABILITIES


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    role_display = serializers.CharField()
    areas = serializers.ListField(child=serializers.DictField())
    capabilities = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """Who the caller is, their role, areas and what they may do."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        data = {
            "username": user.username,
            "full_name": user.full_name,
            "role": user.role,
            "role_display": user.get_role_display(),
            "areas": [{"code": a.code, "name": a.name, "level": a.level} for a in user.areas.all()],
            "capabilities": sorted(ROLE_CAPABILITIES.get(user.role, ())),
        }
        return Response(MeSerializer(data).data)


class LogoutView(APIView):
    """Log out a token client: every API token of the caller is revoked (as a logout on the pages does)."""

    authentication_classes = [KnoxTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=204)
