"""The console's sessions, CSRF, tenant isolation and plain-form pages, without a browser."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from addrcheck.models import ReasonCode
from api.console.session import SESSION_COOKIE, SessionError, SessionSigner

from .conftest import EXAMPLE_WAREHOUSES, login_token, sign_in

CONSOLE_DIR = Path(__file__).resolve().parents[2] / "api" / "console"


def test_sign_in_sets_a_strict_http_only_cookie_and_never_puts_the_key_in_a_url(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.post(
        "/console/login",
        data={"key": keys["acme"], "login_token": login_token(client), "next": "/console/orders"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/orders"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    assert keys["acme"] not in cookie
    assert keys["acme"] not in response.headers["location"]


def test_the_cookie_is_secure_over_https(app: FastAPI, keys: dict[str, str]) -> None:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = client.post(
            "/console/login", data={"key": keys["acme"], "login_token": login_token(client)}
        )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


@pytest.mark.parametrize(
    ("key_name", "with_token", "location"),
    [
        ("acme", False, "/console/login?next=%2Fconsole%2Fcheck"),  # login CSRF: no form token
        ("revoked", True, "/console/login?next=%2Fconsole%2Fcheck&error=key"),
        ("unknown", True, "/console/login?next=%2Fconsole%2Fcheck&error=key"),
        ("empty", True, "/console/login?next=%2Fconsole%2Fcheck&error=key"),
    ],
)
def test_sign_in_refused(
    client: TestClient, keys: dict[str, str], key_name: str, with_token: bool, location: str
) -> None:
    key = (
        {"unknown": "ak_" + "x" * 43, "empty": ""}[key_name]
        if key_name in ("unknown", "empty")
        else keys[key_name]
    )
    token = login_token(client) if with_token else ""
    response = client.post("/console/login", data={"key": key, "login_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        ("/console/warehouses", "/console/warehouses"),
        ("//evil.example/console", "/console/check"),
        ("https://evil.example/", "/console/check"),
        ("/v1/warehouses", "/console/check"),
    ],
)
def test_next_stays_inside_the_console(
    client: TestClient, keys: dict[str, str], next_path: str, location: str
) -> None:
    response = client.post(
        "/console/login", data={"key": keys["acme"], "login_token": login_token(client), "next": next_path}
    )
    assert response.headers["location"] == location


@pytest.mark.parametrize(
    "path", ["/console/check", "/console/audits", "/console/warehouses", "/console/orders"]
)
def test_pages_need_a_session(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=" + path.replace("/", "%2F")


def test_v1_accepts_the_session_and_writes_need_its_csrf_token(
    client: TestClient, keys: dict[str, str]
) -> None:
    csrf = sign_in(client, keys["acme"])
    assert client.get("/v1/divisions").status_code == 200
    body = {"format": "toml", "content": EXAMPLE_WAREHOUSES}
    refused = client.put("/v1/warehouses", json=body)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "CSRF_FAILED")
    wrong = client.put("/v1/warehouses", json=body, headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 403
    saved = client.put("/v1/warehouses", json=body, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200
    assert saved.json()["merchant_id"] == "acme"


def _session_cookie(client: TestClient, value: str) -> None:
    client.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        ("tampered", "SESSION_INVALID"),
        ("expired", "SESSION_EXPIRED"),
        ("other_secret", "SESSION_INVALID"),
        ("garbage", "SESSION_INVALID"),
    ],
)
def test_bad_cookies_are_refused_with_their_code(
    app: FastAPI, client: TestClient, keys: dict[str, str], make: str, code: str
) -> None:
    signer: SessionSigner = app.state.console_signer
    good, _ = signer.issue("acme", 1)
    value = {
        "tampered": good.replace(good.split(".")[0], signer.issue("globex", 2)[0].split(".")[0]),
        "expired": signer.issue("acme", 1, now=time.time() - signer.lifetime_seconds - 1)[0],
        "other_secret": SessionSigner("another", 3600).issue("acme", 1)[0],
        "garbage": "not-a-cookie",
    }[make]
    client.cookies.set(SESSION_COOKIE, value)
    response = client.get("/v1/divisions")
    assert (response.status_code, response.json()["error"]["code"]) == (401, code)
    page = client.get("/console/orders")
    assert page.status_code == 303
    assert "error=" in page.headers["location"]


def test_a_revoked_key_ends_its_sessions(app: FastAPI, client: TestClient, keys: dict[str, str]) -> None:
    from addrcheck.storage.api_keys import revoke_api_key
    from addrcheck.storage.engine import session_scope

    sign_in(client, keys["globex"])
    assert client.get("/v1/divisions").status_code == 200
    with session_scope(app.state.engine, write=True) as session:
        revoke_api_key(session, 2)  # globex's key (the second created)
    response = client.get("/v1/divisions")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "SESSION_INVALID")


def test_signer_rejects_expired_and_reads_its_own() -> None:
    signer = SessionSigner("s", 60)
    value, session = signer.issue("acme", 7, now=1000)
    assert signer.read(value, now=1059) == session
    with pytest.raises(SessionError):
        signer.read(value, now=1060)
    assert signer.csrf_ok(session, signer.csrf_token(session))
    assert not signer.csrf_ok(session, None)


def test_sign_out_clears_the_cookie_and_needs_the_token(client: TestClient, keys: dict[str, str]) -> None:
    csrf = sign_in(client, keys["acme"])
    assert (
        client.post("/console/logout", data={"csrf_token": "wrong"}).headers["location"] == "/console/check"
    )
    assert client.get("/console/check").status_code == 200
    response = client.post("/console/logout", data={"csrf_token": csrf})
    assert response.headers["location"] == "/console/login?error=out"
    assert client.get("/console/check").status_code == 303


def test_relogin_from_a_script_returns_a_new_csrf_token(client: TestClient, keys: dict[str, str]) -> None:
    refused = client.post("/console/login", data={"key": "nope"}, headers={"X-Console-Relogin": "1"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "AUTH_INVALID")
    response = client.post("/console/login", data={"key": keys["acme"]}, headers={"X-Console-Relogin": "1"})
    assert response.status_code == 200
    assert response.json()["merchant_id"] == "acme"
    assert (
        client.put(
            "/v1/warehouses",
            json={"format": "toml", "content": EXAMPLE_WAREHOUSES},
            headers={"X-CSRF-Token": response.json()["csrf_token"]},
        ).status_code
        == 200
    )


def _record_order(client: TestClient, csrf: str, order_id: str) -> None:
    headers = {"X-CSRF-Token": csrf}
    assert (
        client.put("/v1/warehouses", json={"content": EXAMPLE_WAREHOUSES}, headers=headers).status_code == 200
    )
    order = {"order_id": order_id, "shop": "tmall-main", "items": [{"sku": "GIFT-BOX-01", "qty": 1}]}
    assert client.post("/v1/orders/return-address", json=order, headers=headers).status_code == 201


def test_one_merchant_never_sees_another_s_data_through_the_console(
    app: FastAPI, keys: dict[str, str]
) -> None:
    with TestClient(app, follow_redirects=False) as acme, TestClient(app, follow_redirects=False) as globex:
        _record_order(acme, sign_in(acme, keys["acme"]), "A-1001")
        sign_in(globex, keys["globex"])
        assert "杭州旗舰仓" in acme.get("/console/orders?order_id=A-1001").text
        assert "A-1001" in acme.get("/console/orders/A-1001/print").text
        for path in ("/console/orders?order_id=A-1001", "/console/orders/A-1001/print"):
            response = globex.get(path)
            assert response.status_code == 404
            assert "杭州旗舰仓" not in response.text
        assert globex.get("/v1/orders/A-1001/return-address").status_code == 404
        warehouses = globex.get("/console/warehouses").text
        assert "杭州旗舰仓" not in warehouses
        assert "还没有保存退货仓配置" in warehouses


def test_route_test_records_nothing(client: TestClient, keys: dict[str, str]) -> None:
    csrf = sign_in(client, keys["acme"])
    headers = {"X-CSRF-Token": csrf}
    body = {"order_id": "T-1", "shop": "s", "items": [{"sku": "GIFT-BOX-01", "qty": 1}]}
    missing = client.post("/v1/warehouses/route-test", json=body, headers=headers)
    assert (missing.status_code, missing.json()["error"]["code"]) == (409, "NO_WAREHOUSE_CONFIG")
    client.put("/v1/warehouses", json={"content": EXAMPLE_WAREHOUSES}, headers=headers)
    plan = client.post("/v1/warehouses/route-test", json=body, headers=headers).json()
    assert (plan["recorded"], plan["items"][0]["warehouse_id"], plan["items"][0]["rule_id"]) == (
        False,
        "hangzhou",
        "gift-boxes",
    )
    assert client.get("/v1/orders/T-1/return-address").status_code == 404


def test_plain_form_check(client: TestClient, keys: dict[str, str]) -> None:
    csrf = sign_in(client, keys["acme"])
    empty = client.post("/console/check", data={"addresses": " \n ", "csrf_token": csrf})
    assert empty.status_code == 422
    assert "请先粘贴至少一个地址" in empty.text
    text = "浙江省金华市义乌市稠城街道工人北路100号\n朝阳区建国路88号"
    response = client.post("/console/check", data={"addresses": text, "csrf_token": csrf})
    assert response.status_code == 200
    assert re.findall(r'<tr class="status-(\w+)">', response.text) == ["ok", "ambiguous"]
    assert text in response.text  # the paste stays in the textarea


def test_plain_form_warehouses_show_problems_at_their_line_and_keep_the_old_config(
    client: TestClient, keys: dict[str, str]
) -> None:
    csrf = sign_in(client, keys["acme"])
    saved = client.post("/console/warehouses", data={"content": EXAMPLE_WAREHOUSES, "csrf_token": csrf})
    assert saved.headers["location"] == "/console/warehouses?saved=1"
    broken = EXAMPLE_WAREHOUSES.replace(
        'warehouse = "hangzhou"\npriority = 100', 'warehouse = "nowhere"\npriority = 100'
    )
    line = broken.splitlines().index('warehouse = "nowhere"') + 1
    response = client.post("/console/warehouses", data={"content": broken, "csrf_token": csrf})
    assert response.status_code == 422
    assert f'<li data-line="{line}">' in response.text
    assert "nowhere" in response.text  # the edited file is kept in the editor
    active = client.get("/v1/warehouses").json()
    assert "nowhere" not in active["content"]


def test_docs_and_console_load_nothing_from_outside(client: TestClient, keys: dict[str, str]) -> None:
    docs = client.get("/docs").text
    assert re.findall(r'(?:src|href)="([^"]+)"', docs) == [
        "/docs-assets/swagger-ui.css",
        "/docs-assets/favicon.png",
        "/docs-assets/swagger-ui-bundle.js",
    ]
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "favicon.png"):
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    shipped = [p for p in CONSOLE_DIR.rglob("*") if p.suffix in (".html", ".css", ".js")]
    assert len(shipped) >= 10
    for path in shipped:
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text(encoding="utf-8")), path


def test_no_string_key_is_shadowed_by_a_dict_method_in_templates() -> None:
    # Jinja reads t.items as dict.items before t["items"]: such a key would print a method's repr.
    from api.console.strings import STRINGS

    assert [key for key in STRINGS if hasattr(dict, key)] == []


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_has_a_fix_in_both_languages(code: ReasonCode) -> None:
    from api.console.strings import STRINGS

    chinese, english = STRINGS[f"fix_{code.value}"]
    assert chinese and english


def test_package_data_ships_every_template_and_static_file() -> None:
    # An installed (non-editable) package has only what [tool.setuptools.package-data] lists.
    import fnmatch
    import tomllib

    globs = tomllib.loads((CONSOLE_DIR.parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["api"]
    files = [
        p for folder in ("templates", "static") for p in (CONSOLE_DIR / folder).rglob("*") if p.is_file()
    ]
    assert len(files) >= 10
    for path in files:
        relative = path.relative_to(CONSOLE_DIR.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in globs), relative


def test_the_order_page_shows_the_current_revision_and_the_earlier_ones(
    client: TestClient, keys: dict[str, str]
) -> None:
    csrf = sign_in(client, keys["acme"])
    _record_order(client, csrf, "R-1")
    headers = {"X-CSRF-Token": csrf}
    renamed = EXAMPLE_WAREHOUSES.replace("杭州旗舰仓", "杭州新仓")
    assert client.put("/v1/warehouses", json={"content": renamed}, headers=headers).status_code == 200
    order = {
        "order_id": "R-1",
        "shop": "tmall-main",
        "items": [{"sku": "GIFT-BOX-01", "qty": 1}],
        "recompute": True,
    }
    assert client.post("/v1/orders/return-address", json=order, headers=headers).status_code == 201
    page = client.get("/console/orders?order_id=R-1").text
    assert re.search(r"<dt>版本</dt><dd>2</dd>", page)
    assert "杭州新仓" in page
    history = re.findall(r"<li>版本 (\d+) · ", page)
    assert history == ["1"]
    proof = client.get("/console/orders/R-1/print").text
    assert "杭州新仓" in proof
    assert client.get("/v1/warehouses").json()["config_hash"] in proof
