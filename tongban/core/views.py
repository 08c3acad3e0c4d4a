"""Pages that belong to no single domain: login, password change, the home dashboard."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


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


@login_required
def my_tokens(request):
    """我的接口令牌: one's own API token — when it was made and until when it is valid; create (shown in
    full once, on this response) or revoke it. Only one's own: there is no id to change."""
    from rest_framework.authtoken.models import Token

    from tongban.core import tokens
    from tongban.core.authentication import token_expired, token_expires_at

    may_create = tokens.may_use_api(request.user)
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            if not may_create:
                raise PermissionDenied
            new_key = tokens.create_token(request.user).key
            messages.success(request, "已生成新的接口令牌。请立即复制保存：离开本页后不再完整显示。")
        elif action == "revoke":
            if tokens.revoke_token(request.user):
                messages.success(request, "已作废接口令牌，使用它的程序将无法再访问接口。")
            return redirect("my_tokens")
        else:
            return redirect("my_tokens")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "new_key": new_key,
        "expires_at": token_expires_at(token) if token else None,
        "expired": token_expired(token) if token else False,
        "may_create": may_create,
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "core/tokens.html", context)
