from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "tongban.assessment"
    label = "assessment"
    verbose_name = "效能考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tongban.assessment import bulletin_sections, home, jobs, sources  # noqa: F401  (registrations)
        from tongban.assessment import models as m
        from tongban.core.audit import audit

        for model in (m.AssessmentSettings, m.Scheme, m.Indicator, m.ScoreSheet, m.ScoreItem, m.Objection,
                      m.UnitIndicator):
            audit(model)

        home.register_sections()
