"""系统管理: a centre adds or changes its honour kinds (period, places, eligibility, candidate rules) and the
decision number's wording; eligibility attributes are also kept on the 评优资格 page."""
from django.contrib import admin

from tongban.honours.models import HonourKind, HonourSettings, StaffTraits


@admin.register(HonourKind)
class HonourKindAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "places", "subject", "requires", "min_score", "no_bad_review",
                    "no_upheld_complaint", "no_lateness", "is_active"]
    list_editable = ["is_active"]


@admin.register(HonourSettings)
class HonourSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number_format"]


@admin.register(StaffTraits)
class StaffTraitsAdmin(admin.ModelAdmin):
    list_display = ["staff", "party_member", "female"]
    autocomplete_fields = ["staff"]
