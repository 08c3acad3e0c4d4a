"""Demo of the channels (M16) for `tongban demo`: a few 全程网办 / 掌上办 cases at the online window (one in
网上预审, one waiting for the applicant's correction, one accepted), and the 15-minute circle in 张店镇 — the
post office 中国邮政张店营业所 gets an intake window and two authorised items; one case taken there is
forwarded to the centre (异地代收), one waits at the outlet, and one case of the 张店镇 window is forwarded to
the centre (多地联办). All through the real services, back-dated; run once (keyed by the online cases)."""
from __future__ import annotations

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tongban.cases.choices import Channel
from tongban.cases.models import Case, CaseSettings
from tongban.cases.services import intake, online
from tongban.cases.services.common import acting_on
from tongban.org.choices import WindowKind
from tongban.workdays.models import Day

OUTLET_CODE, OUTLET_WINDOW = "out-post-zhangdian", "ZD-YZ01"
TOWNSHIP_WINDOW, CENTRE_WINDOW = "ZD01", "A01"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_online(county) -> int:
    """The channel cases made (0 when they exist already or the county lacks what they need)."""
    from tongban.cases.demo import _applicant
    from tongban.org.models import Unit, Window
    from tongban.org.services import create_window

    if Case.objects.exclude(channel=Channel.WINDOW).exists():
        return 0
    admin, clerk = county.users.get("admin"), county.users.get("chuangkou")
    centre = Window.objects.filter(code=CENTRE_WINDOW, is_active=True).first()
    if admin is None or clerk is None or centre is None:
        return 0
    policy = CaseSettings.load()
    if policy.online_window_id is None:
        policy.online_window = clerk.staff.window
        policy.save(update_fields=["online_window"])
    rng = random.Random(20261130)
    today = timezone.localdate()
    days = list(Day.objects.filter(is_workday=True, date__lte=today).order_by("-date").values_list("date", flat=True)[:10])
    made = 0
    items = list(online.online_items().filter(is_published=True, via_mobile=True).order_by("implementation_code")[:3])
    for number, item in enumerate(items):
        materials = [m for m in intake.checklist_for(item, None) if not m["produced"]]
        uploads = {m["identity"].code: _pdf(f"{m['name']}.pdf") for m in materials[1:]}  # the first is left out
        with acting_on(days[1 + number]):
            case, _ = online.submit_online(item=item, applicant=_applicant(rng), uploads=uploads,
                                           channel=Channel.MOBILE if number % 2 == 0 else Channel.ONLINE,
                                           form_data={})
        made += 1
        with acting_on(days[number]):
            if number == 1 and case.materials.filter(state="missing").exists():
                intake.notify_correction(case, by=clerk, materials={
                    materials[0]["identity"].code: {"state": "missing", "problem": "请上传清晰的扫描件"}})
            elif number == 2:  # corrected online by the applicant, then accepted
                missing = list(case.materials.filter(state="missing").values_list("identity__code", flat=True))
                if missing:
                    case = intake.notify_correction(case, by=clerk)
                    case = online.correct_online(case, uploads={code: _pdf("补正.pdf") for code in missing})
                intake.accept(case, by=clerk)
    outlet = Unit.objects.filter(code=OUTLET_CODE).first()
    if outlet is not None:
        window = Window.objects.filter(code=OUTLET_WINDOW).first() or create_window(
            code=OUTLET_WINDOW, name="邮政代办窗口", kind=WindowKind.INTAKE, unit=outlet, location="营业厅二号柜台")
        authorised = list(online.online_items().filter(is_published=True, via_outlet=True)
                          .order_by("implementation_code")[:2])
        for item in authorised:
            online.authorise_outlet(outlet, item, by=admin, on=days[-1])
        for number, item in enumerate(authorised):
            with acting_on(days[2 + number]):
                case = intake.receive_case(by=admin, window=window, item=item, applicant=_applicant(rng))
                if number == 0:
                    online.forward(case, by=admin, to_window=centre)
            made += 1
    township = Window.objects.filter(code=TOWNSHIP_WINDOW, is_active=True).first()
    if township is not None:
        item = intake.takeable_items(township).exclude(implementing_unit=township.unit).order_by(
            "implementation_code").first()
        if item is not None:
            with acting_on(days[3]):
                case = intake.receive_case(by=admin, window=township, item=item, applicant=_applicant(rng))
                online.forward(case, by=admin, to_window=centre)
            made += 1
    return made
