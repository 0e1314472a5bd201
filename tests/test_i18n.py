"""Languages: Chinese by default, English on request, and a complete committed English catalogue.

The catalogue checks read eldercare/locale/en/LC_MESSAGES/django.po with a tiny reader (no polib)
and the committed django.mo with the standard library's gettext, so that a .po edited without
running compilemessages, an empty or fuzzy entry, or a lost placeholder fails here.
How to refresh the catalogue: eldercare/locale/README.md.
"""

import ast
import gettext
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from eldercare.accounts.models import Role
from tests import factories

LOCALE_DIR = Path(__file__).resolve().parent.parent / "eldercare" / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The language selector names each language in that language, so a reader can always switch back.
KEPT_IN_CHINESE = {"简体中文"}


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """LocaleMiddleware activates English for the thread; later tests must not inherit it."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def header_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th>(.*?)</th>", html)]


def test_login_page_is_chinese_by_default(client: Client, db: None) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "Log in" not in html


def test_language_selector_switches_pages_to_english(client: Client, world) -> None:
    factories.resident(world.village_a, name="张三", sex="M")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    assert "概览" in client.get("/registry/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/registry/"})
    assert response.status_code == 302
    assert response["Location"] == "/registry/"

    dashboard = client.get("/registry/").content.decode()
    assert '<html lang="en">' in dashboard
    assert "Overview" in dashboard
    assert "Older residents on register" in dashboard
    assert "概览" not in dashboard
    assert "Log out" in dashboard

    residents = client.get("/registry/residents/").content.decode()
    assert header_cells(residents) == [
        "Name",
        "Sex",
        "Age",
        "Citizen ID number",
        "Village (community)",
        "Category",
        "Status",
    ]
    assert "Register of older residents" in residents
    assert "<td>Male</td>" in residents
    assert "On register" in residents
    assert "老年人名册" not in residents

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/registry/"})
    assert "概览" in client.get("/registry/").content.decode()


def test_accept_language_header_alone_gives_english(client: Client, world) -> None:
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in login
    assert "登录" not in login

    client.force_login(world.user(Role.COUNTY_ADMIN))
    dashboard = client.get("/registry/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "Overview" in dashboard
    assert "概览" not in dashboard
    residents = client.get("/registry/residents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Citizen ID number" in header_cells(residents)


# --- the committed catalogue -------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def read_po(path: Path) -> list[Entry]:
    """msgctxt/msgid/msgid_plural/msgstr[n] with continuation lines; obsolete (#~) ones skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("", 0)
    pending_flags: set[str] = set()

    def append(text: str) -> None:
        assert entry is not None
        value = ast.literal_eval(text)
        kind, index = target
        if kind == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        elif kind == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            setattr(entry, kind, (getattr(entry, kind) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            append(line)
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(line=number, flags=pending_flags)
            entries.append(entry)
            pending_flags = set()
        assert entry is not None, f"{path}:{number}: {raw}"
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        target = ("msgstr", int(match.group(1))) if match else (keyword, 0)
        assert target[0] in ("msgctxt", "msgid", "msgid_plural", "msgstr"), f"{path}:{number}"
        append(rest)
    return entries


def catalogue() -> list[Entry]:
    return [entry for entry in read_po(PO_FILE) if entry.msgid]


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_catalogue_header_declares_english_utf8() -> None:
    header = next(entry for entry in read_po(PO_FILE) if entry.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def translation_problems(entry: Entry) -> list[str]:
    problems = []
    if "fuzzy" in entry.flags:
        problems.append("fuzzy")
    if not entry.msgstr or not all(entry.msgstr.values()):
        problems.append("empty msgstr")
    elif entry.msgid not in KEPT_IN_CHINESE and any(HAN.search(s) for s in entry.msgstr.values()):
        problems.append("msgstr still contains Chinese")
    return problems


def test_every_msgid_has_an_english_translation() -> None:
    entries = catalogue()
    assert len(entries) > 200
    problems = [
        f"django.po:{entry.line} {entry.msgid!r}: {problem}"
        for entry in entries
        for problem in translation_problems(entry)
    ]
    assert not problems, "\n".join(problems)


def test_placeholders_are_preserved() -> None:
    problems = [
        f"django.po:{entry.line} {entry.msgid!r} → {text!r}"
        for entry in catalogue()
        for text in entry.msgstr.values()
        if placeholders(text) != placeholders(entry.msgid_plural or entry.msgid)
        and placeholders(text) != placeholders(entry.msgid)
    ]
    assert not problems, "\n".join(problems)
    assert any(placeholders(entry.msgid) for entry in catalogue()), "reader found no placeholder"


def test_compiled_catalogue_matches_the_po_file() -> None:
    """A .po edited without `compilemessages` leaves a stale .mo: the site would not show it."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue():
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # reported by test_every_msgid_has_an_english_translation
        if entry.msgid_plural is not None:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        elif entry.context is not None:
            got = compiled.pgettext(entry.context, entry.msgid)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert not stale, f"run compilemessages; django.mo is stale for: {stale}"


def test_django_uses_the_committed_catalogue() -> None:
    with translation.override("en"):
        assert translation.gettext("老年人名册") == "Register of older residents"
        assert translation.gettext("第 %(page)s 页") % {"page": 3} == "Page 3"
    with translation.override("zh-hans"):
        assert translation.gettext("老年人名册") == "老年人名册"


# The names `makemessages` (xgettext) collects; a translation function imported under any other
# name is never extracted, and its strings stay Chinese in English pages.
EXTRACTED_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def test_translation_functions_are_imported_under_names_makemessages_collects() -> None:
    source_root = LOCALE_DIR.parent
    wrong = []
    for path in sorted(source_root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if "gettext" in alias.name and (alias.asname or alias.name) not in (
                        EXTRACTED_NAMES
                    ):
                        wrong.append(f"{path.relative_to(source_root)}: {alias.asname}")
    assert not wrong
