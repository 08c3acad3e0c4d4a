"""The change log's admin page in Chinese: django-auditlog labels one column with a fixed English text
("Correlation ID", not translatable); everything else comes from tongban/locale."""
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin


class ChineseLogEntryAdmin(LogEntryAdmin):
    @admin.display(description="请求关联号")
    def cid_url(self, obj):
        return super().cid_url(obj)


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ChineseLogEntryAdmin)
