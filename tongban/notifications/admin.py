from django.contrib import admin

from tongban.notifications.models import EmailDigest, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "code", "created_at", "read_at"]
    list_filter = ["code"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(EmailDigest)
class EmailDigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "period_key", "message_count", "sent_at"]
    raw_id_fields = ["recipient"]
