"""Case pages: placeholder until the pages land."""
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("")


case_list = intake_form = intake_queue = review_queue = delivery_queue = case_detail = case_action = reveal = _todo
