"""Pages that belong to no single domain: login, password change, the home dashboard."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse_lazy

from tongban.core.forms import ChinesePasswordChangeForm, LoginForm
from tongban.org.choices import WindowKind
from tongban.org.models import Staff, Unit, Window
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
    user = request.user
    units = Unit.objects.visible_to(user)
    windows = Window.objects.visible_to(user)
    staff = Staff.objects.visible_to(user)
    by_kind = list(units.values("kind__name").annotate(n=Count("pk")).order_by("kind__sort_order"))
    windows_by_kind = dict(windows.values_list("kind").annotate(n=Count("pk")))
    chart = {
        "units": [{"name": row["kind__name"], "value": row["n"]} for row in by_kind],
        "windows": {
            "labels": [label for _, label in WindowKind.choices],
            "values": [windows_by_kind.get(code, 0) for code, _ in WindowKind.choices],
        },
    }
    context = {
        "scope": scope_for(user),
        "counts": {
            "units": units.count(),
            "windows": windows.count(),
            "staff": staff.filter(is_active=True).count(),
        },
        "chart": chart,
    }
    return render(request, "core/home.html", context)
