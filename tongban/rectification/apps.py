from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "tongban.rectification"
    label = "rectification"
    verbose_name = "巡察整改"
