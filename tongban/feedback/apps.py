from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tongban.feedback"
    label = "feedback"
    verbose_name = "好差评与回访"

    def ready(self) -> None:
        from tongban.core.audit import audit

        from tongban.feedback import home, jobs, rules  # noqa: F401  (registers perms, jobs, 工作台 sections)
        from tongban.feedback import models as m

        audit(m.FeedbackSettings)
        audit(m.Rating)
        audit(m.Complaint, exclude=["client_key"])
        audit(m.CallbackSample)
        audit(m.CallbackItem)
        home.register_sections()

        from tongban.rectification import panels

        panels.register("feedback.sources", "feedback/_loop_panel.html", home.loop_panel)

        from tongban.cases import notices

        from tongban.feedback import qr

        notices.register_finisher("feedback.rating_qr", qr.add_to_notice)  # 扫码评价 on every printed notice

        from tongban.feedback import wiring

        wiring.register()  # the duty sheet's problems, the assessment's indicators, the 月通报's section
