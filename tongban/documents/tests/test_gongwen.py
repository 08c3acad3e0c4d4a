"""The 公文 builder, checked against the numbers of GB/T 9704-2012 in the saved .docx itself."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from tongban.documents.gongwen import GongwenDocument, format_date
from tongban.documents.tests.rendering import near_empty_pages, page_texts, render_pdfs
from tongban.documents.titles import TITLE_MAX_LINE, char_width, title_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE = "关于县委第一巡察组反馈意见整改进展情况的报告"
MM_PER_PT = 25.4 / 72


@pytest.fixture
def report(tmp_path):
    """A report shaped like seed 000, saved and opened again with python-docx."""
    doc = GongwenDocument(title=TITLE, issuer="XX县行政审批服务中心", date=date(2023, 8, 15))
    doc.heading1("一、整改工作组织情况")
    doc.heading2("（一）深入动员，统一思想。", body="县委第一巡察组对中心进行巡察工作反馈意见会议之后，中心党组高度重视。")
    doc.heading3("1．坚持政治引领高站位。")
    doc.paragraph("县委第一巡察组提出的9个方面问题和4个方面意见建议，已经全部进行了整改。")
    doc.heading2("（二）加强领导，夯实责任。")
    doc.paragraph("成立巡察整改工作领导小组。")
    doc.table(["序号", "反馈问题", "整改措施"], [[1, "牵头作用发挥不充分", "建立工作台账"], [2, "中介机构管理不规范", "清理中介事项\n公布中介目录"]])
    doc.attachment("巡察反馈问题整改任务清单", label="附件1")
    doc.table(["序号", "整改任务"], [[1, "建立健全工作台账"]])
    path = tmp_path / "report.docx"
    doc.save(path)
    return path


def open_docx(path):
    return docx.Document(str(path))


def raw_xml(path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def east_asia(element) -> str | None:
    rfonts = element.find(f"{W}rPr/{W}rFonts")
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def body_paragraphs(document):
    return [p for p in document.paragraphs if p.text.strip()]


def text_block_pt(section) -> tuple[float, float]:
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    return width.pt, height.pt


# --- page ------------------------------------------------------------------------------------------
def test_the_page_is_a4_with_the_standard_margins(report):
    section = open_docx(report).sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.05)
    assert section.page_height.mm == pytest.approx(297, abs=0.05)
    assert section.top_margin.mm == pytest.approx(37, abs=0.05)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.05)
    assert section.left_margin.mm == pytest.approx(28, abs=0.05)
    assert section.right_margin.mm == pytest.approx(26, abs=0.05)
    width_pt, height_pt = text_block_pt(section)
    assert width_pt * MM_PER_PT == pytest.approx(156, abs=0.1)
    assert height_pt * MM_PER_PT == pytest.approx(225, abs=0.1)


def test_the_document_grid_declares_22_lines_of_28_characters(report):
    section = open_docx(report).sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096  # relative to the 3号 default font
    width_pt, height_pt = text_block_pt(section)
    assert 22 * line_pitch_pt <= height_pt < 23 * line_pitch_pt
    assert 28 * char_pitch_pt <= width_pt < 29 * char_pitch_pt
    assert line_pitch_pt == pytest.approx(28.95)


# --- styles ----------------------------------------------------------------------------------------
def test_the_body_style_is_3hao_fangsong_with_two_character_indent_and_fixed_lines(report):
    document = open_docx(report)
    style = document.styles["公文正文"]
    fmt = style.paragraph_format
    assert style.font.size == Pt(16)
    assert east_asia(style.element) == "仿宋_GB2312"
    assert fmt.first_line_indent == Pt(32)
    assert style.element.find(f"{W}pPr/{W}ind").get(qn("w:firstLineChars")) == "200"
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.space_before == fmt.space_after == Pt(0)


def test_body_characters_fit_exactly_28_to_a_line_without_the_grid(report):
    document = open_docx(report)
    style = document.styles["公文正文"]
    spacing_pt = int(style.element.find(f"{W}rPr/{W}spacing").get(qn("w:val"))) / 20
    assert style.element.find(f"{W}pPr/{W}snapToGrid").get(qn("w:val")) == "0"
    advance = style.font.size.pt + spacing_pt
    width_pt, _ = text_block_pt(document.sections[0])
    assert 28 * advance <= width_pt < 29 * advance
    # the indented first line holds 26 characters after its 2-character (32 pt) indent, not 27
    assert 32 + 26 * advance <= width_pt < 32 + 27 * advance


def test_the_title_is_2hao_xiaobiaosong_centred_with_a_blank_line_below(report):
    document = open_docx(report)
    title, after = document.paragraphs[0], document.paragraphs[1]
    assert title.text == "关于县委第一巡察组反馈意见\n整改进展情况的报告"  # 22 characters: two lines, 上长下短
    assert title.style.name == "公文标题"
    assert title.style.font.size == Pt(22)
    assert east_asia(title.style.element) == "方正小标宋简体"
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert east_asia(title.runs[0]._r) == "方正小标宋简体"
    assert after.text == "" and after.style.name == "公文正文"


def test_a_two_line_title_breaks_where_the_author_says(tmp_path):
    doc = GongwenDocument(title="关于县委第一巡察组反馈意见\n整改进展情况的报告")
    document = docx.Document(io.BytesIO(doc.to_bytes()))
    title = document.paragraphs[0]
    assert title.text == "关于县委第一巡察组反馈意见\n整改进展情况的报告"
    assert document.core_properties.title == "关于县委第一巡察组反馈意见整改进展情况的报告"


@pytest.mark.parametrize(
    "style_name, font, level",
    [("一级标题", "黑体", "0"), ("二级标题", "楷体_GB2312", "1"), ("三级标题", "仿宋_GB2312", "2")],
)
def test_headings_use_the_standard_fonts_at_3hao(report, style_name, font, level):
    document = open_docx(report)
    style = document.styles[style_name]
    assert style.font.size == Pt(16)
    assert east_asia(style.element) == font
    assert style.element.find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == level
    used = [p for p in document.paragraphs if p.style.name == style_name]
    assert used and east_asia(used[0].runs[0]._r) == font


def keeps_with_next(paragraph) -> bool:
    """The effective "keep with next": the paragraph's own setting, else its style's (and their bases')."""
    if paragraph.paragraph_format.keep_with_next is not None:
        return paragraph.paragraph_format.keep_with_next
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return style.paragraph_format.keep_with_next
        style = style.base_style
    return False


def test_a_run_in_heading_is_a_body_paragraph_whose_first_run_is_the_heading(report):
    document = open_docx(report)
    run_in = next(p for p in document.paragraphs if p.text.startswith("（一）深入动员"))
    assert run_in.text == "（一）深入动员，统一思想。县委第一巡察组对中心进行巡察工作反馈意见会议之后，中心党组高度重视。"
    assert run_in.style.name == "公文正文"
    assert [run.text for run in run_in.runs] == ["（一）深入动员，统一思想。", "县委第一巡察组对中心进行巡察工作反馈意见会议之后，中心党组高度重视。"]
    assert [east_asia(run._r) for run in run_in.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert keeps_with_next(run_in) is False  # it carries body text: it must never chain pages together
    assert run_in._p.find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == "1"  # still in Word's navigation pane


def test_headings_keep_with_next_and_paragraphs_with_body_text_never_do(report):
    """(The body here ends in a table; text that ends just before the signature keeps its last few lines
    with it: test_the_signature_never_ends_up_on_a_nearly_empty_page.)"""
    document = open_docx(report)
    keeping = [p.text.replace("\n", "") for p in body_paragraphs(document) if keeps_with_next(p)]
    assert keeping == [TITLE, "一、整改工作组织情况", "1．坚持政治引领高站位。", "（二）加强领导，夯实责任。",
                       "XX县行政审批服务中心", "巡察反馈问题整改任务清单"]  # the issuer stays with the date


def test_every_run_and_the_defaults_name_their_east_asian_font(report):
    document = open_docx(report)
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [run for table in document.tables for cell in table._cells for p in cell.paragraphs for run in p.runs]
    assert runs and all(east_asia(run._r) for run in runs if run.text)
    styles_xml = raw_xml(report, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles_xml, re.S).group(0)
    assert 'w:eastAsia="仿宋_GB2312"' in defaults
    assert "eastAsiaTheme" not in defaults  # a theme font would override the named one
    assert 'w:eastAsia="zh-CN"' in defaults


# --- page numbers ------------------------------------------------------------------------------------
def test_page_numbers_are_4hao_songti_with_dashes_odd_right_even_left(report):
    document = open_docx(report)
    section = document.sections[0]
    assert "<w:evenAndOddHeaders/>" in raw_xml(report, "word/settings.xml")
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "rightChars"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "leftChars"),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph._p.find(f"{W}pPr/{W}ind").get(qn(f"w:{side}")) == "100"  # 空一字
        xml = paragraph._p.xml
        assert re.search(r"<w:t[^>]*>— </w:t>.*PAGE.*<w:t[^>]*> —</w:t>", xml, re.S)
        assert '<w:fldChar w:fldCharType="begin"/>' in xml and '<w:fldChar w:fldCharType="end"/>' in xml
        assert paragraph.text == "— 1 —"  # the field's cached result
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert east_asia(run._r) == "宋体"


def test_the_page_number_line_sits_about_7mm_below_the_text_block(report):
    section = open_docx(report).sections[0]
    number_top_mm = section.footer_distance.mm + 14 * MM_PER_PT
    assert section.bottom_margin.mm - number_top_mm == pytest.approx(7, abs=0.5)


# --- signature, tables, attachments ----------------------------------------------------------------
def test_issuer_and_date_close_the_body_right_aligned_four_characters_in(report):
    paragraphs = body_paragraphs(open_docx(report))
    attachment_at = next(i for i, p in enumerate(paragraphs) if p.text == "附件1")
    issuer, dated = paragraphs[attachment_at - 2], paragraphs[attachment_at - 1]
    assert issuer.text == "XX县行政审批服务中心"
    assert dated.text == "2023年8月15日"
    for paragraph in (issuer, dated):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert paragraph.paragraph_format.first_line_indent == 0
    assert dated._p.find(f"{W}pPr/{W}ind").get(qn("w:rightChars")) == "400"
    # the issuer is centred over the date: 10 characters wide against the date's 6.5 → 4 − 1.75
    assert issuer._p.find(f"{W}pPr/{W}ind").get(qn("w:rightChars")) == "225"


def test_dates_use_arabic_numerals_without_leading_zeros():
    assert format_date(date(2023, 8, 5)) == "2023年8月5日"
    assert format_date(date(2024, 12, 31)) == "2024年12月31日"


def test_a_document_without_issuer_or_date_has_no_signature(tmp_path):
    doc = GongwenDocument(title="关于整改情况的报告")
    doc.paragraph("正文。")
    document = docx.Document(io.BytesIO(doc.to_bytes()))
    assert [p.text for p in body_paragraphs(document)] == ["关于整改情况的报告", "正文。"]


def test_tables_carry_their_cells_with_a_repeated_header_row(report):
    document = open_docx(report)
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["序号", "反馈问题", "整改措施"]
    assert table.rows[2].cells[2].text == "清理中介事项\n公布中介目录"
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    header_run = table.rows[0].cells[0].paragraphs[0].runs[0]
    body_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert (east_asia(header_run._r), east_asia(body_run._r)) == ("黑体", "仿宋_GB2312")
    assert body_run.font.size == Pt(12)  # 小四
    widths = Emu(sum(cell.width for cell in table.rows[0].cells))
    assert widths.mm == pytest.approx(156, abs=0.5)


def test_a_value_repeated_down_a_merged_column_is_written_once(tmp_path):
    doc = GongwenDocument(title="关于整改情况的报告")
    doc.table(["序号", "反馈问题", "整改措施"],
              [[1, "牵头作用发挥不充分", "建立工作台账"], [2, "牵头作用发挥不充分", "定期召开协调会"],
               [3, "中介机构管理不规范", "清理中介事项"]], merge_down=[1])
    table = docx.Document(io.BytesIO(doc.to_bytes())).tables[0]
    column = [row.cells[1] for row in table.rows[1:]]
    assert column[0]._tc is column[1]._tc  # one merged cell over the first finding's two measures
    assert [cell.text for cell in column] == ["牵头作用发挥不充分", "牵头作用发挥不充分", "中介机构管理不规范"]
    xml = table._tbl.xml
    assert xml.count("牵头作用发挥不充分") == 1
    assert [row.cells[2].text for row in table.rows[1:]] == ["建立工作台账", "定期召开协调会", "清理中介事项"]


def test_an_attachment_starts_on_a_new_page_after_the_signature(report):
    document = open_docx(report)
    texts = [p.text for p in body_paragraphs(document)]
    assert texts[-4:] == ["XX县行政审批服务中心", "2023年8月15日", "附件1", "巡察反馈问题整改任务清单"]
    label = next(p for p in document.paragraphs if p.text == "附件1")
    assert label.paragraph_format.page_break_before is True
    assert east_asia(label.runs[0]._r) == "黑体"
    assert len(document.tables) == 2


def test_saving_twice_does_not_sign_twice(tmp_path):
    doc = GongwenDocument(title="关于整改情况的报告", issuer="XX县行政审批服务中心", date=date(2023, 8, 15))
    doc.paragraph("正文。")
    first = doc.to_bytes()
    second = docx.Document(io.BytesIO(doc.to_bytes()))
    assert [p.text for p in body_paragraphs(second)].count("2023年8月15日") == 1
    assert docx.Document(io.BytesIO(first)).paragraphs[0].text == "关于整改情况的报告"


# --- rendering -------------------------------------------------------------------------------------
def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; cannot render to PDF")
def test_libreoffice_renders_22_lines_of_28_characters_per_page(tmp_path):
    """One-line paragraphs fill exactly one page at 22 lines; a 23rd line, or a 27th character after
    the 2-character indent, spills onto a second page."""

    def write(name: str, paragraphs: int, chars: int) -> None:
        doc = GongwenDocument(title="关于整改情况的报告")  # title + the blank line below it = 2 lines
        for _ in range(paragraphs):
            doc.paragraph("整" * chars)
        doc.save(tmp_path / f"{name}.docx")

    write("full", 20, 26)
    write("one_line_more", 21, 26)
    write("one_char_more", 20, 27)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path),
         *(str(tmp_path / f"{name}.docx") for name in ("full", "one_line_more", "one_char_more"))],
        check=True, capture_output=True, timeout=180,
    )
    pages = {name: _pdf_pages((tmp_path / f"{name}.pdf").read_bytes()) for name in ("full", "one_line_more", "one_char_more")}
    assert pages == {"full": 1, "one_line_more": 2, "one_char_more": 2}


@pytest.mark.parametrize("count, run_in", [(15, True), (15, False)])
def test_a_section_of_many_headed_paragraphs_never_leaves_the_first_page_near_empty(tmp_path, count, run_in):
    """Run-in headings ("（一）标题。正文……") used to be written in the heading style, which keeps with the
    next paragraph: a section of them chained into one block that LibreOffice moved whole to page 2,
    leaving page 1 with the title and one paragraph."""
    doc = GongwenDocument(title="关于整改情况的报告", issuer="XX县行政审批服务中心", date=date(2023, 8, 15))
    doc.paragraph("按照县委巡察工作统一部署，县委第一巡察组向中心反馈了巡察意见。现将整改进展情况报告如下。")
    doc.heading1("一、整改落实情况")
    for number in range(1, count + 1):
        body = "对照反馈问题逐项制定整改措施，明确责任单位、责任领导、责任人和完成时限，整改到位一项、销号一项。" * 2
        if run_in:
            doc.heading2(f"（{number}）加强领导，夯实责任。", body=body)
        else:
            doc.heading3(f"{number}．加强领导，夯实责任。")
            doc.paragraph(body)
    path = tmp_path / "sections.docx"
    doc.save(path)
    pages = page_texts(render_pdfs([path], tmp_path)[0])
    counts = [len(lines) for lines in pages]
    assert len(counts) >= 2, counts
    assert near_empty_pages(counts) == [], counts


# --- the title's lines (GB/T 9704-2012 §7.3.3) ------------------------------------------------------
LONG_TITLES = [
    "XX县行政审批服务中心关于县委第一巡察组反馈意见整改进展情况的报告",
    "XX县行政审批服务中心关于落实县委第一巡察组巡察反馈问题的整改工作方案",
    "关于县委第一巡察组巡察反馈意见整改进展情况的报告",
    "关于省委巡视组巡视反馈意见整改进展情况的报告",
    "XX县行政审批服务中心关于落实省委巡视组巡视反馈问题的整改工作方案",
    "XX县行政审批服务中心关于开展政务服务“好差评”和“吐槽找茬”工作中发现问题整改落实情况的报告",
    "XX县行政审批服务中心关于印发《XX县政务服务营商环境年度工作方案》的通知",
    "XX县行政审批服务中心关于2023年度政务服务中心窗口工作人员日常管理考核和“红黑榜”评选情况的通报",
]
WORDS = ["情况", "报告", "巡察组", "巡视组", "整改", "方案", "反馈", "行政审批服务中心", "“好差评”", "“吐槽找茬”",
         "通知", "工作", "《XX县政务服务营商环境年度工作方案》", "“红黑榜”", "通报"]


@pytest.mark.parametrize("title, lines", [
    ("关于整改情况的报告", ["关于整改情况的报告"]),
    ("XX县行政审批服务中心关于县委第一巡察组反馈意见整改进展情况的报告",
     ["XX县行政审批服务中心关于县委第一巡察组", "反馈意见整改进展情况的报告"]),
    ("关于省委巡视组巡视反馈意见整改进展情况的报告", ["关于省委巡视组巡视反馈意见", "整改进展情况的报告"]),
    ("XX县行政审批服务中心关于落实县委第一巡察组巡察反馈问题的整改工作方案",
     ["XX县行政审批服务中心", "关于落实县委第一巡察组", "巡察反馈问题的整改工作方案"]),
])
def test_a_title_breaks_between_words_into_a_balanced_shape(title, lines):
    assert title_lines(title, keep_together=["XX县行政审批服务中心"]) == lines


@pytest.mark.parametrize("title", LONG_TITLES)
def test_long_titles_never_break_inside_a_word_and_are_trapezoids_or_diamonds(title):
    lines = title_lines(title, keep_together=["XX县行政审批服务中心"])
    assert "".join(lines) == title
    assert len(lines) >= 2
    assert all(char_width(line) <= TITLE_MAX_LINE for line in lines)  # no line fills the width edge to edge
    for word in WORDS:
        if word in title:
            assert any(word in line for line in lines), f"“{word}” split: {lines}"
    widths = [char_width(line) for line in lines]
    steps = [b - a for a, b in zip(widths, widths[1:])]
    trapezoid = all(s >= 0 for s in steps) or all(s <= 0 for s in steps)
    peak = widths.index(max(widths))
    diamond = all(s >= 0 for s in steps[:peak]) and all(s <= 0 for s in steps[peak:])
    assert trapezoid or diamond, lines


def test_an_author_s_line_breaks_are_kept():
    assert title_lines("关于县委第一巡察组反馈意见\n整改进展情况的报告") == ["关于县委第一巡察组反馈意见", "整改进展情况的报告"]


def test_the_document_title_is_written_on_its_balanced_lines(tmp_path):
    title = "XX县行政审批服务中心关于县委第一巡察组反馈意见整改进展情况的报告"
    doc = GongwenDocument(title=title, issuer="XX县行政审批服务中心")
    doc.paragraph("正文。")
    path = tmp_path / "title.docx"
    doc.save(path)
    document = open_docx(path)
    assert document.paragraphs[0].text == "XX县行政审批服务中心关于县委第一巡察组\n反馈意见整改进展情况的报告"
    assert document.core_properties.title == title
    # and LibreOffice prints those two lines as they are (neither re-wrapped nor run together)
    first_page = page_texts(render_pdfs([path], tmp_path)[0])[0]
    assert ["".join(line.split()) for line in first_page[:3]] == [
        "XX县行政审批服务中心关于县委第一巡察组", "反馈意见整改进展情况的报告", "正文。"]


@pytest.mark.parametrize("paragraphs, main_pages", [(14, 1), (18, 2), (19, 2), (20, 2), (30, 2)])
def test_the_signature_never_ends_up_on_a_nearly_empty_page(tmp_path, paragraphs, main_pages):
    """The issuer and date take the last few lines of text with them instead of going onto a page of their
    own (成文日期不单独成页); where they fit, nothing moves. An attachment follows, so the signature page
    is not the document's last."""
    doc = GongwenDocument(title="关于整改情况的报告", issuer="XX县行政审批服务中心", date=date(2023, 8, 15))
    for number in range(paragraphs):
        doc.paragraph("整" * 26)  # one full line each (26 characters after the indent)
    doc.attachment("整改任务清单")
    doc.paragraph("附件正文。")
    path = tmp_path / "signed.docx"
    doc.save(path)
    pages = [["".join(line.split()) for line in lines] for lines in page_texts(render_pdfs([path], tmp_path)[0])]
    counts = [len(lines) for lines in pages]
    assert near_empty_pages(counts) == [], counts
    signature_page = next(i for i, lines in enumerate(pages) if any("2023年8月15日" in line for line in lines))
    assert signature_page + 1 == main_pages, counts
    assert any("XX县行政审批服务中心" in line for line in pages[signature_page]), counts
