"""{{ text|masked_ids:reveal }} — 身份证号 in free text masked unless `reveal` (the reader handles the record);
{{ staff.phone|masked_phone:reveal }} likewise for a phone number. One masking function each (core.masking)."""
from django import template

from tongban.core.masking import mask_id_numbers, mask_phone

register = template.Library()


@register.filter
def masked_ids(text, reveal=False):
    return text if reveal else mask_id_numbers(text)


@register.filter
def masked_phone(phone, reveal=False):
    return phone if reveal else mask_phone(phone)
