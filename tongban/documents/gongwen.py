"""A .docx builder for 公文 laid out per GB/T 9704-2012 (党政机关公文格式).

Pure python-docx, no database: the report commands of other apps fill it from their data.

    doc = GongwenDocument(title="关于……的报告", issuer="XX县行政审批服务中心", date=date(2023, 8, 15))
    doc.heading1("一、整改工作组织情况")
    doc.heading2("（一）深入动员，统一思想。", body="县委第一巡察组……")
    doc.paragraph("正文……")
    doc.save("report.docx")          # or doc.to_bytes()

The numbers, and where they come from (docs/documents.md has the full table):

* A4 210 × 297 mm; margins top 37, bottom 35, left (binding) 28, right 26 mm → text block 156 × 225 mm.
* 22 lines per page: 225 mm = 637.8 pt, / 22 = 28.99 pt.  Word stores lengths in twips (1/20 pt) and
  only fits a line whose full pitch is inside the text block, so the pitch is rounded *down* to a whole
  twip: 579 twips = 28.95 pt (22 × 28.95 = 636.9 pt ≤ 637.8 pt; 29 pt would give 21 lines).  Every
  公文 paragraph uses this as *exact* line spacing and the section's docGrid uses it as linePitch.
* 28 characters per line: 156 mm = 442.25 pt, / 28 = 15.79 pt per character, i.e. 0.21 pt narrower
  than the 16 pt body font.  The section's docGrid (type linesAndChars) says so in Word's own terms:
  charSpace is that difference in 1/4096 pt, rounded down so the 28th character still fits: −842.
  Renderers disagree on how a 16 pt glyph sits in a 15.79 pt grid cell (LibreOffice gives it two cells
  and prints 14 characters a line), so the 公文 styles do not snap to the grid (snapToGrid=0) and reach
  28 characters on their own: character spacing −0.4 pt makes each advance 15.6 pt, 28 × 15.6 = 436.8 pt
  fits, 29 do not, and justification spreads the line to the full 442.25 pt (15.79 pt a character).
  Word fits 28 for any spacing in (−0.75, −0.21] pt; LibreOffice's justification needs −0.4.
* Title 2号 (22 pt) 方正小标宋简体, centred, one blank line below; body 3号 (16 pt) 仿宋_GB2312, justified,
  first line indented 2 characters (32 pt and firstLineChars=200); headings 一、黑体 /（一）楷体_GB2312 /
  1．仿宋_GB2312, all 3号.
* Page numbers 4号 (14 pt) 宋体 "— 1 —", odd pages right and even pages left, one character in from
  the edge of the text block (w:evenAndOddHeaders); the footer sits so the number line is about 7 mm
  below the text block.
* Issuer and date after the body: the date in Arabic numerals ("2023年8月15日", no leading zeros), right
  aligned 4 characters in from the right (成文日期右空四字, the sealed-document rule); the issuer centred
  over the date.

East Asian fonts only take effect through w:rFonts/@w:eastAsia (python-docx's font.name sets ascii and
hAnsi only), and the template's theme-font attributes would override explicit names, so both are handled
on the document defaults, on every style and on every run.
"""
from __future__ import annotations

import io
import math
from datetime import date as date_type
from os import PathLike
from typing import IO, Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from tongban.documents.titles import title_lines

# --- Page (GB/T 9704-2012 §5.2.1 and §5.2.2) ---
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# --- Fonts (GB/T 9704-2012 §5.2.3, §7.2, §7.3; 号 → pt: 2号 22, 3号 16, 4号 14, 小四 12) ---
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
SIZE_TITLE = Pt(22)
SIZE_BODY = Pt(16)
SIZE_PAGE_NUMBER = Pt(14)
SIZE_TABLE = Pt(12)

# Paragraph styles (name shown in Word, ASCII style id).
STYLE_TITLE = ("公文标题", "GongwenTitle")
STYLE_BODY = ("公文正文", "GongwenBody")
STYLE_HEADING1 = ("一级标题", "GongwenHeading1")
STYLE_HEADING2 = ("二级标题", "GongwenHeading2")
STYLE_HEADING3 = ("三级标题", "GongwenHeading3")
STYLE_TABLE = ("公文表格", "GongwenTable")
STYLE_PAGE_NUMBER = ("公文页码", "GongwenPageNumber")

PAGE_NUMBER_DASH = "—"  # 一字线 (U+2014) on each side of the number
PAGE_NUMBER_GAP = Mm(7)  # number line below the text block
DATE_RIGHT_CHARS = 4  # 成文日期右空四字
# The issuer and date take at least this many lines of text with them onto their page, so that a page
# never holds the signature alone (成文日期不单独成页) and is never left with fewer than a third of its
# lines; the lines are kept together only up to SIGNATURE_KEEP_MAX, so moving them cannot empty the page
# before either.
SIGNATURE_KEEP_LINES = LINES_PER_PAGE // 3 - 1
SIGNATURE_KEEP_MAX = LINES_PER_PAGE // 2
BODY_CHAR_SPACING = Pt(-0.4)  # see the module docstring: 28 characters a line without relying on the grid


def _twips(length: Length) -> int:
    """What python-docx will actually write for `length` (it rounds to whole twips)."""
    return Length(length).twips


TEXT_WIDTH_TWIPS = _twips(PAGE_WIDTH) - _twips(MARGIN_LEFT) - _twips(MARGIN_RIGHT)
TEXT_HEIGHT_TWIPS = _twips(PAGE_HEIGHT) - _twips(MARGIN_TOP) - _twips(MARGIN_BOTTOM)
# Rounded down so the 22nd line / 28th character still fits inside the text block.
LINE_PITCH_TWIPS = TEXT_HEIGHT_TWIPS // LINES_PER_PAGE
LINE_PITCH = Twips(LINE_PITCH_TWIPS)
CHAR_SPACE = math.floor((TEXT_WIDTH_TWIPS / 20 / CHARS_PER_LINE - SIZE_BODY.pt) * 4096)


def format_date(value: date_type) -> str:
    """成文日期: Arabic numerals, full year, no leading zeros (GB/T 9704-2012 §7.3.5.1)."""
    return f"{value.year}年{value.month}月{value.day}日"


def text_width_in_chars(text: str) -> float:
    """Width in body characters: CJK and full-width signs count 1, ASCII (half-width) counts ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _estimated_lines(paragraph) -> int:
    """Lines a 公文 paragraph takes: 28 characters a line, the first indented two (an estimate: Chinese
    line-breaking rules may move a punctuation mark to the next line)."""
    indent = 0 if paragraph.paragraph_format.first_line_indent == 0 else 2
    width = text_width_in_chars(paragraph.text) + indent
    return max(1, math.ceil(width / CHARS_PER_LINE))


def _set_fonts(rpr, name: str) -> None:
    """Name the font for every script on an rPr, dropping the theme fonts that would override it."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


# The order ECMA-376 prescribes for w:pPr children (Word refuses a file that breaks it).
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)


def _set_ppr_flag(ppr, tag: str, value: str) -> None:
    """Set a pPr child python-docx has no API for, in the position the schema requires."""
    element = ppr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        ppr.insert_element_before(element, *_PPR_ORDER[_PPR_ORDER.index(tag) + 1:])
    element.set(qn("w:val"), value)


# The order ECMA-376 prescribes for the w:rPr children that may follow w:spacing.
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def _set_char_spacing(rpr, spacing: Length) -> None:
    """Character spacing (w:spacing in twentieths of a point) on a run or style rPr."""
    element = rpr.find(qn("w:spacing"))
    if element is None:
        element = rpr.insert_element_before(OxmlElement("w:spacing"), *_RPR_AFTER_SPACING)
    element.set(qn("w:val"), str(Length(spacing).twips))


def _set_indent_chars(ppr, **chars: int) -> None:
    """Indents in hundredths of a character (w:firstLineChars=200 is "two characters")."""
    ind = ppr.get_or_add_ind()
    for attr, value in chars.items():
        ind.set(qn(f"w:{attr}"), str(value))


class GongwenDocument:
    """One 公文: title, optional 主送机关, body, issuer and date, then optional attachments."""

    def __init__(
        self,
        title: str,
        *,
        issuer: str = "",
        date: date_type | None = None,
        addressee: str = "",
        signature_gap_lines: int = 2,
    ) -> None:
        self.title = title
        self.issuer = issuer
        self.date = date
        self.signature_gap_lines = signature_gap_lines
        self._signed = False
        self._doc = Document()
        self._setup_defaults()
        self._setup_styles()
        self._setup_page()
        self._setup_page_numbers()
        self._doc.core_properties.title = title.replace("\n", "")
        self._doc.core_properties.author = issuer
        self._doc.core_properties.language = "zh-CN"
        self._title_lines(title)
        self._blank_line()  # 标题下空一行
        if addressee:
            self._add(STYLE_BODY, addressee, first_line_indent=False)  # 主送机关：居左顶格

    # --- content ---------------------------------------------------------------------------------
    def heading1(self, text: str, *, body: str = ""):
        """一级标题 "一、…": 黑体 3号."""
        return self._heading(STYLE_HEADING1, text, body=body)

    def heading2(self, text: str, *, body: str = ""):
        """二级标题 "（一）…": 楷体_GB2312 3号.

        With `body` it is a run-in heading ("（一）标题。正文……"): a body paragraph whose first run is set
        as the heading. Headings keep with the next paragraph; a paragraph that carries body text must
        not, or a section of run-in headings chains into one block that the renderer moves whole onto
        the next page, leaving the page before it nearly empty."""
        return self._heading(STYLE_HEADING2, text, body=body)

    def heading3(self, text: str, *, body: str = "", bold: bool = False):
        """三级标题 "1．…": 仿宋_GB2312 3号, optionally bold; run-in with `body` as for `heading2`."""
        return self._heading(STYLE_HEADING3, text, body=body, bold=bold)

    def paragraph(self, text: str = "", *, first_line_indent: bool = True):
        """正文: 仿宋_GB2312 3号, first line indented two characters."""
        return self._add(STYLE_BODY, text, first_line_indent=first_line_indent)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths_mm: Sequence[float] | None = None,
        merge_down: Sequence[int] = (),
    ):
        """A bordered table across the text block (仿宋 小四, header row 黑体 repeated on every page).

        In the columns `merge_down` (0-based) a value equal to the one above is not repeated: the cells
        are merged vertically and the value is written once (a finding over its measures)."""
        widths = [Mm(w) for w in widths_mm] if widths_mm else [Twips(TEXT_WIDTH_TWIPS // len(headers))] * len(headers)
        if len(widths) != len(headers):
            raise ValueError("widths_mm must give one width per column")
        table = self._doc.add_table(rows=1, cols=len(headers))
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header_row = table.rows[0]
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text in zip(header_row.cells, headers):
            self._fill_cell(cell, str(text), font=FONT_HEADING1, align=WD_ALIGN_PARAGRAPH.CENTER)
        rows = [["" if value is None else str(value) for value in values] for values in rows]
        runs: dict[int, list[tuple[int, int]]] = {column: [] for column in merge_down}  # (first, last) row
        for index, values in enumerate(rows, start=1):
            cells = table.add_row().cells
            for column, (cell, text) in enumerate(zip(cells, values)):
                if column in runs and index > 1 and text and text == rows[index - 2][column]:
                    runs[column][-1] = (runs[column][-1][0], index)
                    continue
                if column in runs:
                    runs[column].append((index, index))
                self._fill_cell(cell, text)
        for column, spans in runs.items():
            for first, last in spans:
                if last > first:
                    table.cell(first, column).merge(table.cell(last, column))
        for column, width in zip(table.columns, widths):
            column.width = width
            for cell in column.cells:
                cell.width = width
        return table

    def attachment(self, title: str, *, label: str = "附件") -> None:
        """Start an attachment on a new page: "附件" (黑体 3号, 顶格) then its title (2号小标宋, centred).

        The issuer and date belong to the main text, so they are written first if they have not been.
        """
        self._sign()
        paragraph = self._add(STYLE_BODY, "", first_line_indent=False)
        paragraph.paragraph_format.page_break_before = True
        self._run(paragraph, label, font=FONT_HEADING1, size=SIZE_BODY)
        self._blank_line()
        self._title_lines(title)
        self._blank_line()

    # --- output ----------------------------------------------------------------------------------
    def save(self, target: str | PathLike | IO[bytes]) -> None:
        self._sign()
        self._doc.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    @property
    def docx(self):
        """The underlying python-docx Document, for anything this builder does not cover."""
        return self._doc

    # --- set-up ----------------------------------------------------------------------------------
    def _setup_defaults(self) -> None:
        styles = self._doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))  # a CT_RPr: rFonts, sz, szCs, lang
        _set_fonts(rpr, FONT_BODY)
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(int(SIZE_BODY.pt * 2)))  # half-points
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        theme_lang = self._doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        normal = self._doc.styles["Normal"]
        _set_fonts(normal.element.get_or_add_rPr(), FONT_BODY)
        normal.font.size = SIZE_BODY

    def _paragraph_style(self, names: tuple[str, str], *, font: str, size: Length, base=None):
        name, style_id = names
        style = self._doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = base
        style.quick_style = True
        _set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = size
        return style

    def _setup_styles(self) -> None:
        body = self._paragraph_style(STYLE_BODY, font=FONT_BODY, size=SIZE_BODY, base=self._doc.styles["Normal"])
        fmt = body.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = SIZE_BODY * 2
        fmt.widow_control = False  # a fixed 22-line page; Word must not move lines around
        ppr = body.element.get_or_add_pPr()
        _set_indent_chars(ppr, firstLineChars=200)
        _set_ppr_flag(ppr, "w:autoSpaceDE", "0")  # no extra gap between CJK and digits: keeps the count
        _set_ppr_flag(ppr, "w:autoSpaceDN", "0")
        _set_ppr_flag(ppr, "w:snapToGrid", "0")
        _set_char_spacing(body.element.get_or_add_rPr(), BODY_CHAR_SPACING)

        title = self._paragraph_style(STYLE_TITLE, font=FONT_TITLE, size=SIZE_TITLE, base=body)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.first_line_indent = Pt(0)
        _set_indent_chars(title.element.get_or_add_pPr(), firstLineChars=0)
        title.paragraph_format.keep_with_next = True
        _set_char_spacing(title.element.get_or_add_rPr(), Pt(0))

        for names, font, level in (
            (STYLE_HEADING1, FONT_HEADING1, 0),
            (STYLE_HEADING2, FONT_HEADING2, 1),
            (STYLE_HEADING3, FONT_BODY, 2),
        ):
            heading = self._paragraph_style(names, font=font, size=SIZE_BODY, base=body)
            heading.paragraph_format.keep_with_next = True
            _set_ppr_flag(heading.element.get_or_add_pPr(), "w:outlineLvl", str(level))  # Word's navigation pane

        table = self._paragraph_style(STYLE_TABLE, font=FONT_BODY, size=SIZE_TABLE, base=self._doc.styles["Normal"])
        self._off_grid(table, alignment=WD_ALIGN_PARAGRAPH.LEFT)

        page_number = self._paragraph_style(
            STYLE_PAGE_NUMBER, font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, base=self._doc.styles["Normal"]
        )
        self._off_grid(page_number, alignment=WD_ALIGN_PARAGRAPH.RIGHT)

    @staticmethod
    def _off_grid(style, *, alignment) -> None:
        """Tables and footers keep single spacing instead of snapping to the 28.95 pt text grid."""
        fmt = style.paragraph_format
        fmt.alignment = alignment
        fmt.line_spacing = 1.0
        fmt.space_before = fmt.space_after = Pt(0)
        _set_ppr_flag(style.element.get_or_add_pPr(), "w:snapToGrid", "0")

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        # Footer distance is measured from the page edge to the bottom of the footer: put the top of the
        # one 4号 line PAGE_NUMBER_GAP below the text block.
        section.footer_distance = Length(MARGIN_BOTTOM - PAGE_NUMBER_GAP - SIZE_PAGE_NUMBER)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    def _setup_page_numbers(self) -> None:
        """"— 1 —" in 4号宋体: 单页码居右空一字，双页码居左空一字."""
        self._doc.settings.odd_and_even_pages_header_footer = True
        section = self._doc.sections[0]
        one_char = SIZE_PAGE_NUMBER
        for footer, alignment, side in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self._doc.styles[STYLE_PAGE_NUMBER[0]]
            paragraph.alignment = alignment
            if side == "right":
                paragraph.paragraph_format.right_indent = one_char
            else:
                paragraph.paragraph_format.left_indent = one_char
            _set_indent_chars(paragraph._p.get_or_add_pPr(), **{f"{side}Chars": 100})
            self._run(paragraph, f"{PAGE_NUMBER_DASH} ", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER)
            self._page_field(paragraph)
            self._run(paragraph, f" {PAGE_NUMBER_DASH}", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER)

    def _page_field(self, paragraph) -> None:
        """A PAGE field (begin / instruction / separate / cached result / end)."""

        def field_run(kind: str | None = None, instruction: str | None = None, text: str | None = None):
            run = self._run(paragraph, text or "", font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER)
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            if instruction:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = instruction
                run._r.append(instr)

        field_run(kind="begin")
        field_run(instruction=" PAGE ")
        field_run(kind="separate")
        field_run(text="1")
        field_run(kind="end")

    # --- helpers ---------------------------------------------------------------------------------
    def _run(self, paragraph, text: str, *, font: str, size: Length, bold: bool | None = None):
        run = paragraph.add_run(text)
        _set_fonts(run._r.get_or_add_rPr(), font)
        run.font.size = size
        if bold is not None:
            run.bold = bold
        return run

    def _add(self, names: tuple[str, str], text: str, *, first_line_indent: bool = True, bold: bool | None = None):
        style = self._doc.styles[names[0]]
        paragraph = self._doc.add_paragraph(style=style)
        if not first_line_indent:
            paragraph.paragraph_format.first_line_indent = Pt(0)
            _set_indent_chars(paragraph._p.get_or_add_pPr(), firstLineChars=0)
        if text:
            font = style.element.rPr.rFonts.get(qn("w:eastAsia"))
            self._run(paragraph, text, font=font, size=style.font.size, bold=bold)
        return paragraph

    def _heading(self, names: tuple[str, str], text: str, *, body: str, bold: bool | None = None):
        if not body:
            return self._add(names, text, bold=bold)
        heading_style = self._doc.styles[names[0]]
        paragraph = self._add(STYLE_BODY, "")
        self._run(paragraph, text, font=heading_style.element.rPr.rFonts.get(qn("w:eastAsia")), size=SIZE_BODY,
                  bold=bold)
        self._run(paragraph, body, font=FONT_BODY, size=SIZE_BODY, bold=False)
        level = heading_style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val"))
        _set_ppr_flag(paragraph._p.get_or_add_pPr(), "w:outlineLvl", level)  # Word's navigation pane
        return paragraph

    def _title_lines(self, title: str) -> None:
        """The title centred on the lines `titles.title_lines` chooses (between words, 梯形或菱形), or on
        the author's own lines when the title has "\n" in it."""
        paragraph = self._add(STYLE_TITLE, "")
        run = self._run(paragraph, "", font=FONT_TITLE, size=SIZE_TITLE)
        for index, line in enumerate(title_lines(title, keep_together=[self.issuer])):
            if index:
                run.add_break()
            run.add_text(line)

    def _blank_line(self):
        return self._doc.add_paragraph(style=self._doc.styles[STYLE_BODY[0]])

    def _fill_cell(self, cell, text: str, *, font: str = FONT_BODY, align=None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self._doc.styles[STYLE_TABLE[0]]
        if align is not None:
            paragraph.alignment = align
        for index, line in enumerate(text.split("\n")):
            if index:
                paragraph = cell.add_paragraph(style=self._doc.styles[STYLE_TABLE[0]])
            self._run(paragraph, line, font=font, size=SIZE_TABLE)

    def _sign(self) -> None:
        """发文机关署名 and 成文日期 after the body, leaving room for the seal; written once."""
        if self._signed:
            return
        self._signed = True
        if not (self.issuer or self.date):
            return
        self._keep_tail_with_signature()
        for _ in range(self.signature_gap_lines):
            self._blank_line().paragraph_format.keep_with_next = True
        date_text = format_date(self.date) if self.date else ""
        if self.issuer:
            # 署名以成文日期为准居中: its right indent is the date's, plus half the width difference.
            shift = (text_width_in_chars(date_text) - text_width_in_chars(self.issuer)) / 2 if date_text else 0
            issuer = self._signature_line(self.issuer, right_chars=max(0.0, DATE_RIGHT_CHARS + shift))
            issuer.paragraph_format.keep_with_next = bool(date_text)
        if date_text:
            self._signature_line(date_text, right_chars=DATE_RIGHT_CHARS)

    def _keep_tail_with_signature(self) -> None:
        """The last paragraphs of the text, about SIGNATURE_KEEP_LINES lines, are kept whole and with the
        signature. A body paragraph otherwise never keeps with the next one; this chain is bounded by
        SIGNATURE_KEEP_MAX lines, so it cannot push a whole page's worth of text onto the next page. It stops
        at a table, a page break or the title."""
        lines = 0
        for element in reversed(list(self._doc.element.body.iterchildren())):
            if element.tag == qn("w:sectPr"):
                continue
            if element.tag != qn("w:p"):
                return
            paragraph = Paragraph(element, self._doc._body)
            if paragraph.style.name == STYLE_TITLE[0]:
                return
            estimate = _estimated_lines(paragraph)
            if lines + estimate > SIGNATURE_KEEP_MAX:
                return
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
            lines += estimate
            if lines >= SIGNATURE_KEEP_LINES or paragraph.paragraph_format.page_break_before:
                return

    def _signature_line(self, text: str, *, right_chars: float):
        paragraph = self._add(STYLE_BODY, text, first_line_indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Length(int(SIZE_BODY * right_chars))
        _set_indent_chars(paragraph._p.get_or_add_pPr(), rightChars=int(round(right_chars * 100)))
        return paragraph
