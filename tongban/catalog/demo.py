"""The demo catalogue: realistic items of a county centre, the 一件事 bundles of issue 4 with their stage
graphs, delegation to townships, a township list, intermediaries and the negative list.

Idempotent: every record is looked up by its natural key first, so running it twice changes nothing.
Units are looked up by name in the demo county (tongban/org/demo.py); a missing department falls back
to the centre (the unit whose kind code is "center").
"""
from __future__ import annotations

import zlib
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.catalog import services
from tongban.catalog.choices import Audience, DelegationMode, IntermediaryStatus, ItemLevel, NegativeReason
from tongban.catalog.credit_code import check_character
from tongban.catalog.models import (
    Bundle,
    Delegation,
    Intermediary,
    NegativeListEntry,
    SearchSynonym,
    ServiceItem,
    TownshipListEntry,
)
from tongban.org.models import Unit

UNITS = {
    "samr": ("县市场监督管理局", "县市场监管局"),
    "police": ("县公安局",),
    "realty": ("县不动产登记中心",),
    "hrss": ("县人力资源和社会保障局", "县人社局"),
    "medical": ("县医疗保障局", "县医保局"),
    "health": ("县卫生健康委员会", "县卫健委"),
    "housing": ("县住房和城乡建设局", "县住建局"),
    "culture": ("县文化广电和旅游局", "县文广旅局"),
    "fire": ("县消防救援大队",),
    "tax": ("国家税务总局XX县税务局", "县税务局"),
}

# identity code -> name: the same document recognised as one across items
MATERIALS = {
    "application_form": "申请表",
    "id_card": "申请人/法定代表人居民身份证",
    "business_licence": "营业执照",
    "premises_proof": "经营场所使用证明（不动产权证书或租赁合同）",
    "premises_layout": "经营场所平面布局图",
    "articles": "公司章程（个体工商户免交）",
    "food_safety_system": "食品安全管理制度",
    "food_staff_health": "从业人员健康证明",
    "fire_plan": "消防安全制度及灭火和应急疏散预案",
    "fire_test_report": "建筑消防设施检测报告",
    "fire_commitment": "消防安全告知承诺书",
    "fire_check_result": "公众聚集场所投入使用、营业前消防安全检查合格证",
    "security_system": "旅馆安全防范制度及治安保卫人员名单",
    "publication_staff": "出版物经营负责人资格证明",
    "performance_staff": "演出经纪人员资格证书",
    "hygiene_report": "公共场所卫生检测（评价）报告",
    "hygiene_system": "卫生管理制度",
    "drain_plan": "排水户内部排水管网、预处理设施图纸",
    "seal_sample": "印章印模及刻制申请",
    "staff_list": "参保职工名册",
    "property_cert": "不动产权证书",
    "sale_contract": "存量房买卖合同",
    "tax_proof": "完税（减免税）凭证",
    "water_account": "原户主供水账户信息",
    "household_book": "居民户口簿",
    "photo": "近期免冠彩色照片（回执）",
    "bank_card": "本人银行卡",
    "birth_certificate": "出生医学证明",
    "parents_marriage": "父母结婚证",
    "hospital_record": "分娩医院出院记录",
    "diagnosis": "医院诊断证明及病历资料",
    "transfer_form": "异地长期居住/工作备案表",
    "change_resolution": "变更决议或决定",
    "retire_file": "本人人事档案（职工退休审批）",
    "pension_account": "养老金领取银行账户",
}

ELEMENTS = {
    "applicant_name": ("申请人姓名", "text"),
    "id_number": ("身份证号码", "id_number"),
    "phone": ("联系电话", "phone"),
    "address": ("住所/经营场所", "address"),
    "company_name": ("企业名称", "text"),
    "credit_code": ("统一社会信用代码", "text"),
    "legal_rep": ("法定代表人", "text"),
    "business_scope": ("经营范围", "text"),
    "capital": ("注册资本（万元）", "number"),
    "area": ("经营面积（平方米）", "number"),
    "staff_count": ("从业人员数", "number"),
    "seats": ("餐位数/床位数", "number"),
    "property_no": ("不动产权证号", "text"),
    "price": ("成交价格（元）", "number"),
    "baby_name": ("新生儿姓名", "text"),
    "birth_date": ("出生日期", "date"),
    "mother_name": ("母亲姓名", "text"),
    "father_name": ("父亲姓名", "text"),
    "bank_account": ("银行账号", "text"),
    "disease": ("病种", "choice"),
    "retire_date": ("退休日期", "date"),
    "change_items": ("变更事项", "choice"),
}

STANDARD_STEPS = [("受理", "综合受理窗口"), ("审查", "审批股室"), ("决定", "分管负责人"), ("送达", "统一出件窗口")]


def _steps(days: int) -> list[dict]:
    """Four standard steps; the promised days spread over review and decision."""
    review = max(days - 1, 0)
    return [
        {"name": name, "actor": actor, "days": {"审查": review, "决定": 1 if days else 0}.get(name, 0)}
        for name, actor in STANDARD_STEPS
    ]


def M(code: str, *, required: bool = True, originals: int = 1, copies: int = 0, pending: bool = False,
      electronic: bool = False, note: str = "") -> dict:
    return {"code": code, "is_required": required, "originals": originals, "copies": copies,
            "may_be_pending": pending, "is_electronic_licence": electronic, "note": note}


# Each item: key, basic code, name, unit key, type, statutory, promised, visits, case kind, result,
# result identity, materials, form fields, extras.
ITEMS: list[dict] = [
    dict(key="company_setup", basic="000105001000", name="营业执照（企业设立登记）", unit="samr", type="licensing",
         statutory=15, promised=1, visits=1, case_kind="promised", result="营业执照", produces="business_licence",
         legal_basis="《中华人民共和国市场主体登记管理条例》第三条、第十九条",
         conditions="名称、住所、经营范围等符合规定，提交材料齐全、符合法定形式。",
         materials=[M("application_form"), M("id_card", copies=1), M("articles"), M("premises_proof", copies=1)],
         fields=["company_name", "legal_rep", "id_number", "phone", "address", "business_scope", "capital"],
         channels=["window", "online", "mobile"]),
    dict(key="food_licence", basic="000117017000", name="食品经营许可", unit="samr", type="licensing",
         statutory=20, promised=7, visits=1, case_kind="promised", result="食品经营许可证",
         legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
         conditions="具有与经营的食品品种、数量相适应的经营场所、设备设施、管理人员和规章制度。",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("premises_proof", copies=1), M("premises_layout"), M("food_safety_system", pending=True),
                    M("food_staff_health", copies=1, pending=True)],
         fields=["company_name", "credit_code", "legal_rep", "id_number", "phone", "address", "area", "staff_count"],
         special=[("site_check", "现场核查", 5, "必要时对经营场所进行现场核查")],
         channels=["window", "online", "mobile"]),
    dict(key="fire_check", basic="000172004000", name="公众聚集场所投入使用、营业前消防安全检查", unit="fire",
         type="licensing", statutory=10, promised=5, visits=2, case_kind="promised", result="消防安全检查合格证",
         produces="fire_check_result", legal_basis="《中华人民共和国消防法》第十五条",
         conditions="公众聚集场所投入使用、营业前，建设单位或使用单位向所在地消防救援机构申请消防安全检查。",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("premises_proof", copies=1), M("premises_layout"), M("fire_plan"), M("fire_test_report"),
                    M("fire_commitment")],
         fields=["company_name", "credit_code", "legal_rep", "phone", "address", "area", "seats"],
         special=[("site_check", "现场检查", 5, "采用告知承诺方式的，在作出许可后 3 个工作日内检查")],
         intermediary=("建筑消防设施检测", "《社会消防技术服务管理规定》")),
    dict(key="drain_permit", basic="000116018000", name="城镇污水排入排水管网许可", unit="housing", type="licensing",
         statutory=20, promised=5, visits=1, case_kind="promised", result="排水许可证",
         legal_basis="《城镇排水与污水处理条例》第二十一条",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("premises_proof", copies=1),
                    M("drain_plan")],
         fields=["company_name", "credit_code", "phone", "address"]),
    dict(key="hotel_licence", basic="000172013000", name="特种行业许可证（旅馆业）", unit="police", type="licensing",
         statutory=20, promised=10, visits=1, case_kind="promised", result="特种行业许可证",
         legal_basis="《旅馆业治安管理办法》第四条",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("premises_proof", copies=1), M("premises_layout"), M("security_system"),
                    M("fire_check_result", copies=1)],
         fields=["company_name", "credit_code", "legal_rep", "id_number", "phone", "address", "seats"],
         special=[("site_check", "实地核查", 5, "")]),
    dict(key="hygiene_licence", basic="000120010000", name="公共场所卫生许可", unit="health", type="licensing",
         statutory=20, promised=5, visits=1, case_kind="promised", result="公共场所卫生许可证",
         legal_basis="《公共场所卫生管理条例》第八条",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("premises_layout"), M("hygiene_report"), M("hygiene_system", pending=True),
                    M("food_staff_health", copies=1, pending=True)],
         fields=["company_name", "credit_code", "legal_rep", "phone", "address", "area", "staff_count"],
         intermediary=("公共场所卫生检测", "《公共场所卫生管理条例实施细则》")),
    dict(key="publication_licence", basic="000125003000", name="出版物零售单位设立、变更审批（出版物经营许可）",
         unit="culture", type="licensing", statutory=20, promised=10, visits=1, case_kind="promised",
         result="出版物经营许可证", legal_basis="《出版管理条例》第三十七条；《出版物市场管理规定》",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("premises_proof", copies=1), M("publication_staff", copies=1)],
         fields=["company_name", "credit_code", "legal_rep", "phone", "address", "area"]),
    dict(key="performance_licence", basic="000125011000", name="营业性演出许可（演出经纪机构设立）", unit="culture",
         type="licensing", statutory=20, promised=10, visits=1, case_kind="promised", result="营业性演出许可证",
         legal_basis="《营业性演出管理条例》第六条",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True), M("id_card", copies=1),
                    M("performance_staff", copies=1), M("premises_proof", copies=1)],
         fields=["company_name", "credit_code", "legal_rep", "phone", "address"]),
    dict(key="performance_approval", basic="000125012000", name="营业性演出审批", unit="culture", type="licensing",
         statutory=20, promised=3, visits=1, case_kind="promised", result="营业性演出批准文件", result_kind="certificate",
         legal_basis="《营业性演出管理条例》第十三条",
         materials=[M("application_form"), M("business_licence", copies=1, electronic=True),
                    M("premises_proof", copies=1, note="演出场所合法使用证明")],
         fields=["company_name", "credit_code", "phone", "address", "seats"],
         special=[("expert_review", "演出内容专家审查", 3, "必要时组织专家对演出内容进行审查")]),
    dict(key="seal_filing", basic="000172019000", name="公章刻制备案", unit="police", type="filing",
         statutory=1, promised=0, visits=1, case_kind="immediate", result="印章备案信息", result_kind="other",
         legal_basis="《印铸刻字业暨印章管理办法》",
         materials=[M("business_licence", copies=1, electronic=True), M("id_card", copies=1), M("seal_sample")],
         fields=["company_name", "credit_code", "legal_rep", "phone"]),
    dict(key="employer_insurance", basic="000137008000", name="单位参保登记", unit="hrss", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="社会保险登记信息", result_kind="other",
         legal_basis="《中华人民共和国社会保险法》第五十七条",
         materials=[M("business_licence", copies=1, electronic=True), M("staff_list")],
         fields=["company_name", "credit_code", "legal_rep", "phone", "bank_account", "staff_count"],
         channels=["window", "online"]),
    dict(key="invoice", basic="000190003000", name="发票领用（新办纳税人）", unit="tax", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="发票领用", result_kind="other",
         legal_basis="《中华人民共和国发票管理办法》第十五条",
         materials=[M("business_licence", copies=1, electronic=True), M("id_card", copies=1)],
         fields=["company_name", "credit_code", "legal_rep", "phone"], channels=["window", "online", "outlet"]),
    dict(key="company_change", basic="000105002000", name="营业执照（企业变更登记）", unit="samr", type="licensing",
         statutory=15, promised=1, visits=1, case_kind="promised", result="营业执照（变更后）",
         legal_basis="《中华人民共和国市场主体登记管理条例》第二十四条",
         materials=[M("application_form"), M("business_licence"), M("change_resolution"), M("id_card", copies=1)],
         fields=["company_name", "credit_code", "legal_rep", "phone", "change_items"], channels=["window", "online"]),
    dict(key="tax_change", basic="000190010000", name="税务登记信息变更", unit="tax", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="变更后的税务登记信息", result_kind="other",
         materials=[M("business_licence", copies=1, electronic=True), M("change_resolution", copies=1)],
         fields=["company_name", "credit_code", "phone", "change_items"]),
    dict(key="insurance_change", basic="000137009000", name="单位参保信息变更登记", unit="hrss", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="变更后的参保信息", result_kind="other",
         materials=[M("business_licence", copies=1, electronic=True), M("change_resolution", copies=1)],
         fields=["company_name", "credit_code", "phone", "change_items"]),
    # 不动产登记一件事
    dict(key="contract_filing", basic="000116004000", name="存量房买卖合同网签备案", unit="housing", type="filing",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="网签备案合同", result_kind="other",
         produces="sale_contract",
         materials=[M("application_form"), M("id_card", copies=1), M("property_cert", copies=1), M("sale_contract")],
         fields=["applicant_name", "id_number", "phone", "property_no", "price"]),
    dict(key="house_tax", basic="000190021000", name="存量房交易税费申报", unit="tax", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="完税（减免税）凭证", result_kind="certificate",
         produces="tax_proof",
         materials=[M("id_card", copies=1), M("property_cert", copies=1), M("sale_contract", copies=1)],
         fields=["applicant_name", "id_number", "phone", "property_no", "price"]),
    dict(key="realty_transfer", basic="000116001000", name="不动产转移登记（存量房买卖）", unit="realty",
         type="confirmation", statutory=30, promised=3, visits=2, case_kind="promised", result="不动产权证书",
         legal_basis="《不动产登记暂行条例》第十四条", fees="住宅 80 元/件",
         fee_basis="《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
         materials=[M("application_form"), M("id_card", copies=1), M("property_cert"), M("sale_contract"),
                    M("tax_proof", copies=1), M("household_book", required=False, copies=1, note="涉及家庭住房套数认定时提供")],
         fields=["applicant_name", "id_number", "phone", "property_no", "price", "address"],
         intermediary=("不动产测绘", "《不动产登记暂行条例实施细则》")),
    dict(key="water_transfer", basic="000116030000", name="供水过户", unit=None, type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="供水户名变更", result_kind="other",
         materials=[M("id_card", copies=1), M("property_cert", copies=1), M("water_account")],
         fields=["applicant_name", "id_number", "phone", "address"]),
    # 居民社保 / 就医 / 新生儿 / 退休
    dict(key="pension_enrol", basic="000137012000", name="城乡居民基本养老保险参保登记", unit="hrss",
         type="public_service", statutory=5, promised=1, visits=1, case_kind="immediate", result="参保登记信息",
         result_kind="other", materials=[M("id_card", copies=1), M("household_book", copies=1)],
         fields=["applicant_name", "id_number", "phone", "address"], channels=["window", "online", "mobile", "outlet"]),
    dict(key="social_card", basic="000137019000", name="社会保障卡申领", unit="hrss", type="public_service",
         statutory=10, promised=5, visits=1, case_kind="promised", result="社会保障卡", result_kind="licence",
         materials=[M("id_card", copies=1), M("photo")], fields=["applicant_name", "id_number", "phone", "address"],
         channels=["window", "mobile", "outlet"]),
    dict(key="medical_enrol", basic="000139001000", name="城乡居民基本医疗保险参保登记", unit="medical",
         type="public_service", statutory=5, promised=1, visits=1, case_kind="immediate", result="医保参保信息",
         result_kind="other", materials=[M("id_card", copies=1), M("household_book", copies=1)],
         fields=["applicant_name", "id_number", "phone", "address"], channels=["window", "online", "mobile", "outlet"]),
    dict(key="chronic_disease", basic="000139012000", name="门诊慢特病病种待遇认定", unit="medical",
         type="confirmation", statutory=15, promised=10, visits=1, case_kind="promised", result="门诊慢特病待遇认定结果",
         result_kind="certificate", materials=[M("id_card", copies=1), M("diagnosis", copies=1)],
         fields=["applicant_name", "id_number", "phone", "disease"],
         special=[("expert_review", "专家评审", 10, "按批次组织定点医疗机构专家评审")]),
    dict(key="remote_care", basic="000139015000", name="异地就医备案", unit="medical", type="public_service",
         statutory=5, promised=1, visits=0, case_kind="immediate", result="异地就医备案信息", result_kind="other",
         materials=[M("id_card", copies=1), M("transfer_form")], fields=["applicant_name", "id_number", "phone", "address"],
         channels=["online", "mobile", "window"]),
    dict(key="birth_certificate", basic="000120022000", name="出生医学证明首次签发", unit="health", type="public_service",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="出生医学证明", result_kind="certificate",
         produces="birth_certificate", materials=[M("id_card", copies=1, note="父母双方"), M("hospital_record")],
         fields=["baby_name", "birth_date", "mother_name", "father_name", "id_number", "phone"],
         concentrated=False, at_window=False),
    dict(key="birth_registration", basic="000172030000", name="出生登记（户口登记）", unit="police", type="confirmation",
         statutory=5, promised=1, visits=1, case_kind="immediate", result="居民户口簿（新生儿页）", result_kind="certificate",
         materials=[M("birth_certificate"), M("household_book"), M("parents_marriage", copies=1), M("id_card", copies=1)],
         fields=["baby_name", "birth_date", "mother_name", "father_name", "id_number", "address"], authorised=False),
    dict(key="retire_approval", basic="000137030000", name="职工正常退休（职）申请", unit="hrss", type="confirmation",
         statutory=20, promised=10, visits=1, case_kind="promised", result="退休审批表", result_kind="certificate",
         materials=[M("id_card", copies=1), M("retire_file"), M("photo", copies=0)],
         fields=["applicant_name", "id_number", "phone", "retire_date"]),
    dict(key="pension_claim", basic="000137031000", name="基本养老保险待遇申领", unit="hrss", type="payment",
         statutory=15, promised=5, visits=1, case_kind="promised", result="养老保险待遇核定表", result_kind="certificate",
         materials=[M("id_card", copies=1), M("pension_account", copies=1), M("bank_card", copies=1)],
         fields=["applicant_name", "id_number", "phone", "bank_account", "retire_date"]),
    dict(key="retiree_medical", basic="000139020000", name="退休人员基本医疗保险待遇核定", unit="medical",
         type="confirmation", statutory=15, promised=5, visits=1, case_kind="promised", result="退休医保待遇核定",
         result_kind="other", materials=[M("id_card", copies=1), M("bank_card", copies=1)],
         fields=["applicant_name", "id_number", "phone", "retire_date"], authorised=False),
]

# slug, name, audience, theme, icon, description, [(item key, [predecessor keys])]
BUNDLES = [
    ("open-company", "我要办企业", Audience.ENTERPRISE, "企业开办", "bi-building",
     "企业设立登记、公章刻制、发票申领、员工参保一次办结。",
     [("company_setup", []), ("seal_filing", ["company_setup"]), ("invoice", ["company_setup"]),
      ("employer_insurance", ["company_setup"])]),
    ("open-restaurant", "我要开饭店", Audience.ENTERPRISE, "准入准营", "bi-cup-hot",
     "开饭店所需的营业执照、食品经营许可、消防安全检查、排水许可，一次告知、一表申请、一窗受理、并联审批。",
     [("company_setup", []), ("food_licence", ["company_setup"]), ("fire_check", ["company_setup"]),
      ("drain_permit", ["company_setup"])]),
    ("open-bookstore", "我要开书店", Audience.ENTERPRISE, "准入准营", "bi-book",
     "书店的营业执照与出版物经营许可一次办结。",
     [("company_setup", []), ("publication_licence", ["company_setup"])]),
    ("hold-performance", "我要办演出", Audience.ENTERPRISE, "准入准营", "bi-music-note-beamed",
     "演出经纪机构设立与营业性演出审批一次办结。",
     [("company_setup", []), ("performance_licence", ["company_setup"]),
      ("performance_approval", ["performance_licence"])]),
    ("open-hotel", "我要开宾馆", Audience.ENTERPRISE, "准入准营", "bi-house-door",
     "宾馆开业所需的营业执照、消防安全检查、公共场所卫生许可、特种行业许可证一次办结。",
     [("company_setup", []), ("fire_check", ["company_setup"]), ("hygiene_licence", ["company_setup"]),
      ("hotel_licence", ["fire_check"])]),
    ("company-change", "企业信息变更一件事", Audience.ENTERPRISE, "变更", "bi-pencil-square",
     "营业执照变更后，税务、社保信息同步变更。",
     [("company_change", []), ("tax_change", ["company_change"]), ("insurance_change", ["company_change"])]),
    ("realty-registration", "不动产登记一件事", Audience.CITIZEN, "不动产", "bi-house",
     "二手房网签、税费申报、转移登记、水电过户一窗受理、一次办结。",
     [("contract_filing", []), ("house_tax", ["contract_filing"]), ("realty_transfer", ["house_tax"]),
      ("water_transfer", ["realty_transfer"])]),
    ("resident-social-security", "居民社保服务一件事", Audience.CITIZEN, "社会保障", "bi-shield-check",
     "居民养老保险参保、医疗保险参保、社会保障卡申领一次办。",
     [("pension_enrol", []), ("medical_enrol", []), ("social_card", [])]),
    ("resident-medical", "居民就医一件事", Audience.CITIZEN, "医疗保障", "bi-hospital",
     "医保参保、门诊慢特病认定、异地就医备案一次办。",
     [("medical_enrol", []), ("chronic_disease", ["medical_enrol"]), ("remote_care", ["medical_enrol"])]),
    ("newborn", "新生儿出生一件事", Audience.CITIZEN, "生育", "bi-balloon-heart",
     "出生医学证明、户口登记、医保参保、社保卡申领一次办。",
     [("birth_certificate", []), ("birth_registration", ["birth_certificate"]),
      ("medical_enrol", ["birth_registration"]), ("social_card", ["birth_registration"])]),
    ("retirement", "退休一件事", Audience.CITIZEN, "退休", "bi-person-check",
     "退休审批、养老金申领、退休医保待遇核定一次办。",
     [("retire_approval", []), ("pension_claim", ["retire_approval"]), ("retiree_medical", ["retire_approval"])]),
]

TOWNSHIP_LIST = "河南省乡镇（街道）政务服务事项基本目录（154项）"
# A sample of the provincial list: the demo loads these lines (the full list is imported by admins).
TOWNSHIP_LIST_ROWS = [
    ("000137012000", "城乡居民基本养老保险参保登记"),
    ("000139001000", "城乡居民基本医疗保险参保登记"),
    ("000137019000", "社会保障卡申领"),
    ("000139015000", "异地就医备案"),
    ("000172030000", "出生登记（户口登记）"),
    ("000137040000", "城乡居民养老保险待遇申领"),
    ("000144001000", "最低生活保障对象认定"),
    ("000144005000", "特困人员认定"),
    ("000136002000", "农村宅基地用地建房申请"),
    ("000105003000", "个体工商户登记"),
]

AGENCIES = [
    ("XX县安达消防技术服务有限公司", "91411627MA0001", "消防设施检测、消防安全评估", [("消防设施维护保养检测机构资质", "豫消检字〔2024〕017号", 20)], ["建筑消防设施检测"]),
    ("XX县正方测绘有限公司", "91411627MA0002", "不动产测绘、房产测绘", [("乙级测绘资质证书", "乙测资字41500123", 400)], ["不动产测绘"]),
    ("XX县康环检测技术有限公司", "91411627MA0003", "公共场所卫生检测、环境检测", [("检验检测机构资质认定证书（CMA）", "221612340456", 90)], ["公共场所卫生检测"]),
]


def _credit_code(prefix: str) -> str:
    """A well-formed demo code: pad the prefix to 17 characters and append the GB 32100 check."""
    body = (prefix + "0" * 17)[:17]
    return body + check_character(body)


def _unit(key: str | None, center: Unit, cache: dict) -> Unit:
    if key is None:
        return center
    if key not in cache:
        cache[key] = Unit.objects.filter(name__in=UNITS[key]).order_by("pk").first() or center
    return cache[key]


# Words citizens search with that item names do not contain (editable in 系统管理 → 搜索同义词).
SYNONYMS = [
    ("餐饮", "饭店、食品经营"),
    ("开饭店", "食品经营、餐饮"),
    ("饭馆", "饭店、食品经营"),
    ("开店", "营业执照、企业设立"),
    ("办执照", "营业执照"),
    ("开公司", "企业设立、办企业"),
    ("社保", "参保、养老保险、社会保障卡"),
    ("医保", "医疗保险、就医"),
    ("生孩子", "出生、新生儿"),
    ("过户", "转移登记、不动产"),
    ("宾馆", "旅馆"),
    ("酒店", "旅馆、宾馆"),
]


def _synonyms() -> None:
    """Seed the synonyms once; a term an administrator has edited is kept as they left it."""
    for term, synonyms in SYNONYMS:
        SearchSynonym.objects.get_or_create(term=term, defaults={"synonyms": synonyms})


@transaction.atomic
def build_demo_catalog(today: date | None = None) -> dict:
    """Build (or leave as it is) the demo catalogue; returns counts for the demo command to print."""
    today = today or timezone.localdate()
    center = Unit.objects.filter(kind__code="center").order_by("depth", "pk").first()
    if center is None:
        raise RuntimeError("演示目录需要先建立演示县（缺少类型为“政务服务中心”的单位）。")
    cache: dict = {}
    identities = {code: services.ensure_identity(code, name) for code, name in MATERIALS.items()}
    elements = {code: services.ensure_element(code, label, kind) for code, (label, kind) in ELEMENTS.items()}
    items: dict[str, ServiceItem] = {}
    for spec in ITEMS:
        items[spec["key"]] = _item(spec, center, cache, identities, elements)
    _township_items(items, identities)
    for order, (slug, name, audience, theme, icon, description, nodes) in enumerate(BUNDLES, start=1):
        if Bundle.objects.filter(slug=slug).exists():
            continue
        bundle = services.create_bundle(slug=slug, name=name, audience=audience, theme=theme, icon=icon,
                                        description=description, lead_unit=center, sort_order=order)
        for key, after in nodes:
            services.add_bundle_item(bundle, items[key], after=[items[a] for a in after])
    _delegations(items, today)
    if not TownshipListEntry.objects.filter(list_name=TOWNSHIP_LIST).exists():
        services.load_township_list(TOWNSHIP_LIST, TOWNSHIP_LIST_ROWS)
    _intermediaries(items, center, today)
    _negative_list(center, today)
    _synonyms()
    return {
        "items": ServiceItem.objects.count(),
        "bundles": Bundle.objects.count(),
        "delegations": Delegation.objects.count(),
        "intermediaries": Intermediary.objects.count(),
        "negative_entries": NegativeListEntry.objects.count(),
    }


def implementation_code(basic_code: str, unit: Unit) -> str:
    """基本编码 + a six-digit number of the implementing unit, as 实施编码 are written (digits only): the unit's
    internal code (dept-samr) never shows up inside a code that people read and type."""
    return f"{basic_code}{zlib.crc32(unit.code.encode()) % 1_000_000:06d}"


def _item(spec: dict, center: Unit, cache: dict, identities: dict, elements: dict) -> ServiceItem:
    unit = _unit(spec["unit"], center, cache)
    code = implementation_code(spec["basic"], unit)
    # an install made before codes were numeric keeps its items (found by basic code and unit) as they are
    existing = ServiceItem.objects.filter(
        Q(implementation_code=code) | Q(basic_code=spec["basic"], implementing_unit=unit, level=ItemLevel.COUNTY)
    ).first()
    if existing:
        return existing
    item = services.create_item(
        name=spec["name"], basic_code=spec["basic"], implementation_code=code, implementing_unit=unit,
        competent_department=unit, item_type=spec["type"], level=ItemLevel.COUNTY,
        legal_basis=spec.get("legal_basis", ""), conditions=spec.get("conditions", "申请材料齐全、符合法定形式。"),
        statutory_days=spec["statutory"], promised_days=spec["promised"], visits_on_site=spec["visits"],
        case_kind=spec["case_kind"], fees=spec.get("fees", "不收费"), fee_basis=spec.get("fee_basis", ""),
        result_name=spec["result"], result_kind=spec.get("result_kind", "licence"),
        result_identity=identities.get(spec.get("produces", "")),
        place=f"XX县政务服务中心 {unit.name}窗口" if spec.get("concentrated", True) else f"{unit.name}办公地点",
        service_hours="周一至周五 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
        consult_phone=unit.phone or "0377-12345678", complaint_phone="12345",
        channels=spec.get("channels", ["window", "online"]),
        is_concentrated=spec.get("concentrated", True), is_authorised_to_window=spec.get("authorised", True),
        is_handled_at_window=spec.get("at_window", True),
        materials=[
            {"identity": identities[m["code"]], **{k: v for k, v in m.items() if k != "code"}}
            for m in spec["materials"]
        ],
        form_fields=[{"element": elements[f]} for f in spec["fields"]],
        steps=_steps(spec["promised"]),
        special_steps=[{"kind": k, "name": n, "limit_days": d, "note": note} for k, n, d, note in spec.get("special", [])],
    )
    if "intermediary" in spec:
        services.add_intermediary_service(item, name=spec["intermediary"][0], basis=spec["intermediary"][1])
    return item


def _township_items(items: dict, identities: dict) -> None:
    """Two townships carry their own 城乡居民养老保险参保登记; one of them disagrees with the county's
    (promised days and a material), which the 两级十同 report shows."""
    towns = list(services.townships().order_by("sort_order", "pk")[:2])
    reference = items["pension_enrol"]
    for index, town in enumerate(towns):
        code = implementation_code(reference.basic_code, town)
        if ServiceItem.objects.filter(Q(implementation_code=code) | Q(basic_code=reference.basic_code,
                                                                        implementing_unit=town)).exists():
            continue
        materials = [{"identity": identities["id_card"], "copies": 1}]
        if index == 0:
            materials.append({"identity": identities["household_book"], "copies": 1})
        services.create_item(
            name=reference.name, basic_code=reference.basic_code, implementation_code=code, implementing_unit=town,
            competent_department=reference.implementing_unit, item_type=reference.item_type, level=ItemLevel.TOWNSHIP,
            legal_basis=reference.legal_basis, conditions=reference.conditions,
            statutory_days=reference.statutory_days, promised_days=reference.promised_days + index * 2,
            visits_on_site=1, case_kind=reference.case_kind, fees=reference.fees, result_name=reference.result_name,
            result_kind=reference.result_kind, place=f"{town.name}综合受理窗口", consult_phone=town.phone,
            complaint_phone="12345", channels=["window"], materials=materials, steps=_steps(1),
        )


def _delegations(items: dict, today: date) -> None:
    towns = list(services.townships().order_by("sort_order", "pk"))
    if not towns:
        return
    basis = "《关于推进XX县政务服务“县镇同权”改革下发政务服务事项的通知》"
    for key, mode, targets in [
        ("social_card", DelegationMode.ENTRUSTED, None),
        ("medical_enrol", DelegationMode.ENTRUSTED, None),
        ("remote_care", DelegationMode.WINDOW_FORWARD, None),
        ("birth_registration", DelegationMode.WINDOW_FORWARD, towns[: max(1, len(towns) // 2)]),
    ]:
        if not Delegation.objects.filter(item=items[key]).exists():
            services.delegate_item(items[key], to=targets, mode=mode, basis=basis, on=today - timedelta(days=90))


def _intermediaries(items: dict, center: Unit, today: date) -> None:
    from tongban.catalog.models import IntermediaryService

    for index, (name, prefix, scope, qualifications, service_names) in enumerate(AGENCIES):
        code = _credit_code(prefix)
        if Intermediary.objects.filter(credit_code=code).exists():
            continue
        agency = services.create_intermediary(
            name=name, credit_code=code, supervising_unit=center, service_scope=scope,
            legal_representative=["王建国", "刘志强", "陈丽"][index], phone=f"0377-6600{index + 1:04d}",
            address="XX县政务服务中心中介超市",
        )
        for q_name, number, days in qualifications:
            services.add_qualification(agency, name=q_name, number=number, expires_on=today + timedelta(days=days),
                                       issuer="河南省相关主管部门")
        agency.services.add(*IntermediaryService.objects.filter(name__in=service_names))
        if index == 2:
            services.change_intermediary_status(
                agency, status=IntermediaryStatus.RECTIFYING, reason="未按要求提交从业人员资格证明完成备案",
                deadline=today + timedelta(days=30),
            )


def _negative_list(center: Unit, today: date) -> None:
    services.sync_negative_list(today=today)
    if not NegativeListEntry.objects.filter(source="manual").exists():
        services.create_negative_entry(
            unit=center, reason=NegativeReason.OTHER, rectify_deadline=today + timedelta(days=60),
            description="不动产登记、税务窗口仍分设两处受理，未实现综合窗口一窗受理",
        )


def build_demo(county=None) -> str:
    """The hook `tongban demo` calls (tongban.org.demo.run_app_demos): a sentence for the console."""
    counts = build_demo_catalog()
    return (f"事项 {counts['items']} 项、一件事 {counts['bundles']} 个、下放 {counts['delegations']} 条、"
            f"中介机构 {counts['intermediaries']} 家、负面清单 {counts['negative_entries']} 条")
