from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import render

from tongban.history.selectors import timeline_for
from tongban.org.scopes import get_visible_or_404


@login_required
def timeline(request, content_type_id: int, object_id: str):
    """The history of one record, for anyone who may see the record itself (404 otherwise)."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404("未找到该记录，或您无权查看。")
    if model is None or not hasattr(model._default_manager.all(), "visible_to"):
        raise Http404("未找到该记录，或您无权查看。")
    obj = get_visible_or_404(model, request.user, pk=object_id)
    template = "history/_timeline.html" if request.htmx else "history/timeline_page.html"
    return render(request, template, {"record": obj, "entries": timeline_for(obj, request.user)})
