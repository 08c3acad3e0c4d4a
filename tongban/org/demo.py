"""The demo county of the seeds: XX县行政审批服务中心, its sections, stationed departments, township
centres, village points and bank / post outlets, their windows, ~90 staff, the leaders and the persona logins.

The data is plain tables at the top of this module so later issues can extend it; `build_demo_county()`
turns them into records through the org services. It is idempotent: every record is found by its natural
key (单位代码, 窗口编号, 工号, 登录账号) and only created when missing, so a second run changes nothing and a
password a user has changed is never reset (the demo password is set only when a login is created).

Other apps add their own demo data with a `demo.py` that defines `build_demo(county: DemoCounty)`;
`tongban demo` calls them after the county is built, in INSTALLED_APPS order (see `run_app_demos`).
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tongban.org import services
from tongban.org.choices import Role, WindowKind
from tongban.org.defaults import ensure_unit_kinds
from tongban.org.models import Staff, Unit, UnitAlias, Window

DEMO_PASSWORD = "Tongban@2026"
CALENDAR_FIRST_YEAR = 2004

OFFICE_HOURS = "法定工作日 上午8:30—12:00，下午14:30—17:30"
CENTER = ("center", "XX县行政审批服务中心", "审批中心", "XX县人民路88号政务服务大厅")

# 股室 of the centre: (单位代码, 名称)
SECTIONS = [
    ("sec-office", "办公室"),
    ("sec-policy", "政策法规股"),
    ("sec-invest", "投资建设股"),
    ("sec-land", "国土规划股"),
    ("sec-market", "市场准入股"),
    ("sec-social", "社会事务股"),
    ("sec-agri", "涉农事务股"),
    ("sec-info", "信息股"),
    ("sec-efficiency", "效能监察股"),
    ("sec-project", "投资服务中心"),
]

# 进驻部门 and their 专业窗口: (单位代码, 名称, 简称, 窗口编号)
DEPARTMENTS = [
    ("dept-samr", "县市场监督管理局", "市场监管", "B01"),
    ("dept-nr", "县自然资源局", "自然资源", "B02"),
    ("dept-housing", "县住房和城乡建设局", "住建", "B03"),
    ("dept-hrss", "县人力资源和社会保障局", "人社", "B04"),
    ("dept-medical", "县医疗保障局", "医保", "B05"),
    ("dept-realestate", "县不动产登记中心", "不动产登记", "B06"),
    ("dept-tax", "县税务局", "税务", "B07"),
    ("dept-police", "县公安局", "公安", "B08"),
    ("dept-health", "县卫生健康委员会", "卫健", "B09"),
    ("dept-transport", "县交通运输局", "交通运输", "B10"),
    ("dept-culture", "县文化广电和旅游局", "文广旅", "B11"),
    ("dept-fire", "县消防救援大队", "消防", "B12"),
]

# The names the county's ledgers and lists really use for its departments (别名), so that a ledger
# writing 市场监管局, 人社局, 卫健委 or 不动产中心 imports without editing the file.
ALIASES = {
    "dept-samr": ["市场监管局", "县市场监管局", "市监局"],
    "dept-nr": ["自然资源局", "县资源局", "资源局"],
    "dept-housing": ["住建局", "县住建局", "住房城乡建设局"],
    "dept-hrss": ["人社局", "县人社局", "人力资源社会保障局"],
    "dept-medical": ["医保局", "县医保局"],
    "dept-realestate": ["不动产中心", "不动产登记局", "县不动产中心"],
    "dept-tax": ["税务局"],
    "dept-police": ["公安局"],
    "dept-health": ["卫健委", "县卫健委", "卫生健康委"],
    "dept-transport": ["交通局", "交通运输局", "县交通局"],
    "dept-culture": ["文旅局", "文广旅局", "县文旅局"],
    "dept-fire": ["消防大队", "县消防大队"],
    "center": ["县审批中心", "行政审批服务中心", "政务服务中心", "县政务服务中心"],
    "sub-industry": ["产业集聚区分中心"],
    "sub-demo-zone": ["示范区分中心"],
}

# 分中心 (seed 000: "县乡两级及两个分中心"): (单位代码, 名称, 简称, 综合受理窗口编号)
SUB_CENTERS = [
    ("sub-industry", "产业集聚区政务服务分中心", "产业集聚区", "CY01"),
    ("sub-demo-zone", "城乡一体化示范区政务服务分中心", "示范区", "SF01"),
]

# 乡镇便民服务中心: (代码后缀, 乡镇, 窗口编号前缀, [村级便民服务点 (代码后缀, 村)], [服务网点 (代码, 名称)])
TOWNSHIPS = [
    ("chengguan", "城关镇", "CG", [("dongguan", "东关村"), ("xiguan", "西关村")],
     [("out-post-chengguan", "中国邮政城关营业所")]),
    ("liji", "李集镇", "LJ", [("liji", "李集村")], [("out-rcb-liji", "农商银行李集支行")]),
    ("wangji", "王集乡", "WJ", [("wangji", "王集村"), ("houying", "后营村")], []),
    ("zhangdian", "张店镇", "ZD", [("zhangdian", "张店村")], [("out-post-zhangdian", "中国邮政张店营业所")]),
    ("zhaohe", "赵河镇", "ZH", [("zhaohe", "赵河村"), ("qiaotou", "桥头村")], []),
    ("mashankou", "马山口镇", "MSK", [("mashankou", "马山口村")], []),
    ("shiqiao", "石桥镇", "SQ", [("shiqiao", "石桥村"), ("nanwan", "南湾村")], []),
    ("sunzhuang", "孙庄乡", "SZ", [("sunzhuang", "孙庄村")], []),
    ("yangying", "杨营镇", "YY", [("yangying", "杨营村"), ("hedong", "河东村")], [("out-rcb-yangying", "农商银行杨营支行")]),
    ("huangzhuang", "黄庄乡", "HZ", [("huangzhuang", "黄庄村")], []),
    ("liuhe", "柳河乡", "LH", [("liuhe", "柳河村"), ("xinzhuang", "新庄村")], []),
    ("chenzhuang", "陈庄乡", "CZ", [("chenzhuang", "陈庄村")], [("out-psbc-chenzhuang", "邮储银行陈庄营业所")]),
]

# The centre's own windows: (窗口编号, 名称, 类型, 单位代码, 位置)
CENTER_WINDOWS = [
    ("Q01", "帮办咨询台", WindowKind.HELP_DESK, "center", "一楼大厅入口"),
    ("Q02", "企业帮办代办窗口", WindowKind.HELP_DESK, "sec-project", "一楼大厅东侧"),
    ("A01", "综合受理一窗（企业开办）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A02", "综合受理二窗（企业开办）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A03", "综合受理三窗（社会事务）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A04", "综合受理四窗（社会事务）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A05", "综合受理五窗（不动产与民生）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A06", "综合受理六窗（跨域通办）", WindowKind.INTAKE, "center", "一楼A区"),
    ("A07", "工程建设项目综合受理一窗", WindowKind.INTAKE, "sec-project", "二楼A区"),
    ("A08", "工程建设项目综合受理二窗", WindowKind.INTAKE, "sec-project", "二楼A区"),
    ("C01", "统一出件窗口", WindowKind.DELIVERY, "center", "一楼C区"),
    ("C02", "统一出件窗口（证照寄递）", WindowKind.DELIVERY, "center", "一楼C区"),
]

# Staff: (工号, 姓名, 单位代码, 窗口编号, 职务, 系统角色)
STAFF = [
    # 中心领导班子
    ("ZX001", "刘建国", "center", "", "党组书记、主任", Role.CENTER_LEADER),
    ("ZX002", "王志强", "center", "", "党组成员、副主任", Role.CENTER_LEADER),
    ("ZX003", "李秀梅", "center", "", "党组成员、副主任", Role.CENTER_LEADER),
    ("ZX004", "张国华", "center", "", "副主任", Role.CENTER_LEADER),
    # 股室
    ("ZX010", "赵丽娟", "sec-office", "", "办公室主任", Role.UNIT_HEAD),
    ("ZX011", "孙文静", "sec-office", "", "整改办专干", Role.RECTIFICATION_OFFICE),
    ("ZX012", "周明", "sec-office", "", "文秘", Role.STAFF),
    ("ZX020", "吴海燕", "sec-policy", "", "股长", Role.UNIT_HEAD),
    ("ZX021", "郑磊", "sec-policy", "", "科员", Role.STAFF),
    ("ZX030", "冯志刚", "sec-invest", "", "股长", Role.UNIT_HEAD),
    ("ZX031", "褚红霞", "sec-invest", "", "科员", Role.STAFF),
    ("ZX040", "卫东升", "sec-land", "", "股长", Role.UNIT_HEAD),
    ("ZX041", "蒋丽", "sec-land", "", "科员", Role.STAFF),
    ("ZX050", "沈建军", "sec-market", "", "股长", Role.UNIT_HEAD),
    ("ZX051", "韩雪", "sec-market", "", "科员", Role.STAFF),
    ("ZX052", "杨帆", "sec-market", "", "科员", Role.STAFF),
    ("ZX060", "朱红梅", "sec-social", "", "股长", Role.UNIT_HEAD),
    ("ZX061", "秦浩", "sec-social", "", "科员", Role.STAFF),
    ("ZX070", "尤建平", "sec-agri", "", "股长", Role.UNIT_HEAD),
    ("ZX071", "许倩", "sec-agri", "", "科员", Role.STAFF),
    ("ZX080", "何伟", "sec-info", "", "股长", Role.UNIT_HEAD),
    ("ZX081", "陈晓东", "sec-info", "", "系统管理员", Role.SYSTEM_ADMIN),
    ("ZX082", "吕静", "sec-info", "", "网络运维", Role.STAFF),
    ("ZX090", "施志勇", "sec-efficiency", "", "股长", Role.INSPECTOR),
    ("ZX091", "张瑞", "sec-efficiency", "", "电子监察值班员", Role.INSPECTOR),
    ("ZX100", "孔德明", "sec-project", "", "投资服务中心主任", Role.UNIT_HEAD),
    ("ZX101", "曹颖", "sec-project", "A07", "综合受理员", Role.WINDOW_CLERK),
    ("ZX102", "严俊", "sec-project", "A08", "综合受理员", Role.WINDOW_CLERK),
    ("ZX103", "华丽", "sec-project", "Q02", "帮办代办员", Role.WINDOW_CLERK),
    # 中心大厅窗口
    ("ZX110", "金晓燕", "center", "A01", "综合受理员", Role.WINDOW_CLERK),
    ("ZX111", "魏婷", "center", "A02", "综合受理员", Role.WINDOW_CLERK),
    ("ZX112", "陶然", "center", "A03", "综合受理员", Role.WINDOW_CLERK),
    ("ZX113", "姜慧", "center", "A04", "综合受理员", Role.WINDOW_CLERK),
    ("ZX114", "戚敏", "center", "A05", "综合受理员", Role.WINDOW_CLERK),
    ("ZX115", "谢婉", "center", "A06", "综合受理员", Role.WINDOW_CLERK),
    ("ZX120", "邹佳", "center", "C01", "出件员", Role.WINDOW_CLERK),
    ("ZX121", "喻强", "center", "C02", "出件员", Role.WINDOW_CLERK),
    ("ZX130", "柏琳", "center", "Q01", "导办员", Role.WINDOW_CLERK),
    # 进驻部门
    ("SJ001", "水建华", "dept-samr", "", "副局长、驻厅首席代表", Role.UNIT_HEAD),
    ("SJ002", "窦娜", "dept-samr", "B01", "窗口工作人员", Role.WINDOW_CLERK),
    ("SJ003", "章宇", "dept-samr", "B01", "窗口工作人员", Role.WINDOW_CLERK),
    ("ZR001", "云海", "dept-nr", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("ZR002", "苏晴", "dept-nr", "B02", "窗口工作人员", Role.WINDOW_CLERK),
    ("ZJ001", "潘振", "dept-housing", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("ZJ002", "葛琳", "dept-housing", "B03", "窗口工作人员", Role.WINDOW_CLERK),
    ("RS001", "奚明", "dept-hrss", "", "副局长、驻厅首席代表", Role.UNIT_HEAD),
    ("RS002", "范婷婷", "dept-hrss", "B04", "窗口工作人员", Role.WINDOW_CLERK),
    ("RS003", "彭亮", "dept-hrss", "B04", "窗口工作人员", Role.WINDOW_CLERK),
    ("YB001", "郎芳", "dept-medical", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("YB002", "鲁斌", "dept-medical", "B05", "窗口工作人员", Role.WINDOW_CLERK),
    ("BD001", "韦宏", "dept-realestate", "", "主任、驻厅首席代表", Role.UNIT_HEAD),
    ("BD002", "昌颖", "dept-realestate", "B06", "窗口工作人员", Role.WINDOW_CLERK),
    ("BD003", "马超", "dept-realestate", "B06", "窗口工作人员", Role.WINDOW_CLERK),
    ("SW001", "苗青", "dept-tax", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("SW002", "凤娟", "dept-tax", "B07", "窗口工作人员", Role.WINDOW_CLERK),
    ("GA001", "花勇", "dept-police", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("GA002", "方洁", "dept-police", "B08", "窗口工作人员", Role.WINDOW_CLERK),
    ("WS001", "俞平", "dept-health", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("WS002", "任雪", "dept-health", "B09", "窗口工作人员", Role.WINDOW_CLERK),
    ("JT001", "袁刚", "dept-transport", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("JT002", "柳燕", "dept-transport", "B10", "窗口工作人员", Role.WINDOW_CLERK),
    ("WL001", "龚伟", "dept-culture", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("WL002", "程蕾", "dept-culture", "B11", "窗口工作人员", Role.WINDOW_CLERK),
    ("XF001", "邓勇", "dept-fire", "", "驻厅首席代表", Role.UNIT_HEAD),
    ("XF002", "魏然", "dept-fire", "B12", "窗口工作人员", Role.WINDOW_CLERK),
    # 分中心
    ("FZ001", "元芳", "sub-industry", "CY01", "综合受理员", Role.WINDOW_CLERK),
    ("FZ002", "卜涛", "sub-demo-zone", "SF01", "综合受理员", Role.WINDOW_CLERK),
    # 乡镇便民服务中心：主任（乡镇管理员）与综合受理员
    ("CG001", "鲍志明", "tw-chengguan", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("CG002", "史丽", "tw-chengguan", "CG01", "综合受理员", Role.WINDOW_CLERK),
    ("LJ001", "唐建", "tw-liji", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("LJ002", "费敏", "tw-liji", "LJ01", "综合受理员", Role.WINDOW_CLERK),
    ("WJ001", "廉军", "tw-wangji", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("WJ002", "岑霞", "tw-wangji", "WJ01", "综合受理员", Role.WINDOW_CLERK),
    ("ZD001", "薛涛", "tw-zhangdian", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("ZD002", "雷蕾", "tw-zhangdian", "ZD01", "综合受理员", Role.WINDOW_CLERK),
    ("ZH001", "贺刚", "tw-zhaohe", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("ZH002", "倪娜", "tw-zhaohe", "ZH01", "综合受理员", Role.WINDOW_CLERK),
    ("MSK001", "汤勇", "tw-mashankou", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("MSK002", "滕芳", "tw-mashankou", "MSK01", "综合受理员", Role.WINDOW_CLERK),
    ("SQ001", "殷华", "tw-shiqiao", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("SQ002", "罗琴", "tw-shiqiao", "SQ01", "综合受理员", Role.WINDOW_CLERK),
    ("SZ001", "毕鹏", "tw-sunzhuang", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("SZ002", "郝莉", "tw-sunzhuang", "SZ01", "综合受理员", Role.WINDOW_CLERK),
    ("YY001", "邬强", "tw-yangying", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("YY002", "安静", "tw-yangying", "YY01", "综合受理员", Role.WINDOW_CLERK),
    ("HZ001", "常亮", "tw-huangzhuang", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("HZ002", "乐怡", "tw-huangzhuang", "HZ01", "综合受理员", Role.WINDOW_CLERK),
    ("LH001", "于洋", "tw-liuhe", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("LH002", "时晓", "tw-liuhe", "LH01", "综合受理员", Role.WINDOW_CLERK),
    ("CZ001", "傅斌", "tw-chenzhuang", "", "便民服务中心主任", Role.TOWNSHIP_ADMIN),
    ("CZ002", "皮佳", "tw-chenzhuang", "CZ01", "综合受理员", Role.WINDOW_CLERK),
    # 银邮服务网点代办员
    ("WD001", "卞红", "out-post-chengguan", "", "代办员", Role.STAFF),
    ("WD002", "齐鑫", "out-rcb-liji", "", "代办员", Role.STAFF),
    ("WD003", "康乐", "out-post-zhangdian", "", "代办员", Role.STAFF),
    ("WD004", "伍丽", "out-rcb-yangying", "", "代办员", Role.STAFF),
    ("WD005", "余波", "out-psbc-chenzhuang", "", "代办员", Role.STAFF),
]

# 领导与分管: 工号 → 分管单位代码 (seed 003: 班子成员"组织抓好分管科室的整改落实工作").
# The 主任 leads the whole (and is 组长 of the rectification group); three 副主任 share the rest.
LEADERS = {
    "ZX001": [],
    "ZX002": ["sec-invest", "sec-land", "sec-project", "dept-nr", "dept-housing", "dept-realestate",
              "dept-transport", "dept-fire"],
    "ZX003": ["sec-market", "sec-social", "sec-agri", "dept-samr", "dept-hrss", "dept-medical", "dept-tax",
              "dept-police", "dept-health", "dept-culture"],
    "ZX004": ["sec-office", "sec-policy", "sec-info", "sec-efficiency", "sub-industry", "sub-demo-zone",
              *(f"tw-{suffix}" for suffix, *_ in TOWNSHIPS)],
}

# Demo logins: (登录账号, 工号, 能看到什么). All share DEMO_PASSWORD; `admin` is also a superuser.
PERSONAS = [
    ("admin", "ZX081", "全部数据，含系统管理后台"),
    ("zhuren", "ZX001", "全县所有单位、窗口、人员"),
    ("zhenggai", "ZX011", "全县（协调督办整改）"),
    ("guzhang", "ZX050", "市场准入股"),
    ("buzhang", "SJ001", "县市场监督管理局及其窗口"),
    ("chuangkou", "ZX110", "本窗口（A01）的业务"),
    ("xiangzhen", "CG001", "城关镇及其村级服务点、网点"),
    ("xiangzhen2", "LJ001", "李集镇及其村级服务点、网点"),
    ("jiancha", "ZX090", "全县（只读）"),
]
SUPERUSERS = {"admin"}


# --- The tree and windows as flat rows, parents first --------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    address: str = ""
    sort_order: int = 100


def unit_rows() -> list[UnitRow]:
    center_code, center_name, center_short, center_address = CENTER
    rows = [UnitRow(center_code, center_name, "center", None, center_short, center_address, 10)]
    for order, (code, name) in enumerate(SECTIONS, start=1):
        rows.append(UnitRow(code, name, "section", center_code, sort_order=100 + order))
    for order, (code, name, short, _) in enumerate(DEPARTMENTS, start=1):
        rows.append(UnitRow(code, name, "department", center_code, short, sort_order=200 + order))
    for order, (code, name, short, _) in enumerate(SUB_CENTERS, start=1):
        rows.append(UnitRow(code, name, "sub_center", center_code, short, sort_order=300 + order))
    for order, (suffix, township, _, villages, outlets) in enumerate(TOWNSHIPS, start=1):
        code = f"tw-{suffix}"
        rows.append(UnitRow(code, f"{township}便民服务中心", "township", center_code, township,
                            f"XX县{township}人民政府院内", 400 + order))
        for index, (village_suffix, village) in enumerate(villages, start=1):
            rows.append(UnitRow(f"vil-{village_suffix}", f"{village}便民服务点", "village", code, village,
                                sort_order=10 + index))
        for index, (outlet_code, outlet) in enumerate(outlets, start=1):
            rows.append(UnitRow(outlet_code, outlet, "outlet", code, sort_order=50 + index))
    return rows


def window_rows() -> list[tuple[str, str, str, str, str]]:
    rows = list(CENTER_WINDOWS)
    for code, _, short, window in DEPARTMENTS:
        rows.append((window, f"{short}专业窗口", WindowKind.SPECIALIST, code, "二楼B区"))
    for code, _, short, window in SUB_CENTERS:
        rows.append((window, f"{short}综合受理窗口", WindowKind.INTAKE, code, "分中心大厅"))
    for suffix, township, prefix, _, _ in TOWNSHIPS:
        rows.append((f"{prefix}01", f"{township}综合受理窗口", WindowKind.INTAKE, f"tw-{suffix}", "便民服务中心大厅"))
    return rows


# --- Building -----------------------------------------------------------------------------------


@dataclass
class DemoCounty:
    """What the demo built (or found): records by natural key, persona users by login."""

    units: dict[str, Unit] = field(default_factory=dict)
    windows: dict[str, Window] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    created: int = 0

    @property
    def center(self) -> Unit:
        return self.units[CENTER[0]]


def build_demo_county() -> DemoCounty:
    """Create whatever of the demo county is missing; leave everything that exists alone."""
    county = DemoCounty()
    with transaction.atomic():
        _build_units(county)
        _build_windows(county)
        _build_staff(county)
    fill_calendar()
    return county


def fill_calendar() -> None:
    """Fill the working-day calendar from 2004 to next year, once the workdays app provides it."""
    from tongban.workdays import services as workdays

    if hasattr(workdays, "ensure_years"):
        workdays.ensure_years(CALENDAR_FIRST_YEAR, timezone.localdate().year + 1)


def _build_units(county: DemoCounty) -> None:
    rows = unit_rows()
    kinds = ensure_unit_kinds()  # a flushed database has lost what the data migration loaded
    county.units = {u.code: u for u in Unit.objects.filter(code__in=[row.code for row in rows])}
    for row in rows:
        if row.code in county.units:
            continue
        county.units[row.code] = services.create_unit(
            code=row.code, name=row.name, kind=kinds[row.kind], parent=county.units.get(row.parent),
            short_name=row.short_name, address=row.address, sort_order=row.sort_order,
            service_hours=OFFICE_HOURS,
        )
        county.created += 1
    # Aliases only for units that have none yet: a user's own list is never touched.
    with_aliases = set(UnitAlias.objects.filter(unit__code__in=ALIASES).values_list("unit__code", flat=True))
    for code, names in ALIASES.items():
        if code in county.units and code not in with_aliases:
            services.set_unit_aliases(county.units[code], names)


def _build_windows(county: DemoCounty) -> None:
    rows = window_rows()
    county.windows = {w.code: w for w in Window.objects.filter(code__in=[row[0] for row in rows])}
    for code, name, kind, unit, location in rows:
        if code in county.windows:
            continue
        county.windows[code] = services.create_window(code=code, name=name, kind=kind, unit=county.units[unit],
                                                      location=location)
        county.created += 1


def _build_staff(county: DemoCounty) -> None:
    logins = {staff_no: username for username, staff_no, _ in PERSONAS}
    county.staff = {s.staff_no: s for s in Staff.objects.filter(staff_no__in=[row[0] for row in STAFF])}
    users = get_user_model().objects.filter(username__in=logins.values()).select_related("staff")
    county.users = {u.username: u for u in users}
    password = None  # hashed once, lazily: hashing for each login would make the demo slow
    for staff_no, name, unit, window, position, role in STAFF:
        if staff_no in county.staff:
            continue
        username = logins.get(staff_no)
        existing_user = county.users.get(username) if username else None
        staff = services.create_staff(
            staff_no=staff_no, name=name, unit=county.units[unit],
            username=username if username and existing_user is None else None,
            window=county.windows[window] if window else None, position=position, role=role,
            is_leader=staff_no in LEADERS, units_in_charge=[county.units[c] for c in LEADERS.get(staff_no, [])],
        )
        if staff.user is not None:  # a new login: the demo password, and superuser rights for `admin`
            password = password or make_password(DEMO_PASSWORD)
            _set_demo_login(staff.user, password, superuser=username in SUPERUSERS)
            county.users[username] = staff.user
        elif existing_user is not None and getattr(existing_user, "staff", None) is None:
            # e.g. an `admin` made with createsuperuser before the demo: link it, keep its password
            staff = services.update_staff(staff, expected_version=staff.version, user=existing_user)
        county.staff[staff_no] = staff
        county.created += 1


def _set_demo_login(user, password_hash: str, *, superuser: bool) -> None:
    user.password = password_hash
    user.is_superuser = user.is_staff = superuser
    user.save(update_fields=["password", "is_superuser", "is_staff"])


# --- Other apps' demo data ----------------------------------------------------------------------


def run_app_demos(county: DemoCounty) -> list[tuple[str, object]]:
    """Let every other tongban app add its demo data, in INSTALLED_APPS order.

    An app takes part with a `demo` module defining `build_demo(county)` (preferred: it gets the records
    built here) or `build_demo_<app label>()`. Returns (app name, what the function returned) pairs.
    """
    done = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tongban.") or config.label == "org":
            continue
        module_name = f"{config.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "build_demo"):
            result = module.build_demo(county)
        elif hasattr(module, f"build_demo_{config.label}"):
            result = getattr(module, f"build_demo_{config.label}")()
        else:
            continue
        done.append((str(config.verbose_name), result))
    return done
