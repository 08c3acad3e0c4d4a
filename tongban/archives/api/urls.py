from tongban.archives.api import views


def register(router) -> None:
    router.register("archive-packages", views.ArchivePackageViewSet, basename="archive-package")
