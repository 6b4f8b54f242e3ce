"""The console end to end in real headless Chromium (Debian's), against a real ``addrcheck serve``.

Skipped, with the reason, when Playwright for Python or /usr/bin/chromium is missing (.ci/run installs
both). Screenshots of every page go to test-artifacts/screenshots/ (git-ignored; CI keeps them).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("ADDRCHECK_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE_WAREHOUSES = (ROOT / "data" / "warehouses.example.toml").read_text(encoding="utf-8")
VAGUE = "浙江省金华市工人北路100号"
AMBIGUOUS = "朝阳区建国路88号"
STREETS = ["工人北路{n}号", "文三路{n}号", "体育东路{n}号", "建国路{n}号"]
PREFIXES = [
    "浙江省金华市义乌市",
    "浙江省杭州市西湖区",
    "广东省广州市天河区",
    "北京市朝阳区",
    "朝阳区",
    "杭州市",
]


@dataclass
class Server:
    url: str
    key: str
    other_key: str


# Form controls a screen reader could not name: no <label for>, no wrapping label, no aria-label.
UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
    .filter(c => c.type !== "hidden" && !c.closest("dialog:not([open])"))
    .filter(c => c.labels.length === 0 && !c.getAttribute("aria-label"))
    .map(c => c.id || c.name || c.outerHTML)"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``addrcheck serve --demo`` on a free port with a fresh SQLite file, and a second merchant's key."""
    folder = tmp_path_factory.mktemp("console-e2e")
    env = {
        **os.environ,
        "ADDRCHECK_DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "ADDRCHECK_AUDIT_DATA_DIR": str(folder / "audits"),
        "ADDRCHECK_SETTINGS_FILE": str(folder / "none.toml"),
        "ADDRCHECK_AUDIT_POLL_SECONDS": "0.2",
        "ADDRCHECK_AUDIT_PROGRESS_SECONDS": "0.2",
    }
    cli = [sys.executable, "-m", "addrcheck.cli"]
    created = subprocess.run(
        [*cli, "keys", "create", "--merchant", "other"], env=env, cwd=folder, capture_output=True, text=True
    )
    assert created.returncode == 0, created.stderr
    port = _free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--demo", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        key = console = ""
        while not (key and console):
            line = process.stdout.readline()
            assert line, "addrcheck serve stopped before printing the demo key and the console URL"
            if line.startswith("demo API key (shown once): "):
                key = line.split(": ", 1)[1].strip()
            if line.startswith("web console: "):
                console = line.split(": ", 1)[1].split()[0]
        base = f"http://127.0.0.1:{port}"
        assert console == f"{base}/console/"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("the server did not become ready")
        yield Server(base, key, created.stdout.strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: sync_api.Browser, server: Server) -> Iterator[sync_api.Page]:
    """A fresh browser context at 1280 px; fails the test if anything is fetched from another host."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=server.url, accept_downloads=True
    )
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    # script errors and CSP violations show up as console errors; a refused request (401, 422) does too,
    # and the tests make those on purpose, so only the others count
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "the server responded" not in m.text else None
        ),
    )
    yield opened
    context.close()
    assert outside == []
    assert errors == []


def shot(page: sync_api.Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: sync_api.Page, key: str, path: str = "/console/check", screenshot: bool = False) -> None:
    """Sign in by keyboard only: the key field has the focus, Enter submits."""
    page.goto(path)
    sync_api.expect(page).to_have_url(re.compile(r"/console/login\?next="))
    if screenshot:
        shot(page, "login")
    sync_api.expect(page.locator("#key")).to_be_focused()
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    sync_api.expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def check(page: sync_api.Page, text: str) -> None:
    page.locator("#addresses").fill(text)
    page.locator("#check-button").click()


def test_sign_in_check_a_vague_and_an_ambiguous_address_and_fix_both_with_the_picker(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, screenshot=True)
    page.keyboard.press("Tab")  # the first stop is the skip link, which leads to the form
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#addresses")).to_be_focused()
    check(page, f"{VAGUE}\n\n{AMBIGUOUS}")
    first, second = (
        page.locator("article.result[data-index='0']"),
        page.locator("article.result[data-index='1']"),
    )
    expect(second.locator(".n")).to_have_text("第 3 行")  # the box's own line numbers, blank lines skipped
    expect(first).to_have_class(re.compile("status-vague"))
    expect(first.locator(".reasons li")).to_have_attribute("data-code", "MISSING_DISTRICT")
    expect(first.locator(".reasons li")).to_have_text(
        "缺少区县：请写明区、县或县级市。 怎么改：用“补全地区”选择区县。"
    )
    expect(first.locator(".seg.c-province")).to_have_text("浙江省")
    expect(second).to_have_class(re.compile("status-ambiguous"))
    # the vague one: province and city come prefilled, the clerk picks the county; the street is kept
    first.locator(".fix").click()
    expect(first.locator("select[data-depth='0']")).to_have_value("33")
    expect(first.locator("select[data-depth='1']")).to_have_value("3307")
    first.locator("select[data-depth='2']").select_option("330782")
    expect(first.locator("select[data-depth='3']")).to_be_visible()
    expect(first.locator(".street")).to_have_value("工人北路100号")
    shot(page, "check-picker")
    first.locator(".recheck").click()
    fixed = page.locator("article.result[data-index='0']")
    expect(fixed).to_have_class(re.compile("status-ok"))
    expect(fixed.locator(".fixed")).to_be_visible()
    expect(fixed.locator(".normalized output")).to_have_text("浙江省金华市义乌市工人北路100号")
    # the ambiguous one: the candidates come first; choosing one fills the picker down to the county
    second.locator(".fix").click()
    second.locator(".cand", has_text="北京市朝阳区").click()
    expect(second.locator("select[data-depth='2']")).to_have_value("110105")
    second.locator(".recheck").click()
    expect(page.locator("article.result[data-index='1']")).to_have_class(re.compile("status-ok"))
    shot(page, "check")
    # English switch, and back
    page.locator("#lang-switch").click()
    expect(page.locator("nav a[aria-current='page']")).to_have_text("Check and fix")
    check(page, VAGUE)
    expect(page.locator("article.result .reasons li")).to_have_text(
        "The district or county is missing: name the district, county or county-level city. "
        "How to fix: Pick the county with “Complete the region”."
    )
    shot(page, "check-en", full_page=False)
    page.locator("#lang-switch").click()
    expect(page.locator("nav a[aria-current='page']")).to_have_text("检查与修正")
    # sign out: the session is gone, the pages ask for the key again
    page.locator("#sign-out").click()
    expect(page.locator("main")).to_contain_text("已退出")
    page.goto("/console/check")
    expect(page).to_have_url(re.compile(r"/console/login\?next="))


def _addresses(count: int) -> list[str]:
    return [
        PREFIXES[n % len(PREFIXES)] + STREETS[n % len(STREETS)].format(n=n % 300 + 1) for n in range(count)
    ]


def test_1000_lines_come_back_and_bad_pastes_get_a_clear_message(page: sync_api.Page, server: Server) -> None:
    expect = sync_api.expect
    sign_in(page, server.key)
    page.locator("#check-button").click()
    expect(page.locator("#check-error")).to_have_text("请先粘贴至少一个地址。")
    page.locator("#addresses").fill("\n".join(_addresses(1000)))
    started = time.monotonic()
    page.locator("#check-button").click()
    expect(page.locator("article.result")).to_have_count(1000)
    # the summary is written once the results are laid out, a frame after the cards appear: wait for it
    expect(page.locator("#check-summary")).to_contain_text("1000 个地址")
    elapsed = time.monotonic() - started
    # in the page: from the submit handler to the results laid out (the request, validating 1,000
    # addresses, drawing 1,000 cards); the wall time adds Playwright's own polling
    in_page = int(page.locator("#check-summary").get_attribute("data-ms") or "0")
    api_ms = page.locator("#check-summary").get_attribute("data-api-ms")
    print(
        f"\n1000 lines: {in_page} ms from submit to results laid out ({api_ms} ms of it the API), {elapsed:.2f} s wall"
    )
    # no bound on the time here (the machine is shared: tests assert behaviour, not speed); the line above
    # prints the figure, which the README quotes from `-s -k 1000`
    assert in_page > 0
    shot(page, "check-1000", full_page=False)
    # 5 MB in a few lines: refused before sending, and the paste stays in the box
    big = ("浙江省杭州市西湖区文三路" * 1000 + "\n") * 150
    page.evaluate("text => { document.getElementById('addresses').value = text; }", big)
    page.locator("#check-button").click()
    expect(page.locator("#check-error")).to_contain_text("超过单次上限")
    assert page.evaluate("() => document.getElementById('addresses').value.length") == len(big)
    # more lines than a batch holds
    page.evaluate(
        "text => { document.getElementById('addresses').value = text; }", "\n".join(_addresses(1001))
    )
    page.locator("#check-button").click()
    expect(page.locator("#check-error")).to_contain_text("一次最多检查 1000 行，这里有 1001 行")


def test_an_expired_session_asks_for_the_key_again_and_loses_nothing(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key)
    page.locator("#addresses").fill(VAGUE)
    page.context.clear_cookies()  # what the browser holds once the session cookie has expired
    page.locator("#check-button").click()
    expect(page.locator("#relogin")).to_be_visible()
    page.locator("#relogin-key").fill("ak_wrong")
    page.locator("#relogin-submit").click()
    expect(page.locator("#relogin-error")).to_be_visible()
    page.locator("#relogin-key").fill(server.key)
    page.keyboard.press("Enter")
    expect(page.locator("article.result")).to_have_count(1)
    expect(page.locator("#addresses")).to_have_value(VAGUE)


def test_warehouse_file_with_an_error_shows_it_at_its_line_then_a_valid_one_is_saved(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, "/console/warehouses")
    expect(page.locator("#warehouse-table tbody tr")).to_have_count(3)
    lines = EXAMPLE_WAREHOUSES.splitlines()
    bad_line = lines.index('warehouse = "hangzhou"') + 1
    lines[bad_line - 1] = 'warehouse = "hangzhuo"'
    page.locator("#config-text").fill("\n".join(lines) + "\n")
    page.locator("#config-save").click()
    problem = page.locator(f"#config-problems li[data-line='{bad_line}']")
    expect(problem).to_contain_text("hangzhuo")
    expect(problem.locator(".goto")).to_have_text(f"第 {bad_line} 行")
    expect(page.locator(f"#config-gutter span:nth-child({bad_line})")).to_have_class("bad")
    # the editor scrolled to the first problem's line: it is inside the visible part of the gutter
    offset, visible = page.evaluate(
        """line => {
            const gutter = document.getElementById("config-gutter");
            const mark = gutter.children[line - 1].getBoundingClientRect().top - gutter.getBoundingClientRect().top;
            return [mark, gutter.clientHeight];
        }""",
        bad_line,
    )
    assert 0 < offset < visible
    page.locator("#config-problems").scroll_into_view_if_needed()
    shot(page, "warehouses-error", full_page=False)
    page.reload()  # nothing was saved: the configuration in force is still the old one
    expect(page.locator("#warehouse-table")).to_contain_text("杭州旗舰仓")
    page.locator("#config-text").fill(EXAMPLE_WAREHOUSES.replace("杭州旗舰仓", "杭州旗舰仓（新）"))
    page.locator("#config-save").click()
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator("#warehouse-table")).to_contain_text("杭州旗舰仓（新）")
    shot(page, "warehouses")


def test_route_an_order_record_it_and_open_its_proof(page: sync_api.Page, server: Server) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, "/console/warehouses")
    page.locator("#route-items").fill("GIFT-BOX-01, 1\nYW-0001, 2, 日用\nTV-55, 1, 家电")
    page.locator("#route-test").click()
    rows = page.locator("#route-items-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("gift-boxes")
    expect(rows.nth(2)).to_contain_text("electronics")
    expect(page.locator("#route-result")).to_contain_text("试算结果，未记录")
    shot(page, "routing-test")
    page.locator("#route-order-id").fill("ORD-2026-0001")
    page.locator("#route-record").click()
    page.locator("#proof-link").click()
    expect(page).to_have_url(re.compile(r"/console/orders\?order_id=ORD-2026-0001$"))
    expect(page.locator("#shipment-table tbody tr")).to_have_count(3)
    config_hash = page.locator("#order-record dd code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", config_hash)
    shot(page, "orders")
    page.locator("#print-link").click()
    expect(page.locator("#proof-order")).to_have_text("ORD-2026-0001")
    expect(page.locator("#proof")).to_contain_text(config_hash)
    expect(page.locator("#proof")).to_contain_text("浙江省杭州市西湖区")
    shot(page, "print")
    page.emulate_media(media="print")
    expect(page.locator("#print-button")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    assert b"/Count 1" in pdf  # the whole proof on one sheet
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]", pdf)  # A4: 595 x 842 points


def test_another_merchant_sees_none_of_it(page: sync_api.Page, server: Server) -> None:
    order = {"order_id": "ORD-DEMO-ONLY", "shop": "s", "items": [{"sku": "GIFT-BOX-01", "qty": 1}]}
    recorded = httpx.post(
        f"{server.url}/v1/orders/return-address",
        json=order,
        headers={"Authorization": f"Bearer {server.key}"},
    )
    assert recorded.status_code in (200, 201)
    sign_in(page, server.other_key, "/console/orders")
    expect = sync_api.expect
    expect(page.locator("#merchant-id")).to_have_text("other")
    page.locator("#order-id").fill("ORD-DEMO-ONLY")
    page.keyboard.press("Enter")
    expect(page.locator("#order-error")).to_contain_text("没有订单 ORD-DEMO-ONLY 的记录")
    page.goto("/console/warehouses")
    expect(page.locator("main")).to_contain_text("还没有保存退货仓配置")
    page.goto("/console/audits")
    expect(page.locator("#audit-empty")).to_be_visible()


def _gbk_csv(path: Path, rows: int) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["订单号", "收货地址"])
    for n, address in enumerate(_addresses(rows)):
        writer.writerow([f"G{n:04d}", address])
    path.write_bytes(buffer.getvalue().encode("gbk"))


def _xlsx(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "退货地址"])
    for n, address in enumerate(_addresses(rows)):
        sheet.append([f"X{n:04d}", address])
    book.save(path)


# Records every state the progress line and bar go through, as the clerk would see them change.
WATCH_PROGRESS = """() => {
    window.seenProgress = [];
    const status = document.getElementById("audit-status");
    const bar = document.getElementById("audit-bar");
    new MutationObserver(() => window.seenProgress.push([status.dataset.status, bar.value, bar.max]))
        .observe(status, {attributes: true, childList: true, characterData: true, subtree: true});
}"""


def _upload_and_wait(page: sync_api.Page, path: Path) -> Path:
    page.locator("#audit-file").set_input_files(str(path))
    page.evaluate(WATCH_PROGRESS)
    page.locator("#audit-upload").click()
    sync_api.expect(page.locator("#audit-status")).to_have_attribute("data-status", "done", timeout=60_000)
    seen = page.evaluate("() => window.seenProgress")
    statuses = [status for status, _, _ in seen]
    assert statuses[0] == "uploading" and statuses[-1] == "done", statuses
    done = [value for status, value, _ in seen if status in ("queued", "running", "done")]
    assert done == sorted(done), seen  # the bar only moves forward
    with page.expect_download() as download:
        page.locator("#audit-download").click()
    saved = path.with_name("audited-" + path.name)
    download.value.save_as(saved)
    return saved


def test_audit_a_gbk_csv_and_an_xlsx_and_download_them(
    page: sync_api.Page, server: Server, tmp_path: Path
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, "/console/audits")
    source = tmp_path / "退货地址.csv"
    _gbk_csv(source, 300)
    page.locator("#audit-file").set_input_files(str(source))
    # the column field offers the GBK file's own header, read in the browser
    expect(page.locator("#audit-columns option")).to_have_count(2)
    assert page.eval_on_selector_all("#audit-columns option", "o => o.map(x => x.value)") == [
        "订单号",
        "收货地址",
    ]
    audited = _upload_and_wait(page, source)
    expect(page.locator("#audit-name")).to_contain_text("收货地址")  # the column the server detected
    expect(page.locator("#audit-status")).to_contain_text("300 / 300")
    expect(page.locator("#audit-status")).not_to_contain_text("预计")  # no time left to estimate once done
    assert page.eval_on_selector("#audit-bar", "bar => [bar.value, bar.max]") == [300, 300]
    rows = list(csv.reader(io.StringIO(audited.read_bytes().decode("gbk"))))
    assert len(rows) == 301  # header + every row, in GBK like the input
    with page.expect_popup() as report:
        page.locator("#audit-report").click()
    expect(report.value.locator("body")).to_contain_text("300")
    # no word of a heading or a reason code is broken across lines (was "Row s", "AMBIGUOUS_REGIO N")
    broken = report.value.evaluate(
        """() => [...document.querySelectorAll('td, th')].flatMap(cell => cell.textContent.split(/\\s+/)
            .filter(word => /^[A-Za-z_]{4,}$/.test(word)).map(word => [cell, word]))
            .filter(([cell, word]) => {
                const text = [...cell.childNodes].find(n => n.nodeType === 3 && n.data.includes(word));
                if (!text) return false;
                const range = document.createRange();
                range.setStart(text, text.data.indexOf(word));
                range.setEnd(text, text.data.indexOf(word) + word.length);
                return range.getClientRects().length > 1;
            }).map(([, word]) => word)"""
    )
    assert broken == []
    report.value.close()
    workbook = tmp_path / "addresses.xlsx"
    _xlsx(workbook, 120)
    audited_book = _upload_and_wait(page, workbook)
    import openpyxl

    book = openpyxl.load_workbook(audited_book)
    assert book.active.max_row == 121  # header + every row, as an XLSX like the input
    book.close()
    expect(page.locator("#audit-list tbody tr")).to_have_count(2)
    shot(page, "audits")


def test_bad_uploads_get_a_clear_message_and_the_form_keeps_its_file(
    page: sync_api.Page, server: Server, tmp_path: Path
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, "/console/audits")
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-error")).to_have_text("请先选择一个文件。")
    wrong = tmp_path / "report.pdf"
    wrong.write_bytes(b"%PDF-1.4 not an address list")
    page.locator("#audit-file").set_input_files(str(wrong))
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-error")).to_contain_text("不支持“report.pdf”这种文件")
    binary = tmp_path / "orders.xlsx"
    binary.write_bytes(os.urandom(4096))
    page.locator("#audit-file").set_input_files(str(binary))
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-error")).to_contain_text(
        "文件无法读取，可能已损坏或格式与扩展名不符。（orders.xlsx:"
    )
    assert page.evaluate("() => document.getElementById('audit-file').files[0].name") == "orders.xlsx"
    binary.rename(tmp_path / "orders.csv")
    page.locator("#audit-file").set_input_files(str(tmp_path / "orders.csv"))
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-error")).to_contain_text("文件含有乱码或二进制内容")
    no_address = tmp_path / "contacts.csv"
    no_address.write_text("名字,电话\n张三,13800000000\n", encoding="utf-8")
    page.locator("#audit-file").set_input_files(str(no_address))
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-error")).to_contain_text("没有找到地址列")
    # the session expires between choosing the file and uploading it: sign in again, the upload goes on
    source = tmp_path / "late.csv"
    _gbk_csv(source, 20)
    page.locator("#audit-file").set_input_files(str(source))
    page.context.clear_cookies()
    page.locator("#audit-upload").click()
    expect(page.locator("#relogin")).to_be_visible()
    page.locator("#relogin-key").fill(server.key)
    page.keyboard.press("Enter")
    expect(page.locator("#audit-status")).to_have_attribute("data-status", "done", timeout=60_000)


def test_a_390_px_phone_gets_every_page_without_sideways_scrolling(
    browser: sync_api.Browser, server: Server
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=server.url, device_scale_factor=2
    )
    phone = context.new_page()
    sign_in(phone, server.key)
    check(phone, f"{VAGUE}\n{AMBIGUOUS}")
    sync_api.expect(phone.locator("article.result")).to_have_count(2)
    phone.locator("article.result[data-index='0'] .fix").click()
    sync_api.expect(phone.locator("article.result[data-index='0'] select[data-depth='1']")).to_have_value(
        "3307"
    )
    for path in (
        "/console/check",
        "/console/audits",
        "/console/warehouses",
        "/console/orders?order_id=ORD-DEMO-ONLY",
    ):
        if path != "/console/check":
            phone.goto(path)
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        assert phone.evaluate(UNLABELLED) == [], path
        if path == "/console/check":
            shot(phone, "phone-check")
    context.close()


def test_without_script_the_pages_still_work_as_plain_forms(
    browser: sync_api.Browser, server: Server
) -> None:
    expect = sync_api.expect
    context = browser.new_context(base_url=server.url, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto("/console/check")
    page.locator("#key").fill(server.key)
    page.locator("#sign-in").click()
    expect(page).to_have_url(re.compile(r"/console/check$"))
    page.locator("#addresses").fill(f"{VAGUE}\n浙江省金华市义乌市稠城街道工人北路100号")
    page.locator("#check-button").click()
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page.locator("#results tbody tr").nth(0)).to_contain_text("不完整")
    expect(page.locator("#results tbody tr").nth(1)).to_contain_text("可用")
    # invisible characters written as code points, as the script writes them
    page.locator("#addresses").fill("浙江省杭州市\u200b西湖区文三路100号")
    page.locator("#check-button").click()
    row = page.locator("#results tbody tr")
    expect(row).to_contain_text("浙江省杭州市U+200B西湖区文三路100号")
    assert "\u200b" not in row.inner_text()
    page.goto("/console/warehouses")
    page.locator("#config-text").fill("[[warehouses]]\nid = 1\n")
    page.locator("#config-save").click()
    expect(page.locator("#config-problems li").first).to_be_visible()
    expect(page.locator("#config-text")).to_have_value("[[warehouses]]\nid = 1\n")
    page.goto("/console/orders")
    page.locator("#order-id").fill("no-such-order")
    page.locator("#order-lookup").click()
    expect(page.locator("#order-error")).to_contain_text("没有订单 no-such-order 的记录")
    context.close()


def test_docs_render_from_local_assets(page: sync_api.Page) -> None:
    page.goto("/docs")
    sync_api.expect(page.locator(".swagger-ui .title")).to_contain_text("addrcheck")
    shot(page, "docs", full_page=False)


def test_the_language_switch_keeps_what_the_clerk_typed(page: sync_api.Page, server: Server) -> None:
    expect = sync_api.expect
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    sign_in(page, server.key)
    page.locator("#addresses").fill(f"{VAGUE}\n{AMBIGUOUS}")
    page.locator("#policy").select_option("strict")
    page.locator("#lang-switch").click()
    expect(page.locator("nav a[aria-current='page']")).to_have_text("Check and fix")
    expect(page.locator("#addresses")).to_have_value(f"{VAGUE}\n{AMBIGUOUS}")
    expect(page.locator("#policy")).to_have_value("strict")
    page.reload()  # kept for the one switch only, then forgotten
    expect(page.locator("#addresses")).to_have_value("")
    page.goto("/console/warehouses")
    edited = EXAMPLE_WAREHOUSES.replace("杭州旗舰仓", "杭州旗舰仓（未保存）") + "\n# a line the clerk added\n"
    page.locator("#config-text").fill(edited)
    page.locator("#route-items").fill("TV-55, 1, 家电")
    page.locator("#lang-switch").click()
    expect(page.locator("nav a[aria-current='page']")).to_have_text("退货仓")
    expect(page.locator("#config-text")).to_have_value(edited)
    expect(page.locator("#route-items")).to_have_value("TV-55, 1, 家电")
    expect(page.locator("#config-gutter span")).to_have_count(edited.count("\n") + 1)
    assert missing == []  # not even /favicon.ico


def test_enter_in_the_pickers_street_field_checks_again_and_the_counts_follow(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/v1/addresses/validate") else None)
    sign_in(page, server.key)
    check(page, f"{VAGUE}\n浙江省金华市义乌市稠城街道工人北路100号")
    expect(page.locator("#check-summary")).to_contain_text("可用 1 · 不完整 1")
    first = page.locator("article.result[data-index='0']")
    first.locator(".fix").click()
    first.locator("select[data-depth='2']").select_option("330782")
    expect(first.locator("select[data-depth='3']")).to_be_visible()
    street = first.locator(".street")
    street.focus()
    # Enter while an input method is composing only commits the pinyin: no check is sent for it
    street.evaluate(
        """s => s.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", isComposing: true, bubbles: true}))"""
    )
    page.keyboard.press("Enter")
    expect(page.locator("article.result[data-index='0']")).to_have_class(re.compile("status-ok"))
    assert len(sent) == 1
    expect(page.locator("#check-summary")).to_contain_text("可用 2")
    expect(page.locator("#check-summary")).not_to_contain_text("不完整")


def test_routing_mistakes_get_a_sentence_before_anything_is_sent(page: sync_api.Page, server: Server) -> None:
    expect = sync_api.expect
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/v1/" in r.url else None)
    sign_in(page, server.key, "/console/warehouses")
    error = page.locator("#route-error")
    page.locator("#route-test").click()  # the example items: a plan
    expect(page.locator("#route-items-table tbody tr")).to_have_count(2)
    sent.clear()
    page.locator("#route-items").fill("\n")
    page.locator("#route-test").click()
    expect(error).to_have_text("请至少填写一件商品，每行一个：SKU, 数量, 类目。")
    expect(page.locator("#route-items-table")).to_have_count(0)  # no plan left that is not this order's
    page.locator("#route-items").fill("GIFT-BOX-01, 1")
    page.locator("#route-record").click()
    expect(error).to_have_text("要记录为订单，请先填写订单号。")
    expect(page.locator("#route-order-id")).to_be_focused()
    page.locator("#route-order-id").fill("订单 1")
    page.locator("#route-record").click()
    expect(error).to_have_text("订单号只能由字母、数字和 . _ : - 组成，以字母或数字开头，最多 128 个字符。")
    page.locator("#route-order-id").fill("ORD-ROUTE-CHECKS")
    page.locator("#route-shop").fill("")
    page.locator("#route-record").click()
    expect(page.locator("#route-shop")).to_be_focused()  # the browser's own "fill out this field"
    assert sent == []


def test_invisible_characters_are_shown_as_their_code_points(page: sync_api.Page, server: Server) -> None:
    expect = sync_api.expect
    sign_in(page, server.key)
    check(page, "浙江省杭州市\u200b西湖区文三路\u202e100号")
    card = page.locator("article.result")
    expect(card.locator(".invisible-char")).to_have_text(["U+200B", "U+202E"])
    # raw, U+202E would draw "100号" backwards, and U+200B would be nothing between two quotes
    expect(card.locator(".address-text")).to_have_text("浙江省杭州市U+200B西湖区文三路U+202E100号")
    texts = card.locator(".reasons li").all_inner_texts()
    assert texts and not [t for t in texts if re.search("[\u200b-\u200f\u202a-\u202e\ufeff]", t)], texts


def test_english_pages_set_quotes_in_latin_widths(page: sync_api.Page, server: Server) -> None:
    # A CJK font draws “ full-width: right in Chinese, a gap in an English sentence
    measure = """() => {
        const probe = document.createElement("span");
        probe.textContent = "\u201c";
        document.querySelector("main h1").append(probe);  // after a letter, not squeezed by punctuation
        const ratio = probe.getBoundingClientRect().width / parseFloat(getComputedStyle(probe).fontSize);
        probe.remove();
        return ratio;
    }"""
    sign_in(page, server.key)
    assert page.evaluate(measure) > 0.9
    page.locator("#lang-switch").click()
    sync_api.expect(page.locator("nav a[aria-current='page']")).to_have_text("Check and fix")
    assert page.evaluate(measure) < 0.75


def test_a_file_with_only_a_header_ends_with_a_full_bar(
    page: sync_api.Page, server: Server, tmp_path: Path
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key, "/console/audits")
    # the upload button stands clear of the field row above it
    field = page.locator("#audit-column").bounding_box()
    button = page.locator("#audit-upload").bounding_box()
    assert field is not None and button is not None
    assert button["y"] - (field["y"] + field["height"]) >= 8
    source = tmp_path / "header-only.csv"
    source.write_text("退货地址\n", encoding="utf-8")
    page.locator("#audit-file").set_input_files(str(source))
    page.locator("#audit-upload").click()
    expect(page.locator("#audit-status")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#audit-status")).to_contain_text("0 / 0")
    # an indeterminate <progress> (no value) keeps moving as if the audit were still running
    assert page.eval_on_selector("#audit-bar", "bar => [bar.hasAttribute('value'), bar.value, bar.max]") == [
        True,
        1,
        1,
    ]


def test_leaving_the_warehouse_editor_with_unsaved_edits_asks_first(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    asked: list[str] = []
    leave = [False]

    def stay(dialog: sync_api.Dialog) -> None:
        asked.append(dialog.type)
        if leave[0]:
            dialog.accept()
        else:
            dialog.dismiss()  # "stay on this page"

    sign_in(page, server.key, "/console/warehouses")
    page.on("dialog", stay)
    page.locator("#config-text").fill("# half an edit\n")
    page.locator("nav a[href='/console/orders']").click()
    expect(page.locator("#config-text")).to_have_value("# half an edit\n")
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/console/warehouses$"))
    leave[0] = True
    page.reload()  # leave after all: nothing was saved, the served file again, and leaving asks nothing
    asked.clear()
    page.locator("nav a[href='/console/orders']").click()
    expect(page).to_have_url(re.compile(r"/console/orders$"))
    assert asked == []


# Table cells that stick out past the right edge of their scroll box: at 390 px, cut off until scrolled.
CUT_OFF = """() => Array.from(document.querySelectorAll("main .scroll > table td"))
    .filter(td => td.getBoundingClientRect().right > td.closest(".scroll").getBoundingClientRect().right + 1)
    .map(td => td.textContent.trim())"""
# Each cell carries its column's heading, which the phone layout shows beside it.
UNHEADED = """() => Array.from(document.querySelectorAll("main .scroll > table tbody td"))
    .filter(td => td.dataset.label !== td.closest("table").tHead.rows[0].cells[td.cellIndex].textContent.trim())
    .map(td => td.textContent.trim())"""


def test_on_a_phone_every_table_row_is_stacked_with_its_headings(
    browser: sync_api.Browser, server: Server, tmp_path: Path
) -> None:
    order = {"order_id": "ORD-PHONE-TABLES", "shop": "s", "items": [{"sku": "GIFT-BOX-01", "qty": 1}]}
    recorded = httpx.post(
        f"{server.url}/v1/orders/return-address",
        json=order,
        headers={"Authorization": f"Bearer {server.key}"},
    )
    assert recorded.status_code in (200, 201)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url)
    phone = context.new_page()
    sign_in(phone, server.key, "/console/audits")
    source = tmp_path / "phone.csv"
    _gbk_csv(source, 3)
    phone.locator("#audit-file").set_input_files(str(source))
    phone.locator("#audit-upload").click()
    sync_api.expect(phone.locator("#audit-status")).to_have_attribute("data-status", "done", timeout=60_000)
    sync_api.expect(phone.locator("#audit-list tbody tr").first).to_contain_text("phone.csv")
    for path in ("/console/warehouses", "/console/audits", "/console/orders?order_id=ORD-PHONE-TABLES"):
        if path != "/console/audits":
            phone.goto(path)
        if path == "/console/warehouses":
            phone.locator("#route-test").click()
            sync_api.expect(phone.locator("#route-items-table tbody tr")).to_have_count(2)
        assert phone.locator("main .scroll > table td").count() > 0, path
        assert phone.evaluate(CUT_OFF) == [], path
        assert phone.evaluate(UNHEADED) == [], path
    shot(phone, "phone-orders")
    context.close()


def test_escape_on_the_sign_in_dialog_gives_up_the_request_and_says_so(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key)
    page.locator("#addresses").fill(VAGUE)
    page.context.clear_cookies()
    page.locator("#check-button").click()
    expect(page.locator("#relogin")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#relogin")).to_be_hidden()
    expect(page.locator("#check-error")).to_have_text("登录已过期，请重新登录。")
    expect(page.locator("#check-button")).to_be_enabled()
    page.locator("#check-button").click()  # and asking again works
    expect(page.locator("#relogin")).to_be_visible()
    page.locator("#relogin-key").fill(server.key)
    page.keyboard.press("Enter")
    expect(page.locator("article.result")).to_have_count(1)
    expect(page.locator("#addresses")).to_have_value(VAGUE)


def test_the_picker_opens_with_the_focus_on_what_is_left_to_choose(
    page: sync_api.Page, server: Server
) -> None:
    expect = sync_api.expect
    sign_in(page, server.key)
    check(page, f"{VAGUE}\n{AMBIGUOUS}")
    vague, ambiguous = (page.locator(f"article.result[data-index='{n}']") for n in (0, 1))
    vague.locator(".fix").focus()
    page.keyboard.press("Enter")
    # province and city came with the address: the county is the first thing to choose
    expect(vague.locator("select[data-depth='1']")).to_have_value("3307")
    expect(vague.locator("select[data-depth='2']")).to_be_focused()
    ambiguous.locator(".fix").focus()
    page.keyboard.press("Enter")
    expect(ambiguous.locator(".cand").first).to_be_focused()  # which 朝阳区: the candidates come first


def test_the_english_proof_has_no_chinese_punctuation(page: sync_api.Page, server: Server) -> None:
    order = {"order_id": "ORD-PROOF-EN", "shop": "s", "items": [{"sku": "GIFT-BOX-01", "qty": 1}]}
    recorded = httpx.post(
        f"{server.url}/v1/orders/return-address",
        json=order,
        headers={"Authorization": f"Bearer {server.key}"},
    )
    assert recorded.status_code in (200, 201)
    sign_in(page, server.key, "/console/orders/ORD-PROOF-EN/print")
    sync_api.expect(page.locator(".shipment").first).to_contain_text("联系人：")
    page.goto("/console/lang/en?next=/console/orders/ORD-PROOF-EN/print")
    sync_api.expect(page.locator(".shipment").first).to_contain_text("Contact: ")
    proof = page.locator("#proof").inner_text()
    # the addresses and names are Chinese and keep their own punctuation; the labels around them do not
    assert re.findall("[A-Za-z)]\\s*[：，。；]", proof) == []
