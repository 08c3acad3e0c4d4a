from rest_framework import serializers

from tongban.projects.models import Project, ProjectStage


class ProjectStageSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_status = serializers.CharField(source="case.get_status_display", read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.name", read_only=True)

    class Meta:
        model = ProjectStage
        fields = ["stage", "stage_label", "case_number", "case_status", "lead_unit", "limit_workdays",
                  "coordination_concluded_on", "coordination_conclusion"]


class ProjectSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    current_stage = serializers.IntegerField(read_only=True)
    stages = ProjectStageSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "builder_name", "builder_credit_code", "location", "kind", "kind_label",
                  "investment", "land_area", "floor_area", "green_channel", "land_secured", "land_secured_on",
                  "registered_on", "current_stage", "stages"]
