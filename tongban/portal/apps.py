from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tongban.portal"
    label = "portal"
    verbose_name = "公众服务"

    def ready(self) -> None:
        from django.urls import reverse

        from tongban.cases import tracking

        # The printed notices' tracking link opens the public 办件进度查询 with the number filled in.
        tracking.register_page(lambda: reverse("portal:track"))
