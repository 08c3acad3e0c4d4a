from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "tongban.archives"
    label = "archives"
    verbose_name = "电子签名与电子档案"

    def ready(self) -> None:
        from tongban.cases import notices
        from tongban.core.audit import audit

        from tongban.archives import models as m
        from tongban.archives import signing

        audit(m.ArchiveSettings)
        # The case page serves a signed notice as it was signed and shows the signing links (cases does not
        # import this app: it asks the hook).
        notices.register_signing(signed_copy=signing.signed_copy, links=signing.case_links)
