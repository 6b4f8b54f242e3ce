"""Loading warehouse files: every problem found, with its code, line and exact message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wh_fixtures import EXAMPLE, GUANGZHOU, HANGZHOU, YIWU

from addrcheck import ConfigError
from addrcheck.warehouses import load_config, load_config_text, normalize_phone


def problems(text: str, fmt: str = "toml") -> list[tuple[str, int | None, str]]:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, fmt, source="w.toml")
    assert caught.value.code == "CONFIG_INVALID"
    return [(p.code, p.line, p.message) for p in caught.value.problems]  # type: ignore[attr-defined]


def test_example_file_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert list(config.warehouses) == ["yiwu", "hangzhou", "guangzhou"]
    assert [r.id for r in config.rules] == [
        "gift-boxes",
        "tmall-flagship",
        "electronics",
        "yiwu-stock",
        "guangzhou-lines",
        "clothing",
    ]
    assert config.default is not None and config.default.warehouse_ids == ("yiwu",)
    yiwu = config.warehouses["yiwu"]
    assert (yiwu.phone, yiwu.phone_e164, yiwu.district_code, yiwu.line) == (
        "0579-85551234",
        "+8657985551234",
        "330782",
        7,
    )
    assert yiwu.normalized_address == "浙江省金华市义乌市稠城街道工人北路100号"
    assert [w.district_code for w in config.warehouses.values()] == ["330782", "330106", "440106"]
    assert re.fullmatch(r"[0-9a-f]{64}", config.config_hash)


RULE_HEAD = '[[rules]]\nid = "{id}"\nwarehouse = "{to}"\npriority = {priority}\n'


def rule(id: str, to: str = "yiwu", priority: int = 0, **conditions: str) -> str:
    return RULE_HEAD.format(id=id, to=to, priority=priority) + "".join(
        f"{key} = {value}\n" for key, value in conditions.items()
    )


# (name, file text, expected problems as (code, line, message)); rules after YIWU + HANGZHOU start on line 13.
CASES: list[tuple[str, str, list[tuple[str, int | None, str]]]] = [
    (
        "bad phone",
        YIWU.replace("0579-85551234", "12345"),
        [
            (
                "INVALID_PHONE",
                5,
                'warehouse "yiwu": phone "12345" is not a valid phone number; '
                "give a mainland mobile or a landline with its area code",
            )
        ],
    ),
    (
        "foreign phone",
        YIWU.replace("0579-85551234", "+1 650 253 0000"),
        [
            (
                "INVALID_PHONE",
                5,
                'warehouse "yiwu": phone "+1 650 253 0000" is not a mainland China number; '
                "give a mainland mobile or a landline with its area code",
            )
        ],
    ),
    (
        "service number",
        YIWU.replace("0579-85551234", "400-820-8820"),
        [
            (
                "INVALID_PHONE",
                5,
                'warehouse "yiwu": phone "400-820-8820" is neither a mobile nor a landline number; '
                "give a mainland mobile or a landline with its area code",
            )
        ],
    ),
    (
        "unreadable phone",
        YIWU.replace("0579-85551234", "call me"),
        [
            (
                "INVALID_PHONE",
                5,
                'warehouse "yiwu": phone "call me" cannot be read as a phone number; '
                "give a mainland mobile or a landline with its area code",
            )
        ],
    ),
    (
        "phone as a number",
        YIWU.replace('"0579-85551234"', "13957112345"),
        [("WRONG_TYPE", 5, 'warehouse "yiwu": "phone" must be a string (quote it), not an integer')],
    ),
    (
        "duplicate id",
        YIWU + YIWU.replace("义乌主仓", "义乌二仓"),
        [("DUPLICATE_WAREHOUSE_ID", 8, 'warehouse id "yiwu" is already used by the warehouse on line 1')],
    ),
    (
        "bad id",
        YIWU.replace('id = "yiwu"', 'id = "义乌"'),
        [
            (
                "INVALID_ID",
                2,
                'warehouse "义乌": an id is 1 to 64 letters, digits, "_", "-" or ".", '
                "starting with a letter or digit",
            )
        ],
    ),
    (
        "unknown and missing keys",
        YIWU.replace('contact = "王建国"', 'contakt = "王建国"'),
        [
            ("MISSING_KEY", 1, 'warehouse "yiwu" has no "contact"'),
            (
                "UNKNOWN_KEY",
                4,
                'unknown key "contakt" in warehouse "yiwu"; '
                "expected one of: id, name, contact, phone, address",
            ),
        ],
    ),
    (
        "empty name",
        YIWU.replace('"义乌主仓"', '"  "'),
        [("EMPTY_VALUE", 3, 'warehouse "yiwu": "name" is empty')],
    ),
    (
        "no warehouses",
        '[routing]\ndefault = "yiwu"\n',
        [
            ("NO_WAREHOUSES", 1, "the file defines no warehouses ([[warehouses]] tables)"),
            ("UNKNOWN_WAREHOUSE", 2, '[routing] default points at warehouse "yiwu", which is not defined'),
        ],
    ),
    (
        "rule to an unknown warehouse",
        YIWU + HANGZHOU + rule("r1", to="nanjing", sku_prefix='"A-"'),
        [("UNKNOWN_WAREHOUSE", 15, 'rule "r1" points at warehouse "nanjing", which is not defined')],
    ),
    (
        "one of several warehouses unknown",
        YIWU + HANGZHOU + '[[rules]]\nwarehouses = ["hz", "sh"]\nsku_prefix = "A-"\n',
        [("UNKNOWN_WAREHOUSE", 14, 'rule "rule-1" points at warehouse "sh", which is not defined')],
    ),
    (
        "equal priority, overlapping SKU patterns",
        YIWU
        + HANGZHOU
        + rule("a", priority=5, sku_prefix='"A-"')
        + rule("b", to="hz", priority=5, sku_glob='"*-1"'),
        [
            (
                "OVERLAPPING_RULES",
                18,
                'rules "a" (line 13) and "b" (line 18) have the same priority 5 and both match '
                'SKU "A-1"; give one a higher priority',
            )
        ],
    ),
    (
        "equal priority, category rule and SKU rule",
        YIWU
        + HANGZHOU
        + rule("tv", sku_prefix='"TV-"')
        + rule("appliances", to="hz", category='["家电", "数码"]'),
        [
            (
                "OVERLAPPING_RULES",
                18,
                'rules "tv" (line 13) and "appliances" (line 18) have the same priority 0 and '
                'both match SKU "TV-" in category "家电"; give one a higher priority',
            )
        ],
    ),
    (
        "contradictory conditions",
        YIWU + HANGZHOU + rule("never", sku='"A-1"', sku_prefix='"B-"'),
        [
            (
                "RULE_NEVER_MATCHES",
                13,
                'rule "never" can never match: no SKU satisfies all of its SKU conditions together',
            )
        ],
    ),
    (
        "hidden behind a higher rule",
        YIWU + HANGZHOU + rule("all-a", priority=10, sku_prefix='"A-"') + rule("a7", to="hz", sku='"A-7"'),
        [
            (
                "RULE_NEVER_MATCHES",
                18,
                'rule "a7" can never match: every item it matches is taken first by '
                'rule "all-a" (line 13, priority 10: sku_prefix "A-")',
            )
        ],
    ),
    (
        "empty condition list",
        YIWU + HANGZHOU + rule("none", sku="[]"),
        [("RULE_NEVER_MATCHES", 17, 'rule "none" can never match: "sku" is an empty list')],
    ),
    (
        "broken glob",
        YIWU + HANGZHOU + rule("g", sku_glob='"A[12"'),
        [
            (
                "INVALID_PATTERN",
                17,
                'rule "g": sku_glob "A[12" is not a valid pattern: "[" at position 2 is never closed',
            )
        ],
    ),
    (
        "rule without condition",
        YIWU + HANGZHOU + rule("all"),
        [
            (
                "RULE_WITHOUT_CONDITION",
                13,
                'rule "all" has no condition (sku, sku_prefix, sku_glob, category or shop); '
                "use [routing] default for a catch-all",
            )
        ],
    ),
    (
        "priority not an integer",
        YIWU + '[[rules]]\nid = "p"\nwarehouse = "yiwu"\npriority = "high"\nshop = "tmall"\n',
        [("WRONG_TYPE", 10, 'rule "p": "priority" must be an integer, not str')],
    ),
    (
        "reserved and duplicate rule ids",
        YIWU + rule("default", shop='"a"') + rule("x", shop='"b"') + rule("x", shop='"c"'),
        [
            ("RESERVED_ID", 8, 'rule id "default" is reserved for [routing] default'),
            ("DUPLICATE_RULE_ID", 17, 'rule id "x" is already used by the rule on line 12'),
        ],
    ),
    (
        "warehouse and warehouses together",
        YIWU + '[[rules]]\nwarehouse = "yiwu"\nwarehouses = ["yiwu"]\nshop = "a"\n',
        [("CONFLICTING_KEYS", 7, 'rule "rule-1": give "warehouse" or "warehouses", not both')],
    ),
    (
        "unknown top-level key",
        "version = 2\n" + YIWU,
        [
            (
                "UNKNOWN_KEY",
                1,
                'unknown key "version" in the top level; expected one of: warehouses, rules, routing',
            )
        ],
    ),
    (
        "not TOML",
        YIWU + "phone = 1\n",
        [("PARSE_ERROR", 7, "not valid TOML: Cannot overwrite a value (at line 7, column 10)")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_config_problems(text: str, expected: list[tuple[str, int | None, str]]) -> None:
    assert problems(text) == expected


@pytest.mark.parametrize(
    ("address", "status", "codes"),
    [
        ("浙江省金华市", "vague", ["MISSING_DISTRICT", "MISSING_TOWN", "MISSING_STREET"]),
        ("浙江省金华市义乌市工人北路100号", "vague", ["MISSING_TOWN"]),
        ("杭州市婺城区城东街道八一北街1号", "inconsistent", None),
    ],
)
def test_address_must_pass_strict_policy(address: str, status: str, codes: list[str] | None) -> None:
    [(code, line, message)] = problems(YIWU.replace("浙江省金华市义乌市稠城街道工人北路100号", address))
    assert (code, line) == ("INVALID_ADDRESS", 6)
    assert message.startswith(f'warehouse "yiwu": address "{address}" is {status} under the strict policy: ')
    if codes is not None:
        assert re.findall(r"([A-Z_]{4,}) \(", message) == codes


def test_every_problem_is_listed_in_line_order() -> None:
    text = (
        YIWU.replace("0579-85551234", "12345")
        + YIWU.replace("浙江省金华市义乌市稠城街道工人北路100号", "浙江省金华市")
        + rule("r", to="nowhere", sku='"A"')
    )
    found = problems(text)
    assert [(code, line) for code, line, _ in found] == [
        ("INVALID_PHONE", 5),
        ("DUPLICATE_WAREHOUSE_ID", 8),
        ("INVALID_ADDRESS", 12),
        ("UNKNOWN_WAREHOUSE", 15),
    ]
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "toml", source="w.toml")
    assert str(caught.value).splitlines()[:2] == [
        "w.toml: 4 problems in the warehouse file",
        'w.toml:5: INVALID_PHONE: warehouse "yiwu": phone "12345" is not a valid phone number; '
        "give a mainland mobile or a landline with its area code",
    ]


def test_rules_that_do_not_overlap_are_accepted() -> None:
    text = (
        YIWU
        + HANGZHOU
        + rule("tv", sku_prefix='"TV-"', category='"家电"')
        + rule("toys", to="hz", category='"玩具"')  # same priority, disjoint categories
        + rule("a", priority=1, sku_glob='"A-[0-4]*"', shop='"tmall"')
        + rule(
            "b", to="hz", priority=1, sku_glob='"A-[5-9]*"', shop='"tmall"'
        )  # same priority, disjoint SKUs
    )
    config = load_config_text(text, "toml")
    assert [r.id for r in config.rules] == ["tv", "toys", "a", "b"]


YAML_EXAMPLE = """\
# the example file, in YAML: same content, same hash
warehouses:
  - {id: yiwu, name: 义乌主仓, contact: 王建国, phone: "0579-85551234",
     address: 浙江省金华市义乌市稠城街道工人北路100号}
  - id: hangzhou
    name: 杭州旗舰仓
    contact: 李敏
    phone: "13957112345"
    address: 浙江省杭州市西湖区西溪街道文三路90号
  - id: guangzhou
    name: 广州华南仓
    contact: 陈志强
    phone: "020-38881234"
    address: 广东省广州市天河区天河南街道体育东路108号
rules:
  - {id: gift-boxes, warehouse: hangzhou, priority: 100, sku: [GIFT-BOX-01, GIFT-BOX-02]}
  - {id: tmall-flagship, warehouse: hangzhou, priority: 30, shop: [tmall-hz-flagship]}
  - {id: electronics, warehouse: guangzhou, priority: 20, category: [家电, 数码]}
  - {id: yiwu-stock, warehouse: yiwu, priority: 10, sku_prefix: YW-}
  - {id: guangzhou-lines, warehouse: guangzhou, priority: 10, sku_glob: "GZ-*-[0-9][0-9]"}
  - {id: clothing, warehouses: [yiwu, guangzhou], priority: 10, sku_prefix: CLOTH-}
routing:
  default: yiwu
"""


def test_yaml_and_toml_of_the_same_content_have_the_same_hash() -> None:
    toml_config = load_config(EXAMPLE)
    yaml_config = load_config_text(YAML_EXAMPLE, "yaml")
    assert yaml_config.config_hash == toml_config.config_hash
    assert yaml_config.rules[0].line == 16


def test_hash_ignores_comments_and_follows_content() -> None:
    base = YIWU + rule("r", sku_prefix='"A-"')
    same = "# a comment\n\n" + base.replace('sku_prefix = "A-"', 'sku_prefix = ["A-"]  # a list of one')
    other_phone = base.replace("0579-85551234", "057985551234")  # the same number, written differently
    other_priority = base.replace("priority = 0", "priority = 1")
    hashes = [
        load_config_text(text, "toml").config_hash for text in (base, same, other_phone, other_priority)
    ]
    assert hashes[0] == hashes[1] == hashes[2]
    assert hashes[3] != hashes[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "warehouses:\n  - id: a\n    id: b\n",
            ("DUPLICATE_KEY", 3, 'key "id" appears twice in warehouses[0]'),
        ),
        (
            "warehouses:\n  - id: yiwu\n   name: x\n",
            ("PARSE_ERROR", 3, None),
        ),
        (
            "- just\n- a list\n",
            ("WRONG_TYPE", 1, "the file must hold a table of warehouses and rules"),
        ),
        (
            "warehouses:\n  - id: yiwu\n    name: 义乌主仓\n    contact: 王建国\n    phone: 13957112345\n"
            "    address: 浙江省金华市义乌市稠城街道工人北路100号\n",
            ("WRONG_TYPE", 5, 'warehouse "yiwu": "phone" must be a string (quote it), not an integer'),
        ),
    ],
)
def test_yaml_problems(text: str, expected: tuple[str, int | None, str | None]) -> None:
    found = problems(text, "yaml")
    code, line, message = expected
    [match] = [problem for problem in found if problem[0] == code]
    assert match[1] == line
    if message is not None:
        assert match[2] == message


def test_files_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "w.yml").write_text(YAML_EXAMPLE, encoding="utf-8")
    assert load_config(tmp_path / "w.yml").config_hash == load_config(EXAMPLE).config_hash
    for name, code, message in [
        ("w.ini", "UNKNOWN_FORMAT", 'cannot tell the format from ".ini"; use .toml, .yaml or .yml'),
        ("missing.toml", "READ_ERROR", "cannot read the file: No such file or directory"),
    ]:
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path / name)
        [problem] = caught.value.problems
        assert (problem.code, problem.message) == (code, message)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("raw", "display", "e164"),
    [
        ("13957112345", "13957112345", "+8613957112345"),
        ("+86 139 5711 2345", "13957112345", "+8613957112345"),
        ("0579-85551234", "0579-85551234", "+8657985551234"),
        ("(020) 3888 1234", "020-38881234", "+862038881234"),
        ("010-65529988", "010-65529988", "+861065529988"),
        ("0579-85551234 ext. 801", "0579-85551234转801", "+8657985551234"),
    ],
)
def test_normalize_phone(raw: str, display: str, e164: str) -> None:
    assert normalize_phone(raw) == (display, e164)


def test_guangzhou_warehouse_block_is_valid() -> None:
    config = load_config_text(GUANGZHOU, "toml")
    assert config.warehouses["gz"].phone == "020-38881234"
    assert config.default is None and config.rules == ()
