"""OpenAPI (drf-spectacular) descriptions of tongban's own authentication classes."""
from drf_spectacular.authentication import SessionScheme


class TongbanSessionScheme(SessionScheme):
    target_class = "tongban.core.authentication.SessionAuthentication"
