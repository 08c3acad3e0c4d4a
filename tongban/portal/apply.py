"""全程网办 / 掌上办 (no login, mobile first): choose an item or bundle that may be applied for online, fill the
merged form once, upload the materials, submit; then the private tracking link, where the applicant follows
the case and answers a one-time correction notice by uploading the missing files.

The rules are the cases app's (`cases.services.online`): the same applicant checks as at the window, the
merged form checked by type, the files through the one upload check; the case is an ordinary case in
网上预审 at the online intake window.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from tongban.cases import tracking
from tongban.cases.choices import Channel, MATERIAL_TO_CORRECT
from tongban.cases.intake_forms import ApplicantForm, ApplicationForm, form_fields_for
from tongban.cases.services import online
from tongban.cases.services.intake import checklist_for
from tongban.catalog.search import name_query
from tongban.portal.views import published_bundles, published_items

ACCEPT = ",".join(online.UPLOAD_TYPES)
MOBILE_HINTS = ("Mobile", "Android", "iPhone", "MicroMessenger")


def _applicable_items():
    return published_items().filter(pk__in=online.online_items().values("pk"))


def _applicable_bundles():
    return published_bundles().filter(pk__in=online.online_bundles().values("pk"))


def apply_list(request):
    """网上办事: what may be applied for online, searchable by name."""
    query = request.GET.get("q", "")
    query = query.strip()[:40] if isinstance(query, str) else ""
    items = _applicable_items().select_related("implementing_unit")
    bundles = _applicable_bundles()
    if query:
        items = items.filter(name_query(query))
        bundles = bundles.filter(name__icontains=query)
    return render(request, "portal/apply_list.html", {
        "items": items.order_by("name")[:100], "bundles": bundles.order_by("sort_order", "name")[:50], "query": query})


class FilesForm(forms.Form):
    """One file input per material the applicant may upload (`file_<code>`); checked by the one upload check."""

    def __init__(self, *args, materials: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = materials
        for m in materials:
            self.fields[f"file_{m['identity'].code}"] = forms.FileField(
                label=m["name"], required=False,
                widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPT}))

    def clean(self):
        data = super().clean()
        uploads = self.uploads()
        for code, errors in online.check_files(uploads).items():
            self.add_error(f"file_{code}", errors)
        return data

    def uploads(self) -> dict:
        return {m["identity"].code: self.files[f"file_{m['identity'].code}"] for m in self.materials
                if self.files.get(f"file_{m['identity'].code}")}

    def rows(self):
        return [(m, self[f"file_{m['identity'].code}"]) for m in self.materials]


def apply_item(request, code: str):
    item = _applicable_items().filter(implementation_code=code).first()
    if item is None:
        raise Http404("该事项暂不能网上办理。")
    return _apply(request, item=item)


def apply_bundle(request, slug: str):
    bundle = _applicable_bundles().filter(slug=slug).first()
    if bundle is None:
        raise Http404("该一件事暂不能网上办理。")
    return _apply(request, bundle=bundle)


def _channel(request, what) -> str:
    """掌上办 from a phone (when the catalogue offers it), else 全程网办."""
    agent = request.headers.get("User-Agent", "")
    on_phone = any(hint in agent for hint in MOBILE_HINTS)
    offers_mobile = getattr(what, "via_mobile", True)
    offers_online = getattr(what, "via_online", True)
    return Channel.MOBILE if (on_phone and offers_mobile) or not offers_online else Channel.ONLINE


def _apply(request, *, item=None, bundle=None):
    what = item or bundle
    fields = form_fields_for(item=item, bundle=bundle)
    materials = [m for m in checklist_for(item, bundle) if not m["produced"]]
    data = request.POST if request.method == "POST" else None
    applicant = ApplicantForm(data, prefix="a")
    application = ApplicationForm(data, form_fields=fields, prefix="f")
    files = FilesForm(data, request.FILES if data is not None else None, materials=materials)
    error, status = "", 200
    if data is not None:
        from axes.helpers import get_client_ip_address

        address = get_client_ip_address(request)
        if tracking.is_limited(address, tracking.Kind.APPLY):  # counted like the tracking page's failures
            error, status = tracking.limited_message(tracking.Kind.APPLY), 429
            data = None
        else:
            tracking.record_failure(address, tracking.Kind.APPLY)
    if data is not None:
        valid = [form.is_valid() for form in (applicant, application, files)]
        if all(valid):
            try:
                case, token = online.submit_online(
                    item=item, bundle=bundle, applicant=applicant.applicant, form_data=application.form_data,
                    uploads=files.uploads(), channel=_channel(request, what))
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                return redirect(f"{reverse('portal:track_token', args=[token])}?new=1")
        for form in (applicant, application):
            form.mark_invalid()
        status = 400
        error = error or "请按提示修改标红的内容后再提交（已选择的文件需要重新选择）。"
    response = render(request, "portal/apply.html", {
        "what": what, "item": item, "bundle": bundle, "applicant": applicant, "application": application,
        "files": files, "error": error, "accept": ACCEPT}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def track_token(request, token: str):
    """The private tracking link: the case, its timeline, what is missing, and (补正中, online) the uploads
    that answer the one-time correction notice. A wrong link counts as a failed lookup (rate-limited)."""
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    if tracking.is_limited(address):
        response = render(request, "portal/track.html", {
            "error": tracking.limited_message(),
            "factor_length": tracking.FACTOR_LENGTH}, status=429)
        response["Cache-Control"] = "no-store"
        return response
    case = online.case_for_token(token)
    if case is None:
        tracking.record_failure(address)
        raise Http404("查询链接无效。")
    to_correct = []
    if case.status == "correcting" and case.channel in (Channel.ONLINE, Channel.MOBILE):
        to_correct = [{"identity": m.identity, "name": m.name, "problem": m.problem}
                      for m in case.materials.filter(state__in=MATERIAL_TO_CORRECT).select_related("identity")]
    data = request.POST if request.method == "POST" and to_correct else None
    files = FilesForm(data, request.FILES if data is not None else None, materials=to_correct)
    error, status = "", 200
    if data is not None:
        if files.is_valid():
            try:
                online.correct_online(case, uploads=files.uploads())
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                return redirect(f"{reverse('portal:track_token', args=[token])}?corrected=1")
        status = 400
        error = error or "请按提示重新选择文件后再提交。"
    response = render(request, "portal/track_token.html", {
        "found": tracking.present(case), "files": files if to_correct else None, "error": error,
        "new": request.GET.get("new") == "1", "corrected": request.GET.get("corrected") == "1",
        "link": request.build_absolute_uri(request.path), "accept": ACCEPT}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves the site in a Referer header
    return response
