"""`eldercare assess FILE.json`: output, flags, errors; once through the real console script.

No database fixture: the command must work without one (pytest-django refuses any query).
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from eldercare.assessment.scoring import GBT42195, MZT039
from tests.assessment import builders

ELDERCARE = Path(sys.executable).parent / "eldercare"


def write(tmp_path: Path, data: object, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("assess", *args, stdout=out)
    return out.getvalue()


def mzt039_file(tmp_path: Path, **conditions: object) -> Path:
    data = {
        "standard": MZT039,
        "answers": builders.mzt039(adl=85, social=3),
        "conditions": {"dementia": True, "events_30d": {"fall": 1, "choking": 1}} | conditions,
    }
    return write(tmp_path, data)


def test_human_output_in_chinese(tmp_path: Path) -> None:
    out = run(str(mzt039_file(tmp_path)))
    assert "  日常生活活动：85分，分级1（轻度受损）" in out
    assert "初步等级：1 轻度失能" in out
    assert "提高一级：1 轻度失能 → 2 中度失能" in out
    assert "提高一级：2 中度失能 → 3 重度失能" in out
    assert out.rstrip().endswith("最终等级：3 重度失能")


def test_json_output(tmp_path: Path) -> None:
    data = json.loads(run(str(mzt039_file(tmp_path)), "--json"))
    assert data["standard"] == MZT039
    assert (data["level"], data["level_name"], data["preliminary_level"]) == (3, "重度失能", 1)
    assert data["total_score"] == 85
    assert data["indicators"]["adl"] == {
        "name": "日常生活活动",
        "score": 85,
        "grade": 1,
        "grade_name": "轻度受损",
    }
    assert [(c["code"], c["level_before"], c["level_after"]) for c in data["clauses"]] == [
        ("diagnosis", 1, 2),
        ("events_30d", 2, 3),
    ]
    assert all(c["rule"] and c["effect"] for c in data["clauses"])


def test_the_settings_are_flags(tmp_path: Path) -> None:
    path = str(mzt039_file(tmp_path))
    once = json.loads(run(path, "--json", "--clause-stacking", "once"))
    assert once["level"] == 2
    assert once["settings"]["clause_stacking"] == "once"
    by_kind = json.loads(run(path, "--json", "--event-counting", "any-kind"))
    assert by_kind["level"] == 2
    assert [c["code"] for c in by_kind["clauses"]] == ["diagnosis"]


def test_the_standard_flag_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"standard": MZT039, "answers": builders.gbt42195(45)})
    data = json.loads(run(str(path), "--json", "--standard", GBT42195))
    assert (data["standard"], data["total_score"], data["level"]) == (GBT42195, 45, 3)
    assert "grade" not in data["indicators"]["selfcare"]


def error_message(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 1
    return str(raised.value)


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        ({"adl.feeding": 10}, "adl.bathing：缺少“洗澡”的评分"),
        (builders.mzt039() | {"adl.feeding": 7}, "adl.feeding：“进食”的评分 7 不是允许的分值"),
        (builders.mzt039() | {"adl.eating": 10}, "adl.eating：本评估标准没有这个项目"),
    ],
)
def test_an_invalid_answer_names_the_item(tmp_path: Path, answers: dict, named: str) -> None:
    path = write(tmp_path, {"standard": MZT039, "answers": answers})
    assert named in error_message(str(path))


def test_other_invalid_files(tmp_path: Path) -> None:
    unknown = write(tmp_path, {"standard": "mzt039-2020", "answers": {}}, "unknown.json")
    assert "standard：未知的评估标准 'mzt039-2020'" in error_message(str(unknown))
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"standard": "mzt039-2013",', encoding="utf-8")
    assert "不是有效的 JSON（第 1 行" in error_message(str(bad_json))
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"standard": "é"}'.encode("latin-1"))
    assert "不是 UTF-8 编码的文本" in error_message(str(latin))
    assert "无法读取" in error_message(str(tmp_path / "missing.json"))


def console(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"ELDERCARE_TESTING": "1", "DJANGO_SETTINGS_MODULE": "eldercare.settings"}
    return subprocess.run(
        [str(ELDERCARE), "assess", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_console_script(tmp_path: Path) -> None:
    good = write(tmp_path, {"standard": GBT42195, "answers": builders.gbt42195(70)})
    done = console(str(good), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["standard"], data["level"], data["level_name"]) == (GBT42195, 1, "轻度失能")
    assert (data["preliminary_level"], data["total_score"], data["clauses"]) == (1, 70, [])
    assert set(data["indicators"]) == {"selfcare", "motor", "mental", "perception"}

    answers = builders.gbt42195(70)
    del answers["motor.stairs"]
    bad = write(tmp_path, {"standard": GBT42195, "answers": answers}, "bad.json")
    failed = console(str(bad), "--json")
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert "motor.stairs" in failed.stderr
    assert "上下楼梯" in failed.stderr
