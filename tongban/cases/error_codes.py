"""Stable error codes of case handling, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.error_codes import service_error


class CaseError(models.TextChoices):
    BAD_TRANSITION = "case_bad_transition", "办件当前状态为“{status}”，不能{action}。"
    NOT_YOUR_ROLE = "case_not_your_role", "您不是该办件的{roles}，不能{action}。"
    REASON_REQUIRED = "case_reason_required", "{action}时必须填写理由。"
    ID_FORMAT = "case_id_format", "身份证号码“{value}”格式不正确：应为 18 位，前 17 位为数字，最后一位为数字或 X。"
    ID_BIRTH_DATE = "case_id_birth_date", "身份证号码“{value}”中的出生日期无效。"
    ID_CHECK = "case_id_check", "身份证号码“{value}”校验位不正确（按 GB 11643 应为 {expected}），请核对。"
    ID_REQUIRED = "case_id_required", "请填写{who}的证件号码。"
    PHONE_FORMAT = "case_phone_format", "联系电话“{value}”格式不正确：手机号为 11 位，固定电话如 0377-12345678。"
    PHONE_REQUIRED = "case_phone_required", "请填写{who}的联系电话。"
    NAME_REQUIRED = "case_name_required", "请填写{who}名称。"
    APPLICANT_KIND = "case_applicant_kind", "请选择申请人类型（自然人或法人）。"
    TOO_LONG = "case_too_long", "内容过长：最多 {limit} 个字。"
    CREDIT_CODE_REQUIRED = "case_credit_code_required", "法人或其他组织须填写统一社会信用代码。"
    ITEM_OR_BUNDLE = "case_item_or_bundle", "请选择一个事项或一件事（二选一）。"
    WINDOW_CANNOT_TAKE = "case_window_cannot_take", "窗口“{window}”不能受理“{what}”：{why}。"
    NOT_AT_WINDOW = "case_not_at_window", "您不在受理窗口工作，不能收件登记。"
    MATERIAL_UNKNOWN = "case_material_unknown", "材料“{material}”不在该办件的材料清单中。"
    MATERIAL_STATE = "case_material_state", "材料“{name}”的状态“{state}”无效。"
    NOT_PENDABLE = "case_not_pendable", "材料“{name}”不可容缺，须补齐后才能受理。"
    MATERIALS_INCOMPLETE = "case_materials_incomplete", "还有 {count} 份材料缺少或需补正（{names}），不能受理：请一次性告知申请人补正，或对可容缺材料办理容缺受理。"
    NOTHING_TO_CORRECT = "case_nothing_to_correct", "没有缺少或需补正的材料，无需一次性告知。"
    NOTHING_PENDING = "case_nothing_pending", "没有容缺后补的材料，请使用“受理”。"
    PENDING_PROMISE = "case_pending_promise", "容缺受理须申请人签署容缺受理承诺书（请勾选已签署）。"
    PENDING_DUE = "case_pending_due", "容缺材料补齐期限须在今天之后、不晚于 {latest}。"
    TASK_OTHER_CASE = "case_task_other_case", "该审查任务不属于这个办件。"
    TASK_REQUIRED = "case_task_required", "请指明审查的是哪个部门的任务。"
    TASK_NOT_OPEN = "case_task_not_open", "该审查任务当前为“{status}”，不能{action}。"
    PENDING_WITHHELD = "case_pending_withheld", "容缺材料尚未补齐（期限 {due}），按规定暂不出件。"
    HANDOVER_NUMBER = "case_handover_number", "{method}须填写{field}。"
    SUSPENSION_KIND = "case_suspension_kind", "请选择特别程序的类型。"
    STEP_NONE_OPEN = "case_step_none_open", "没有需要先完成的环节：当前环节即审批决定，请准予或不予许可。"
    STEPS_OPEN = "case_steps_open", "还有 {count} 个环节未完成，请按顺序完成后再作准予或不予许可的决定。"
    EXTENSION_PENDING = "case_extension_pending", "该子办件已有待审批的延长审批期限申请，请等待负责人审批。"
    NO_EXTENSION_PENDING = "case_no_extension_pending", "该子办件没有待审批的延长审批期限申请。"
    EXTENSION_DAYS = "case_extension_days", "延长的工作日须为 1 至 {most} 之间的整数（行政许可法第四十二条：最多延长 {cap} 个工作日，已延长 {used} 个）。"
    EXTENSION_USED_UP = "case_extension_used_up", "已延长 {used} 个工作日，达到上限 {cap} 个工作日（行政许可法第四十二条），不能再延长。"
    EXTENSION_OWN = "case_extension_own", "不能审批自己提出的延长申请，须由其他负责人审批。"
    NOT_ONLINE = "case_not_online", "“{what}”不能网上办理，请到窗口办理。"
    NO_ONLINE_WINDOW = "case_no_online_window", "暂未设置网上申请的受理窗口，请到窗口办理或拨打 12345。"
    UPLOADS_TOO_LARGE = "case_uploads_too_large", "上传的文件合计超过 {mb} MB，请压缩或减少文件后重新选择。"
    FILES_MISSING = "case_files_missing", "请上传一次性告知书列出的全部材料：还缺 {names}。"
    NOT_AN_OUTLET = "case_not_an_outlet", "“{unit}”不是银行、邮政等代收网点。"
    FORWARD_TARGET = "case_forward_target", "不能转送到窗口“{window}”：请选择另一个在用的综合受理窗口。"


def case_error(code: CaseError, **params) -> ValidationError:
    return service_error(code, **params)
