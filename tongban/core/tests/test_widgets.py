"""The searchable pickers' server side: each option carries its pinyin, initials and hint, read in one query."""
import json
import re

import pytest
from django import forms

from tongban.core.forms import style_fields
from tongban.org.models import Staff, Unit

pytestmark = pytest.mark.django_db


class PeopleForm(forms.Form):
    people = forms.ModelMultipleChoiceField(queryset=Staff.objects.select_related("unit").order_by("name"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("path"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


def options(html: str, select: str) -> dict[str, dict]:
    block = re.search(rf'<select name="{select}".*?</select>', html, re.S).group(0)
    return {label: json.loads(data.replace("&quot;", '"'))
            for data, label in re.findall(r'data-data="([^"]+)"[^>]*>([^<]+)</option>', block)}


def test_people_carry_pinyin_initials_and_their_unit_and_position(personas, django_assert_num_queries):
    with django_assert_num_queries(2):  # the people with their units, the units: never one per person
        html = str(PeopleForm())

    people = options(html, "people")
    assert people["王股长"] == {"pinyin": "wangguzhang", "initials": "wgz", "hint": "市场准入股 · 股长"}
    assert people["钱乡镇"]["hint"] == "城关镇便民服务中心"
    assert 'data-picker="1"' in html and 'data-placeholder="输入姓名、拼音首字母或单位搜索"' in html
    assert options(html, "unit")["城关镇便民服务中心"]["initials"] == "cgzbmfwzx"
    assert '<option value="" selected>（无）</option>' in html  # not "---------"


def test_a_posted_picker_is_an_ordinary_select(personas, county):
    chief = Staff.objects.get(name="王股长")
    form = PeopleForm({"people": [chief.pk], "unit": county.township_a.pk})

    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["people"]) == [chief] and form.cleaned_data["unit"] == county.township_a
