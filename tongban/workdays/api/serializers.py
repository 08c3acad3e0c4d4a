from rest_framework import serializers

from tongban.workdays.models import FIRST_DAY, LAST_DAY, CalendarYear, Day


class DaySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Day
        fields = ["date", "is_workday", "kind", "kind_display", "holiday_name", "label", "workday_index",
                  "source", "source_display"]


class CalendarYearSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "status", "status_display", "note", "updated_at"]


class CalendarDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise serializers.ValidationError(f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间。")
        return day


class AddQuerySerializer(serializers.Serializer):
    start = CalendarDateField(help_text="起算日（当天不计），如 2025-09-26")
    n = serializers.IntegerField(min_value=0, max_value=3650, help_text="工作日数")


class BetweenQuerySerializer(serializers.Serializer):
    start = CalendarDateField(help_text="起算日 A（当天不计）")
    end = CalendarDateField(help_text="截止日 B（当天计入）")


class WorkdayResultSerializer(serializers.Serializer):
    start = serializers.DateField()
    n = serializers.IntegerField()
    date = serializers.DateField(help_text="第 n 个工作日")
    provisional = serializers.BooleanField(help_text="涉及尚无节假日安排的年份，按周一至周五推算")


class WorkdayCountSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField(help_text="(start, end] 之间的工作日数")
    provisional = serializers.BooleanField(help_text="涉及尚无节假日安排的年份，按周一至周五推算")
