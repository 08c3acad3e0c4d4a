from django.contrib import admin

from tongban.assessment.models import AssessmentSettings, Indicator, Scheme


@admin.register(AssessmentSettings)
class AssessmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board_size", "objection_workdays"]

    def has_add_permission(self, request):
        return not AssessmentSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "base_score", "cap_score"]
    inlines = [IndicatorInline]
