"""Excel import and export of the whole catalogue (docs/catalog.md shows the layout).

One workbook, five sheets: 事项, 材料, 表单字段, 办理环节, 特别程序. Items are keyed by 实施编码; the
other sheets name their item by 实施编码 too. One column spec per sheet drives both directions, so
export → import → export gives the same cells.

Import is all-or-nothing: every error is listed by (sheet, row, column, Chinese message) and nothing
is written. It is idempotent: a record whose cells did not change is not touched. It is set-based: a
fixed number of queries whatever the size (bulk_create / bulk_update / one delete per sheet).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tongban.catalog.choices import CaseKind, Channel, DataType, ItemLevel, ItemType, ResultKind, SpecialStepKind
from tongban.catalog.models import (
    CHANNEL_FIELDS,
    DataElement,
    ItemFormField,
    ItemMaterial,
    MaterialIdentity,
    ServiceItem,
    SpecialStep,
    Step,
    channel_flags,
)
from tongban.core.import_snapshots import KEEP_ALL, Baseline, FieldChange, RecordChanges, TakeFileValues, to_json
from tongban.core.spreadsheets import SpreadsheetError, read_workbook
from tongban.core.text import parse_int
from tongban.core.uploads import WORKBOOK_TYPES
from tongban.documents.excel import append_row
from tongban.history.models import DomainEvent
from tongban.org.models import Unit

YES, NO = "是", "否"
BATCH = 500


class ImportRejected(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        self.message = f"导入失败，共 {len(errors)} 处错误，数据库未做任何修改。"
        super().__init__(self.message)


class CellError(ValueError):
    """A cell that cannot be read; the message is the Chinese one the error list shows."""


# --- cell converters: parse(text/number) -> value; show(value) -> cell ---------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


FULL_WIDTH_DIGITS = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}


def parse_count(value: Any) -> int:
    """A count (days, copies): empty is 0; full-width digits typed with a Chinese input method are read too."""
    text = _text(value).translate(FULL_WIDTH_DIGITS)
    if text == "":
        return 0
    number = parse_int(text, min=0, max=2**31 - 1)
    if number is None:
        raise CellError(f"“{text}”不是非负整数")
    return number


def parse_bool(value: Any) -> bool:
    text = _text(value)
    if text in ("是", "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if text in ("否", "N", "n", "0", "FALSE", "False", "false", ""):
        return False
    raise CellError(f"“{text}”应填“是”或“否”")


def show_bool(value: bool) -> str:
    return YES if value else NO


def choice(enum: type[models.TextChoices]) -> tuple[Callable, Callable]:
    by_label = {label: code for code, label in enum.choices}

    def parse(value: Any) -> str:
        text = _text(value)
        if text in by_label:
            return by_label[text]
        if text in enum.values:
            return text
        raise CellError(f"“{text}”不是有效选项（可选：{'、'.join(by_label)}）")

    return parse, lambda code: enum(code).label


def parse_channels(value: Any) -> list[str]:
    labels = {label: code for code, label in Channel.choices}
    parts = [p for p in _text(value).replace("，", "、").replace(",", "、").split("、") if p.strip()]
    codes = []
    for part in parts:
        code = labels.get(part.strip(), part.strip() if part.strip() in Channel.values else None)
        if code is None:
            raise CellError(f"“{part}”不是办理渠道（可选：{'、'.join(labels)}）")
        codes.append(code)
    return [c for c in Channel.values if c in codes]


def show_channels(codes: list[str]) -> str:
    labels = dict(Channel.choices)
    return "、".join(labels[c] for c in Channel.values if c in (codes or []))


def text_or_blank(value: Any) -> str:
    return _text(value)


@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    parse: Callable = text_or_blank
    show: Callable = lambda v: "" if v is None else v
    required: bool = False


def C(header, attr, parse=text_or_blank, show=None, required=False) -> Column:
    return Column(header, attr, parse, show or (lambda v: "" if v is None else v), required)


def CH(header, attr, enum, required=True) -> Column:
    parse, show = choice(enum)
    return Column(header, attr, parse, show, required)


def B(header, attr) -> Column:
    return Column(header, attr, parse_bool, show_bool)


def I(header, attr) -> Column:
    return Column(header, attr, parse_count)


ITEM_COLUMNS = [
    C("实施编码", "implementation_code", required=True),
    C("基本编码", "basic_code", required=True),
    C("事项名称", "name", required=True),
    CH("事项类型", "item_type", ItemType),
    CH("行使层级", "level", ItemLevel),
    C("主管部门", "competent_department"),  # unit names, resolved below
    C("实施主体", "implementing_unit", required=True),
    C("设定依据", "legal_basis"),
    C("受理条件", "conditions"),
    I("法定时限（工作日）", "statutory_days"),
    I("承诺时限（工作日）", "promised_days"),
    C("收费标准", "fees"),
    C("收费依据", "fee_basis"),
    C("办理结果", "result_name"),
    CH("结果类型", "result_kind", ResultKind),
    C("结果对应材料编码", "result_identity"),
    C("办理地点", "place"),
    C("办理时间", "service_hours"),
    C("咨询电话", "consult_phone"),
    C("监督投诉电话", "complaint_phone"),
    I("到现场次数", "visits_on_site"),
    CH("办件类型", "case_kind", CaseKind),
    Column("办理渠道", "channels", parse_channels, show_channels),
    B("已进驻中心", "is_concentrated"),
    B("已授权窗口", "is_authorised_to_window"),
    B("在窗口办理", "is_handled_at_window"),
    B("对外公开", "is_published"),
    B("涉及中介服务", "is_intermediary_required"),
]
MATERIAL_COLUMNS = [
    C("实施编码", "item", required=True),
    C("材料编码", "identity", required=True),
    C("材料名称", "identity_name", required=True),
    B("必要", "is_required"),
    I("原件份数", "originals"),
    I("复印件份数", "copies"),
    B("可容缺", "may_be_pending"),
    B("电子证照免提交", "is_electronic_licence"),
    C("备注", "note"),
]
FIELD_COLUMNS = [
    C("实施编码", "item", required=True),
    C("数据元编码", "element", required=True),
    C("字段名称", "element_label", required=True),
    CH("数据类型", "element_type", DataType),
    B("必填", "is_required"),
]
STEP_COLUMNS = [
    C("实施编码", "item", required=True),
    I("序号", "order"),
    C("环节名称", "name", required=True),
    C("办理岗位", "actor"),
    I("时限（工作日）", "days"),
    C("审查标准", "criteria"),
]
SPECIAL_COLUMNS = [
    C("实施编码", "item", required=True),
    CH("类型", "kind", SpecialStepKind),
    C("名称", "name", required=True),
    I("时限（工作日）", "limit_days"),
    C("说明", "note"),
]
SHEETS = {
    "事项": ITEM_COLUMNS,
    "材料": MATERIAL_COLUMNS,
    "表单字段": FIELD_COLUMNS,
    "办理环节": STEP_COLUMNS,
    "特别程序": SPECIAL_COLUMNS,
}
ITEM_FIELDS = [c.attr for c in ITEM_COLUMNS if c.attr not in ("implementation_code", "channels")] + list(CHANNEL_FIELDS.values())


# --- export -------------------------------------------------------------------------------------

def _item_rows(items) -> Iterator[list]:
    for item in items:
        values = {c.attr: getattr(item, c.attr) for c in ITEM_COLUMNS}
        values["competent_department"] = item.competent_department.name if item.competent_department else ""
        values["implementing_unit"] = item.implementing_unit.name
        values["result_identity"] = item.result_identity.code if item.result_identity else ""
        yield [c.show(values[c.attr]) for c in ITEM_COLUMNS]


def export_rows(items: models.QuerySet[ServiceItem] | None = None) -> dict[str, Iterator[list]]:
    """Each sheet's rows as an iterator, items by 实施编码 and each item's children in their order, read
    from the database a chunk at a time (nothing is sorted or held in Python)."""
    items = ServiceItem.objects.all() if items is None else items
    ordered = items.select_related("competent_department", "implementing_unit", "result_identity").order_by(
        "implementation_code")

    def children(model, *related, order):
        return (model.objects.filter(item__in=items.values("pk")).select_related("item", *related)
                .order_by("item__implementation_code", *order).iterator(chunk_size=2000))

    return {
        "事项": _item_rows(ordered.iterator(chunk_size=2000)),
        "材料": (
            [m.item.implementation_code, m.identity.code, m.identity.name, show_bool(m.is_required), m.originals,
             m.copies, show_bool(m.may_be_pending), show_bool(m.is_electronic_licence), m.note]
            for m in children(ItemMaterial, "identity", order=("sort_order", "pk"))
        ),
        "表单字段": (
            [f.item.implementation_code, f.element.code, f.element.label, DataType(f.element.data_type).label,
             show_bool(f.is_required)]
            for f in children(ItemFormField, "element", order=("sort_order", "pk"))
        ),
        "办理环节": (
            [s.item.implementation_code, s.order, s.name, s.actor, s.days, s.criteria]
            for s in children(Step, order=("order",))
        ),
        "特别程序": (
            [s.item.implementation_code, SpecialStepKind(s.kind).label, s.name, s.limit_days, s.note]
            for s in children(SpecialStep, order=("kind", "name"))
        ),
    }


def write_catalogue(target, items: models.QuerySet[ServiceItem] | None = None,
                    progress: Callable[[int], None] | None = None) -> int:
    """The catalogue workbook streamed into `target` (a path or a binary file) in openpyxl's write-only
    mode; user text that looks like a formula stays text. Returns the number of item rows."""
    book = Workbook(write_only=True)
    written = 0
    for title, rows in export_rows(items).items():
        columns = SHEETS[title]
        sheet = book.create_sheet(title)
        for letter, column in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", columns):
            sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 2))
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            append_row(sheet, row)
            if title == "事项":
                written += 1
                if progress and written % 500 == 0:
                    progress(written)
    book.save(target)
    return written


def write_visible_catalogue(export, target, progress) -> int:
    """The exporter of the catalogue page (documents.exports): the items its requester may see."""
    return write_catalogue(target, ServiceItem.objects.visible_to(export.by), progress)


def export_bytes(items=None) -> bytes:
    buffer = io.BytesIO()
    write_catalogue(buffer, items)
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    dry_run: bool
    items: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    children_created: int = 0
    children_updated: int = 0
    children_deleted: int = 0
    errors: list = field(default_factory=list)
    # Existing records the file changes (or would delete), field by field, with the conflicts: what was
    # edited (or added) in tongban since the last import, kept unless the user takes the file's value.
    changes: list = field(default_factory=list)
    conflicts: int = 0

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run, "items": self.items, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "children_created": self.children_created,
            "children_updated": self.children_updated, "children_deleted": self.children_deleted,
            "errors": self.errors,
            **({"conflicts": self.conflicts, "changes": self.changes} if self.changes else {}),
        }

    def summary(self) -> str:
        head = "检查通过（未写入）" if self.dry_run else "导入完成"
        text = (f"{head}：事项 {self.items} 项，新增 {self.created}、修改 {self.updated}、未变 {self.unchanged}；"
                f"材料/表单/环节新增 {self.children_created}、修改 {self.children_updated}、删除 {self.children_deleted}。")
        if self.conflicts:
            text += (f"冲突 {self.conflicts} 处：导入后在系统中修改或新增的内容{'将' if self.dry_run else '已'}保留"
                     "（可选择采用文件中的值）。")
        return text

    def record(self, change: RecordChanges) -> None:
        if change.fields:
            self.changes.append(change.as_json())
            self.conflicts += len(change.conflicts)


class _Book:
    """The workbook's sheets by title, each as (Excel row number, values) for its non-empty rows."""

    def __init__(self, sheets) -> None:
        self.sheets = {sheet.name.strip(): sheet for sheet in sheets}

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def rows(self, title: str):
        for number, values in enumerate(self.sheets[title].rows, start=1):
            if any(value is not None for value in values):
                yield number, values


class _Reader:
    """Reads the five sheets into dicts, collecting every error with its sheet, row and column."""

    def __init__(self, book: _Book):
        self.book = book
        self.errors: list[dict] = []

    def error(self, sheet: str, row: int | str, column: str, message: str) -> None:
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": message})

    def rows(self, title: str, columns: list[Column], required_sheet: bool) -> list[tuple[int, dict]]:
        if title not in self.book.sheetnames:
            if required_sheet:
                self.error(title, "", "", f"缺少工作表“{title}”")
            return []
        iterator = self.book.rows(title)
        header = [_text(v) for v in next(iterator, (1, ()))[1]]
        positions = {}
        for column in columns:
            if column.header in header:
                positions[column.attr] = header.index(column.header)
            elif column.required:
                self.error(title, 1, column.header, f"缺少列“{column.header}”")
        if any(c.required and c.attr not in positions for c in columns):
            return []
        out = []
        for number, raw in iterator:
            if all(_text(v) == "" for v in raw):
                continue
            values: dict[str, Any] = {}
            for column in columns:
                if column.attr not in positions:
                    continue
                cell = raw[positions[column.attr]] if positions[column.attr] < len(raw) else None
                if column.required and _text(cell) == "":
                    self.error(title, number, column.header, "不能为空")
                    continue
                try:
                    values[column.attr] = column.parse(cell)
                except CellError as exc:
                    self.error(title, number, column.header, str(exc))
            out.append((number, values))
        return out


def _units_by_name() -> dict[str, list[Unit]]:
    units: dict[str, list[Unit]] = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.name, []).append(unit)
    return units


def import_workbook(source, *, dry_run: bool = False, by=None, name: str | None = None,
                    take_file_values: TakeFileValues = KEEP_ALL) -> ImportReport:
    """Import a catalogue workbook (path or file object; .xlsx, .xls, .et or .ods, checked for size and
    dimensions first). Raises ImportRejected with every error, in Chinese."""
    try:
        book = _Book(read_workbook(source, name=name))
    except SpreadsheetError as exc:
        raise ImportRejected([{"sheet": "", "row": "", "column": "", "message": exc.messages[0]}])
    reader = _Reader(book)
    item_rows = reader.rows("事项", ITEM_COLUMNS, True)
    material_rows = reader.rows("材料", MATERIAL_COLUMNS, False)
    field_rows = reader.rows("表单字段", FIELD_COLUMNS, False)
    step_rows = reader.rows("办理环节", STEP_COLUMNS, False)
    special_rows = reader.rows("特别程序", SPECIAL_COLUMNS, False)

    units = _units_by_name()
    identity_names: dict[str, str] = {}
    for number, row in material_rows:
        code, name = row.get("identity"), row.get("identity_name")
        if code and name:
            if identity_names.setdefault(code, name) != name:
                reader.error("材料", number, "材料名称", f"材料编码“{code}”在本文件中对应了不同名称（“{identity_names[code]}”与“{name}”）")
    known_identities = set(MaterialIdentity.objects.values_list("code", flat=True)) | set(identity_names)

    items: dict[str, dict] = {}
    for number, row in item_rows:
        code = row.get("implementation_code")
        if not code:
            continue
        if code in items:
            reader.error("事项", number, "实施编码", f"实施编码“{code}”重复（第 {items[code]['_row']} 行已有）")
            continue
        row["_row"] = number
        for attr, header, required in (("implementing_unit", "实施主体", True), ("competent_department", "主管部门", False)):
            name = row.get(attr, "")
            if not name:
                row[attr] = None
                continue
            found = units.get(name, [])
            if len(found) != 1:
                reader.error("事项", number, header, f"单位“{name}”{'不存在' if not found else '重名，无法确定'}")
            else:
                row[attr] = found[0]
        identity = row.get("result_identity", "")
        if identity and identity not in known_identities:
            reader.error("事项", number, "结果对应材料编码", f"材料编码“{identity}”不存在（请在“材料”工作表中使用或先行建立）")
        items[code] = row

    def check_children(title: str, rows, key: Callable[[dict], Any], key_header: str) -> None:
        seen: dict[tuple, int] = {}
        for number, row in rows:
            code = row.get("item")
            if code and code not in items:
                reader.error(title, number, "实施编码", f"实施编码“{code}”不在“事项”工作表中")
            k = (code, key(row))
            if None not in k and k in seen:
                reader.error(title, number, key_header, f"与第 {seen[k]} 行重复")
            seen.setdefault(k, number)

    check_children("材料", material_rows, lambda r: r.get("identity"), "材料编码")
    check_children("表单字段", field_rows, lambda r: r.get("element"), "数据元编码")
    check_children("办理环节", step_rows, lambda r: r.get("order"), "序号")
    check_children("特别程序", special_rows, lambda r: (r.get("kind"), r.get("name")), "名称")
    for number, row in step_rows:
        if row.get("order") == 0:
            reader.error("办理环节", number, "序号", "序号必须从 1 开始")

    if reader.errors:
        raise ImportRejected(reader.errors)
    report = ImportReport(dry_run=dry_run, items=len(items))
    with transaction.atomic():
        _write(items, material_rows, field_rows, step_rows, special_rows, identity_names, report, by,
               take_file_values)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _sync_identities(model, names: dict[str, tuple], fields: list[str]) -> dict[str, Any]:
    """Create missing identities / elements by code, rename changed ones; returns code -> object."""
    existing = {o.code: o for o in model.objects.filter(code__in=names)}
    new = [model(code=code, **dict(zip(fields, values))) for code, values in names.items() if code not in existing]
    model.objects.bulk_create(new, batch_size=BATCH)
    changed = []
    for code, obj in existing.items():
        values = dict(zip(fields, names[code]))
        if any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            changed.append(obj)
    model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return {o.code: o for o in model.objects.filter(code__in=names)}


ITEM_LABELS = {**{c.attr: c.header for c in ITEM_COLUMNS},
               **{flag: f"办理渠道（{dict(Channel.choices)[code]}）" for code, flag in CHANNEL_FIELDS.items()}}
DELETE = "delete"  # the pseudo-field of a child the file no longer has


def _write(items, material_rows, field_rows, step_rows, special_rows, identity_names, report, by,
           take: TakeFileValues = KEEP_ALL) -> None:
    identities = _sync_identities(MaterialIdentity, {k: (v,) for k, v in identity_names.items()}, ["name"])
    result_codes = {row["result_identity"] for row in items.values() if row.get("result_identity")}
    identities.update({o.code: o for o in MaterialIdentity.objects.filter(code__in=result_codes - set(identities))})
    element_values = {r["element"]: (r["element_label"], r.get("element_type", DataType.TEXT)) for _, r in field_rows}
    elements = _sync_identities(DataElement, element_values, ["label", "data_type"])

    existing = {i.implementation_code: i for i in ServiceItem.objects.filter(implementation_code__in=items)
                .select_related("implementing_unit", "competent_department", "result_identity")}
    baseline = Baseline(ServiceItem, [i.pk for i in existing.values()])
    baseline.prefetch_log([i.pk for i in existing.values()])
    created, changed, wanted_values = [], [], {}
    for code, row in items.items():
        values = {attr: row.get(attr) for attr in ITEM_FIELDS if attr in row}
        if "channels" in row:
            values.update(channel_flags(row["channels"]))
        values["result_identity"] = identities.get(row.get("result_identity") or "")
        wanted_values[code] = values
        item = existing.get(code)
        if item is None:
            item = ServiceItem(implementation_code=code, **values)
            item.set_search_keys()
            created.append(item)
            continue
        change = RecordChanges(pk=item.pk, label=f"{code} {item.name}", row=row["_row"], sheet="事项")
        for attr, value in values.items():
            found = baseline.compare(item.pk, attr, ITEM_LABELS.get(attr, attr), getattr(item, attr), value, take,
                                     ref=f"事项:{code}")
            if found is not None:
                change.fields.append(found)
                if found.taken:
                    setattr(item, attr, value)
        report.record(change)
        if change.applied:
            item.set_search_keys()
            item.version += 1
            changed.append(item)
    ServiceItem.objects.bulk_create(created, batch_size=BATCH)
    ServiceItem.objects.bulk_update(changed, ITEM_FIELDS + ["search_initials", "search_pinyin", "version"], batch_size=BATCH)
    report.created, report.updated = len(created), len(changed)
    report.unchanged = len(items) - len(created) - len(changed)
    by_code = {i.implementation_code: i for i in ServiceItem.objects.filter(implementation_code__in=items)}
    item_ids = [i.pk for i in by_code.values()]
    context = _Sync(report, take, by, {i.pk: code for code, i in by_code.items()}, baseline)

    def rows_for(rows, build):
        built = []
        for number, r in rows:
            obj = build(by_code[r["item"]], number, r)
            obj.row_number = number
            built.append(obj)
        return built

    context.sync(ItemMaterial, "材料", item_ids, lambda o: (o.item_id, o.identity_id), lambda o: o.identity.code,
                 rows_for(material_rows, lambda item, n, r: ItemMaterial(
                     item=item, identity=identities[r["identity"]], is_required=r.get("is_required", True),
                     originals=r.get("originals", 0), copies=r.get("copies", 0),
                     may_be_pending=r.get("may_be_pending", False),
                     is_electronic_licence=r.get("is_electronic_licence", False), note=r.get("note", ""),
                     sort_order=n)),
                 ["is_required", "originals", "copies", "may_be_pending", "is_electronic_licence", "note", "sort_order"],
                 renumber=True)
    context.sync(ItemFormField, "表单字段", item_ids, lambda o: (o.item_id, o.element_id), lambda o: o.element.code,
                 rows_for(field_rows, lambda item, n, r: ItemFormField(
                     item=item, element=elements[r["element"]], is_required=r.get("is_required", True), sort_order=n)),
                 ["is_required", "sort_order"], renumber=True)
    context.sync(Step, "办理环节", item_ids, lambda o: (o.item_id, o.order), lambda o: str(o.order),
                 rows_for(step_rows, lambda item, n, r: Step(
                     item=item, order=r["order"], name=r["name"], actor=r.get("actor", ""), days=r.get("days", 0),
                     criteria=r.get("criteria", ""))),
                 ["name", "actor", "days", "criteria"])
    context.sync(SpecialStep, "特别程序", item_ids, lambda o: (o.item_id, o.kind, o.name), lambda o: f"{o.kind}/{o.name}",
                 rows_for(special_rows, lambda item, n, r: SpecialStep(
                     item=item, kind=r["kind"], name=r["name"], limit_days=r.get("limit_days", 0),
                     note=r.get("note", ""))),
                 ["limit_days", "note"])
    # What this import wrote, one snapshot per item with its materials, fields and steps inside.
    baseline.remember({by_code[code].pk: {**values, CHILDREN: context.children.get(by_code[code].pk, {})}
                       for code, values in wanted_values.items()}, by=by)
    _record_import_events(created, changed, by)


CHILDREN = "_children"  # in an item's snapshot: {sheet: {material code / step number …: {field: value}}}


class _ChildBaseline(Baseline):
    """A child row's last imported values live in its item's snapshot; rows no import wrote fall
    back on the change log of the child model, like any record without a snapshot."""

    def __init__(self, model, pks, items: Baseline, entries: dict) -> None:
        super().__init__(model, ())
        self.items, self.entries = items, entries  # entries: child pk → (item pk, sheet, name)

    def snapshot(self, pk):
        item_pk, sheet, name = self.entries[pk]
        item = self.items.snapshot(item_pk)
        return (item or {}).get(CHILDREN, {}).get(sheet, {}).get(name)

    def edited(self, pk, name, current) -> bool:
        entry = self.snapshot(pk)
        if entry is not None and name in entry:
            return to_json(current) != entry[name]
        return super().edited(pk, name, current)


class _Sync:
    """Make each item's rows of a child sheet what the file says — except what was edited, or added,
    in tongban since the last import: that is kept and reported unless the user takes the file's."""

    def __init__(self, report: ImportReport, take: TakeFileValues, by, item_codes: dict[int, str],
                 items: Baseline) -> None:
        self.report, self.take, self.by, self.item_codes, self.items = report, take, by, item_codes, items
        self.children: dict[int, dict] = {}  # item pk → sheet → name → the file's values (for the snapshot)

    def sync(self, model, sheet: str, item_ids, key, name_of, desired: list, fields: list[str],
             renumber: bool = False) -> None:
        if renumber:  # the sheet's row order becomes 1, 2, 3 … per item, so re-import compares equal
            counters: dict[int, int] = {}
            for obj in desired:
                counters[obj.item_id] = counters.get(obj.item_id, 0) + 1
                obj.sort_order = counters[obj.item_id]
        related = [f.name for f in model._meta.fields if f.name in ("identity", "element")]
        current = {key(o): o for o in model.objects.filter(item_id__in=item_ids).select_related(*related)}
        wanted = {key(o): o for o in desired}
        baseline = _ChildBaseline(model, (), self.items,
                                  {o.pk: (o.item_id, sheet, name_of(o)) for o in current.values()})
        baseline.prefetch_log([o.pk for o in current.values() if baseline.snapshot(o.pk) is None])
        labels = {f: str(model._meta.get_field(f).verbose_name) for f in fields}
        new = [o for k, o in wanted.items() if k not in current]
        changed = []
        for k, obj in wanted.items():
            self.children.setdefault(obj.item_id, {}).setdefault(sheet, {})[name_of(obj)] = {
                f: to_json(getattr(obj, f)) for f in fields}
            old = current.get(k)
            if old is None:
                continue
            ref = f"{sheet}:{self.item_codes[obj.item_id]}/{name_of(obj)}"
            change = RecordChanges(pk=old.pk, label=ref.split(":", 1)[1], row=obj.row_number, sheet=sheet)
            for f in fields:
                found = baseline.compare(old.pk, f, labels[f], getattr(old, f), getattr(obj, f), self.take, ref=ref)
                if found is not None:
                    change.fields.append(found)
                    if found.taken:
                        setattr(old, f, getattr(obj, f))
            self.report.record(change)
            if change.applied:
                changed.append(old)
        gone = []
        for k, old in current.items():
            if k in wanted:
                continue
            # Gone from the file: deleted when it is what an import wrote and nobody touched it since;
            # otherwise it was added or edited in tongban, and stays unless the user takes the file's.
            entry = baseline.snapshot(old.pk)
            untouched = entry is not None and all(to_json(getattr(old, f)) == entry.get(f) for f in fields)
            ref = f"{sheet}:{self.item_codes[old.item_id]}/{name_of(old)}"
            taken = untouched or self.take.takes(ref, DELETE)
            self.report.record(RecordChanges(pk=old.pk, label=ref.split(":", 1)[1], row="", sheet=sheet, fields=[
                FieldChange(pk=old.pk, field=DELETE, label="删除（文件中没有）", old="有", new="无",
                            edited=not untouched, taken=taken, ref=ref)]))
            if taken:
                gone.append(old.pk)
        model.objects.filter(pk__in=gone).delete()
        model.objects.bulk_create(new, batch_size=BATCH)
        model.objects.bulk_update(changed, fields, batch_size=BATCH)
        self.report.children_created += len(new)
        self.report.children_updated += len(changed)
        self.report.children_deleted += len(gone)


def _record_import_events(created, changed, by) -> None:
    """Bulk inserts bypass save(): put one event per touched item on its timeline, in one statement."""
    content_type = ContentType.objects.get_for_model(ServiceItem)
    actor = by if getattr(by, "is_authenticated", False) else None
    ids = dict(ServiceItem.objects.filter(
        implementation_code__in=[i.implementation_code for i in created + changed]
    ).values_list("implementation_code", "pk"))
    DomainEvent.objects.bulk_create([
        DomainEvent(content_type=content_type, object_id=str(ids[i.implementation_code]), code=code,
                    message=message, actor=actor, data={})
        for group, code, message in ((created, "catalog.item.imported", "通过 Excel 导入新增"),
                                     (changed, "catalog.item.reimported", "通过 Excel 导入修改"))
        for i in group
    ], batch_size=BATCH)


def import_path(path: str | Path, **kwargs) -> ImportReport:
    path = Path(path)
    if path.suffix.lower() not in WORKBOOK_TYPES:
        raise ImportRejected([{"sheet": "", "row": "", "column": "",
                               "message": f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xls、.et 或 .ods 文件"}])
    return import_workbook(str(path), name=path.name, **kwargs)


CATALOG_TEMPLATE_NOTES = (
    "事项目录导入模板：填写说明",
    "1. 五张工作表：事项、材料、表单字段、办理环节、特别程序，以“实施编码”关联；表头在第 1 行，列名不要改。",
    "2. 灰色斜体的是示例（一个事项及其材料、表单字段、环节、特别程序），请改写或删除。导出的事项目录即是同样的格式。",
    "3. 实施主体、主管部门填单位全称；事项类型、行使层级、结果类型、办件类型、数据类型、特别程序类型填中文选项；是/否 列填“是”或“否”。",
    "4. 办理渠道可填多个，用“、”分隔：窗口办理、网上办理、掌上办理、网点办理。",
    "5. 整份文件要么全部导入，要么一行不改，错误按工作表、行号、列名列出；重复导入同一文件不会产生变化，"
    "导入后在系统中修改或新增的内容默认保留，可在检查结果中逐项选择采用文件中的值。支持 .xlsx、.xls、WPS .et、.ods。",
)


def catalog_template():
    """The five sheets with one example item, for a first catalogue to fill in."""
    from tongban.core.import_templates import TemplateSheet, template_workbook

    unit = (Unit.objects.filter(kind__code="department").order_by("sort_order", "pk").values_list("name", flat=True)
            .first() or "县市场监督管理局")
    item = {c.attr: "" for c in ITEM_COLUMNS} | {
        "implementation_code": "EXAMPLE-0001", "basic_code": "000105001000", "name": "食品经营许可（示例，请改写）",
        "item_type": "行政许可", "level": "县级", "competent_department": unit, "implementing_unit": unit,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条", "conditions": "有与经营的食品品种、数量相适应的经营场所",
        "statutory_days": 20, "promised_days": 5, "fees": "不收费", "result_name": "食品经营许可证",
        "result_kind": ResultKind(ResultKind.LICENCE).label, "place": "政务服务大厅二楼 B01 窗口",
        "service_hours": "法定工作日 8:30—12:00，14:30—17:30", "consult_phone": "0377-1234567",
        "complaint_phone": "12345", "visits_on_site": 1, "case_kind": CaseKind(CaseKind.PROMISED).label,
        "channels": "窗口办理、网上办理", "is_concentrated": YES, "is_authorised_to_window": YES,
        "is_handled_at_window": YES, "is_published": YES, "is_intermediary_required": NO,
    }
    examples = {
        "事项": [[item[c.attr] for c in ITEM_COLUMNS]],
        "材料": [["EXAMPLE-0001", "application_form", "食品经营许可申请书", YES, 1, 0, NO, NO, ""],
                 ["EXAMPLE-0001", "business_licence", "营业执照", YES, 0, 1, NO, YES, "电子证照可免提交"]],
        "表单字段": [["EXAMPLE-0001", "applicant_name", "申请人名称", DataType(DataType.TEXT).label, YES]],
        "办理环节": [["EXAMPLE-0001", 1, "受理", "窗口", 1, "材料齐全、符合法定形式"],
                     ["EXAMPLE-0001", 2, "审查", "审批科室", 3, ""], ["EXAMPLE-0001", 3, "决定", "分管领导", 1, ""]],
        "特别程序": [["EXAMPLE-0001", SpecialStepKind(SpecialStepKind.INSPECTION).label, "现场检验", 10, "需要时"]],
    }
    return template_workbook([TemplateSheet(title, [c.header for c in columns], examples[title])
                              for title, columns in SHEETS.items()], CATALOG_TEMPLATE_NOTES)
