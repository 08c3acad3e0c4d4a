"""`{% nav_url %}` (core/templatetags/nav.py): what `{% url %}` gives, reversed once per script prefix."""
from django.template import Context, Template
from django.urls import get_script_prefix, reverse, set_script_prefix


def test_nav_url_is_the_reversed_path_and_follows_the_script_prefix():
    template = Template("{% load nav %}{% nav_url 'cases:case_list' %}|{% nav_url 'home' as home %}{{ home }}")
    assert template.render(Context()) == f"{reverse('cases:case_list')}|{reverse('home')}"
    before = get_script_prefix()
    set_script_prefix("/tongban/")
    try:
        assert template.render(Context()) == "/tongban/cases/|/tongban/workbench/"
    finally:
        set_script_prefix(before)
