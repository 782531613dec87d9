from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from areas.models import Area
from core.dates import validate_year


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code", "is_western"]


class PolicyChangeSerializer(serializers.Serializer):
    """A change of an area's policy values (areas.services.policy_set checks each value)."""

    values = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    inherit = serializers.ListField(child=serializers.CharField(max_length=80), required=False, default=list)
    versions = serializers.DictField(
        child=serializers.IntegerField(min_value=1), required=False, default=dict
    )
    year = serializers.IntegerField(required=False, allow_null=True, default=None, validators=[validate_year])
    basis = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=200, allow_blank=True
    )

    def validate_values(self, value: dict) -> dict:
        if len(value) > 100:
            raise serializers.ValidationError(_("Too many values."))
        return value


class PolicyValueSerializer(serializers.Serializer):
    """One policy value in force: its value (of `year`, for a yearly value; null otherwise), the
    documented default, the code of the area that set it (null: the default), the document it
    follows and the version of the area's own value (null: set above or not at all)."""

    key = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    value = serializers.JSONField(allow_null=True)
    default = serializers.JSONField(allow_null=True)
    source = serializers.CharField(allow_null=True)  # type: ignore[assignment]  # the metaclass takes it off the class
    basis = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(allow_null=True)


class PolicyInForceSerializer(serializers.Serializer):
    """Every policy value in force in an area (the answer of GET and PATCH .../policy/)."""

    area = serializers.CharField()
    values = PolicyValueSerializer(many=True)
