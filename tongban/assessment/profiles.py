"""Regional policy profiles (X3): every PolicySettingsModel across tongban — each value, its default and its
source (the field's help_text) — on one page; a profile is exported as a JSON file and imported into another
county, showing what would change before it is applied. Scheme points travel with the scheme workbook
(schemes.py)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from tongban.core.models import PolicySettingsModel, policy_changed
from tongban.history.services import record_event

FORMAT = "tongban-policy-profile/1"
SKIP = {"id", "created_at", "updated_at"}


@dataclass
class Value:
    model: str  # app_label.ModelName
    title: str
    field: str
    label: str
    value: object
    default: object
    source: str


def policy_models() -> list[type[PolicySettingsModel]]:
    return [m for m in apps.get_models() if issubclass(m, PolicySettingsModel) and m.__module__.startswith("tongban.")]


def _fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in SKIP and not isinstance(f, models.ForeignKey)]


def _json(value):
    return str(value) if not isinstance(value, (int, float, str, bool, type(None), list, dict)) else value


def values() -> list[Value]:
    out = []
    for model in policy_models():
        row = model.load()
        for f in _fields(model):
            default = f.get_default() if f.has_default() else None
            out.append(Value(model._meta.label, str(model._meta.verbose_name), f.name, str(f.verbose_name),
                             _json(getattr(row, f.name)), _json(default), str(f.help_text)))
    return out


def export() -> bytes:
    data = {"format": FORMAT, "settings": {}}
    for v in values():
        data["settings"].setdefault(v.model, {})[v.field] = v.value
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def diff(content: bytes) -> list[dict]:
    """Every value the file would change: model, field, old → new; a ValidationError for a bad file."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError("文件不是政策参数配置文件（JSON）。", code="profile_unreadable")
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("settings"), dict):
        raise ValidationError("文件不是通办导出的政策参数配置文件。", code="profile_format")
    by_label = {m._meta.label: m for m in policy_models()}
    changes, errors = [], []
    for label, fields in data["settings"].items():
        model = by_label.get(label)
        if model is None or not isinstance(fields, dict):
            errors.append(f"未知的设置：{label}")
            continue
        row = model.load()
        known = {f.name: f for f in _fields(model)}
        for name, new in fields.items():
            f = known.get(name)
            if f is None:
                errors.append(f"{model._meta.verbose_name}没有参数 {name}")
                continue
            try:
                cleaned = f.clean(new, row)
            except ValidationError as exc:
                errors.append(f"{model._meta.verbose_name}·{f.verbose_name}：{'；'.join(exc.messages)}")
                continue
            old = getattr(row, name)
            if old != cleaned:
                changes.append({"model": label, "title": str(model._meta.verbose_name), "field": name,
                                "label": str(f.verbose_name), "old": _json(old), "new": _json(cleaned), "value": cleaned})
    if errors:
        raise ValidationError(errors, code="profile_invalid")
    return changes


@transaction.atomic
def apply(content: bytes, *, by) -> int:
    changes = diff(content)
    by_label = {m._meta.label: m for m in policy_models()}
    for label in {c["model"] for c in changes}:
        row = by_label[label].load()
        for c in changes:
            if c["model"] == label:
                setattr(row, c["field"], c["value"])
        row.save()
        policy_changed.send(sender=type(row), fields={c["field"] for c in changes if c["model"] == label})
        record_event(row, "assessment.profile.applied", "导入政策参数："
                     + "；".join(f"{c['label']} {c['old']} → {c['new']}" for c in changes if c["model"] == label)[:480], by=by)
    return len(changes)
