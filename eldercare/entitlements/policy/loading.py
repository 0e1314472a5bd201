"""Loading rule files and finding the policy that governs a region."""

from collections.abc import Mapping
from pathlib import Path

from eldercare.entitlements.policy.model import Policy
from eldercare.entitlements.policy.parsing import parse_policy
from eldercare.entitlements.policy.problems import PolicyError, Problem
from eldercare.regions.codes import ancestor_codes

# The rule files shipped with the product: one per seed locality.
SHIPPED_POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"


def load_policy(path_or_text: Path | str, *, source_name: str | None = None) -> Policy:
    """A Path is read as a UTF-8 file; a str is the YAML text itself.

    `source_name` is the file name the problems report (default: the path, or `<text>`).
    Raises PolicyError listing every problem.
    """
    if isinstance(path_or_text, Path):
        source = source_name or str(path_or_text)
        try:
            text = path_or_text.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PolicyError([Problem(source, 1, 1, "", f"无法读取规则文件：{error}")]) from error
        return parse_policy(text, source)
    return parse_policy(path_or_text, source_name or "<text>")


def load_policies_dir(path: Path) -> dict[str, Policy]:
    """Every `*.yaml` / `*.yml` file of a directory, keyed by region code.

    All files are checked; one PolicyError lists the problems of all of them, including two files
    for the same region.
    """
    policies: dict[str, Policy] = {}
    problems: list[Problem] = []
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    for file in files:
        try:
            policy = load_policy(file, source_name=file.name)
        except PolicyError as error:
            problems.extend(error.problems)
            continue
        if policy.region in policies:
            problems.append(
                Problem(
                    file.name,
                    *policy.region_at,
                    "region",
                    f"区划 {policy.region} 已由 {policies[policy.region].source} 定义，"
                    "每个区划只能有一个规则文件",
                )
            )
            continue
        policies[policy.region] = policy
    if problems:
        raise PolicyError(problems)
    return policies


def policy_for_region(policies: Mapping[str, Policy], region_code: str) -> Policy | None:
    """The policy of the region itself or its nearest ancestor (a county's own overrides its city's)."""
    for code in reversed(ancestor_codes(region_code)):
        policy = policies.get(code)
        if policy is not None:
            return policy
    return None
