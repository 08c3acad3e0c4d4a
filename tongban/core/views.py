"""Pages that belong to no single domain: login, password change, the home dashboard."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone

from tongban.core.forms import ChinesePasswordChangeForm, LoginForm
from tongban.core.home import sections_for
from tongban.org.scopes import scope_for


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = ChinesePasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


@login_required
def home(request):
    """工作台: each person's to-do list, built from the sections the apps register (`tongban.core.home`)."""
    today = timezone.localdate()
    sections = [
        (shown, "" if shown.is_empty else render_to_string(shown.section.template, shown.content.context, request))
        for shown in sections_for(request, today)
    ]
    scripts = list(dict.fromkeys(script for shown, html in sections if html for script in shown.section.scripts))
    return render(request, "core/home.html", {
        "scope": scope_for(request.user), "sections": sections, "scripts": scripts, "today": today,
    })
