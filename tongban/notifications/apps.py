from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    label = "notifications"
    verbose_name = "通知"
    # Not registered with django-auditlog on purpose: a message is a copy of an event already
    # recorded on its own record's timeline, and audit signals on Notification would turn the
    # monthly purge (one DELETE) into a row-by-row delete writing a log entry per message.

    def ready(self) -> None:
        from tongban.notifications import home

        home.register_sections()  # the 工作台's unread messages
