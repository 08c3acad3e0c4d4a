from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

register = template.Library()


@register.simple_tag
def timeline_url(record) -> str:
    content_type = ContentType.objects.get_for_model(record, for_concrete_model=False)
    return reverse("history:timeline", args=[content_type.pk, record.pk])
