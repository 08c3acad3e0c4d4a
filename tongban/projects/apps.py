from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tongban.projects"
    label = "projects"
    verbose_name = "工程建设项目"

    def ready(self) -> None:
        from tongban.cases.services import review
        from tongban.core.audit import audit

        from tongban.projects import home, models, services

        # 多规合一: a project stage's task is decided only after its coordination round (cases knows no project).
        review.before_decision_checks.append(services.coordination_check)
        for model in (models.ProjectSettings, models.StageSetup, models.Project):
            audit(model)
        home.register_sections()

        from tongban.documents import exports as document_exports
        from tongban.projects import exports

        document_exports.register(exports.KIND, exports.write_ledger)
