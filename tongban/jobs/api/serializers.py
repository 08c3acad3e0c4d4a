from rest_framework import serializers

from tongban.jobs.models import JobRun


class JobRunSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    trigger_display = serializers.CharField(source="get_trigger_display", read_only=True)
    triggered_by = serializers.CharField(source="triggered_by.username", read_only=True, default=None)

    class Meta:
        model = JobRun
        fields = ["id", "job", "title", "period_key", "status", "status_display", "started_at", "finished_at",
                  "attempts", "progress_done", "progress_total", "result", "error", "trigger", "trigger_display",
                  "triggered_by"]
