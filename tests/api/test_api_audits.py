"""``/v1/audits``: upload, progress, result and report, run by the app's own audit worker."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from addrcheck.audit import ADDED_COLUMNS
from addrcheck.settings import Settings
from api.main import create_app
from tests.api.conftest import bearer

ADDRESSES = [
    "浙江省金华市义乌市稠城街道工人北路100号",
    "浙江省金华市",
    "杭州市婺城区",
    "",
    "广东省深圳市南山区粤海街道科技园路1号",
]
STATUSES = ["ok", "vague", "inconsistent", "invalid", "ok"]
UPLOAD_LIMIT = 64 * 1024
JOB_FIELDS = {
    "id", "status", "filename", "format", "encoding", "rows_done", "rows_total", "rate", "eta_seconds",
    "created_at", "finished_at", "error",
}  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    database = tmp_path / "api.sqlite3"
    shutil.copyfile(migrated_database, database)
    return Settings(
        database_url=f"sqlite:///{database}",
        auth_cache_seconds=0,
        max_body_bytes=4096,  # far below the upload limit: uploads must not go through it
        max_upload_bytes=UPLOAD_LIMIT,
        audit_data_dir=tmp_path / "audits",
        audit_poll_seconds=0.05,
        audit_progress_seconds=0.1,
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        app.state.warmup.done.wait(60)
        yield test_client


def csv_bytes(addresses: list[str], encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["订单号", "退货地址"])
    writer.writerows([f"A{index}", address] for index, address in enumerate(addresses))
    return text.getvalue().encode(encoding)


def xlsx_bytes(addresses: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["订单号", "地址"])
    for index, address in enumerate(addresses):
        sheet.append([f"A{index}", address])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def jsonl_bytes(addresses: list[str]) -> bytes:
    lines = [
        json.dumps({"order": f"A{i}", "address": a}, ensure_ascii=False) for i, a in enumerate(addresses)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(client: TestClient, headers: dict[str, str], name: str, content: bytes, **fields: str) -> Any:
    return client.post("/v1/audits", headers=headers, files={"file": (name, content)}, data=fields)


def wait_done(
    client: TestClient, headers: dict[str, str], job_id: str, timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/audits/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"audit {job_id} not finished in {timeout} s")


def result_rows(fmt: str, content: bytes, encoding: str | None) -> list[list[str]]:
    if fmt == "csv":
        assert encoding is not None
        return list(csv.reader(io.StringIO(content.decode(encoding))))
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        return [
            ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
        ]
    records = [json.loads(line) for line in content.decode(encoding or "utf-8").splitlines()]
    return [list(records[0])] + [["" if v is None else str(v) for v in r.values()] for r in records]


@pytest.mark.parametrize(
    ("name", "content", "fmt", "encoding", "column", "charset"),
    [
        ("退货地址.csv", csv_bytes(ADDRESSES, "gbk"), "csv", "gbk", "退货地址", "gb18030"),
        ("addresses.csv", csv_bytes(ADDRESSES, "utf-8-sig"), "csv", "utf-8-sig", "退货地址", "utf-8-sig"),
        ("地址.xlsx", xlsx_bytes(ADDRESSES), "xlsx", None, "地址", None),
        ("orders.jsonl", jsonl_bytes(ADDRESSES), "jsonl", "utf-8", "address", "utf-8"),
    ],
)
def test_upload_poll_download(
    client: TestClient,
    acme: dict[str, str],
    settings: Settings,
    name: str,
    content: bytes,
    fmt: str,
    encoding: str | None,
    column: str,
    charset: str | None,
) -> None:
    created = upload(client, acme, name, content)
    assert created.status_code == 202, created.text
    job = created.json()
    assert set(job) >= JOB_FIELDS
    assert (job["status"], job["filename"], job["format"]) == ("queued", name, fmt)
    assert (job["encoding"], job["column"], job["policy"], job["error"]) == (
        encoding,
        column,
        "default",
        None,
    )
    assert created.headers["location"] == f"/v1/audits/{job['id']}"

    done = wait_done(client, acme, job["id"])
    assert done["status"] == "done", done
    assert (done["rows_done"], done["rows_total"], done["eta_seconds"]) == (5, 5, 0.0)
    assert done["finished_at"] is not None and done["attempts"] == 1
    assert done["summary"]["by_status"] == {
        "ok": 2,
        "vague": 1,
        "ambiguous": 0,
        "inconsistent": 1,
        "invalid": 1,
    }

    result = client.get(f"/v1/audits/{job['id']}/result", headers=acme)
    assert result.status_code == 200
    assert result.headers["content-type"].endswith(f"charset={charset}") == (charset is not None)
    stem = name.rsplit(".", 1)[0]
    assert f"{stem}.audited.{fmt}" in unquote(result.headers["content-disposition"])
    rows = result_rows(fmt, result.content, charset)
    assert len(rows) == 1 + len(ADDRESSES)
    assert rows[0][-len(ADDED_COLUMNS) :] == list(ADDED_COLUMNS)
    assert [row[-len(ADDED_COLUMNS)] for row in rows[1:]] == STATUSES
    assert [row[0] for row in rows[1:]] == [f"A{index}" for index in range(len(ADDRESSES))]

    report = client.get(f"/v1/audits/{job['id']}/report", headers=acme)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert name in report.text and str(settings.audit_data_dir) not in report.text


def test_gbk_result_bytes_are_gbk(client: TestClient, acme: dict[str, str]) -> None:
    job = upload(client, acme, "a.csv", csv_bytes(ADDRESSES, "gbk")).json()
    wait_done(client, acme, job["id"])
    content = client.get(f"/v1/audits/{job['id']}/result", headers=acme).content
    header = "订单号,退货地址,".encode("gbk")
    assert content.startswith(header)  # GB18030 writes every GBK character as GBK does
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


def test_merchants_see_only_their_audits(
    client: TestClient, acme: dict[str, str], globex: dict[str, str]
) -> None:
    first = upload(client, acme, "one.csv", csv_bytes(ADDRESSES, "utf-8")).json()
    second = upload(client, acme, "two.csv", csv_bytes(ADDRESSES[:2], "utf-8")).json()
    theirs = upload(client, globex, "three.csv", csv_bytes(ADDRESSES[:1], "utf-8")).json()
    wait_done(client, acme, second["id"])
    listed = client.get("/v1/audits", headers=acme).json()["audits"]
    assert [job["id"] for job in listed] == [second["id"], first["id"]]
    assert [job["id"] for job in client.get("/v1/audits", headers=globex).json()["audits"]] == [theirs["id"]]
    for suffix in ("", "/result", "/report"):
        response = client.get(f"/v1/audits/{first['id']}{suffix}", headers=globex)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "AUDIT_NOT_FOUND")
    unknown = client.get("/v1/audits/0123456789abcdef0123456789abcdef", headers=acme)
    assert unknown.status_code == 404
    assert client.get("/v1/audits", headers={}).status_code == 401


def test_upload_too_large_is_refused_while_streaming(
    client: TestClient, acme: dict[str, str], settings: Settings
) -> None:
    big = csv_bytes(ADDRESSES * 2000, "utf-8")
    assert len(big) > UPLOAD_LIMIT
    declared = upload(client, acme, "big.csv", big)
    assert declared.status_code == 413
    assert declared.json()["error"] == {
        "code": "UPLOAD_TOO_LARGE",
        "message": f"The upload is larger than {UPLOAD_LIMIT} bytes; split the file or ask for a higher limit.",
        "detail": {"max_upload_bytes": UPLOAD_LIMIT},
    }

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit must hold on the bytes received
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]
        yield b"\r\n--xyz--\r\n"

    streamed = client.post(
        "/v1/audits",
        headers={**acme, "Content-Type": "multipart/form-data; boundary=xyz"},
        content=chunked(),
    )
    assert (streamed.status_code, streamed.json()["error"]["code"]) == (413, "UPLOAD_TOO_LARGE")
    assert client.get("/v1/audits", headers=acme).json() == {"audits": []}
    assert not any(settings.audit_data_dir.rglob("input.*"))
    # Over max_body_bytes (4096) but under the upload limit: accepted.
    assert upload(client, acme, "mid.csv", csv_bytes(ADDRESSES * 40, "utf-8")).status_code == 202


@pytest.mark.parametrize(
    ("name", "content", "fields", "code", "message"),
    [
        ("a.pdf", b"%PDF-1.4", {}, "UNKNOWN_FORMAT",
         "a.pdf: unknown file type; upload a .csv, .tsv, .xlsx, .jsonl or .parquet file."),
        ("a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, {}, "BINARY_INPUT",
         "a.csv: this is a binary file, not CSV/TSV/JSONL text"),
        ("a.csv", b"", {}, "EMPTY_UPLOAD", "the file is empty"),
        ("a.csv", b"address\n" + bytes(range(0x80, 0x100)) * 20, {},
         "UNKNOWN_ENCODING", "a.csv: cannot tell the text encoding (not UTF-8 or GBK); is this a CSV file?"),
        ("a.csv", "地址\n浙江省金华市\n".encode("utf-16"), {}, "UNSUPPORTED_ENCODING",
         "a.csv: UTF-16 text is not supported; save it as CSV UTF-8 (or convert with iconv -f UTF-16)"),
        ("a.xlsx", csv_bytes(ADDRESSES, "utf-8"), {}, "UNREADABLE_INPUT", None),
        ("a.csv", "id,备注\n1,你好\n".encode(), {}, "NO_ADDRESS_COLUMN",
         "a.csv: no address column found (looked for address, 地址, 退货地址, 收货地址); "
         "name it with the form field 'column'; columns are 'id', '备注'"),
        ("a.csv", csv_bytes(ADDRESSES, "utf-8"), {"column": "地址2"}, "NO_ADDRESS_COLUMN", None),
        ("a.jsonl", b"not json at all\n", {}, "UNREADABLE_INPUT", None),
        ("a.csv", csv_bytes(ADDRESSES, "utf-8"), {"policy": "lenient"}, "UNKNOWN_POLICY",
         "Unknown policy 'lenient'; choose one of default, loose, strict."),
    ],
)  # fmt: skip
def test_bad_uploads_get_a_clear_422(
    client: TestClient,
    acme: dict[str, str],
    settings: Settings,
    name: str,
    content: bytes,
    fields: dict[str, str],
    code: str,
    message: str | None,
) -> None:
    response = upload(client, acme, name, content, **fields)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    if message is not None:
        assert error["message"] == message
    assert str(settings.audit_data_dir) not in error["message"]
    assert not any(settings.audit_data_dir.rglob("input.*"))


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"json": {"file": "x"}}, "Send the file as multipart/form-data, in a field named 'file'."),
        ({"data": {"column": "地址"}, "files": {"other": ("a.csv", b"x")}},
         "The form has no file in a field named 'file'."),
    ],
)  # fmt: skip
def test_not_a_file_upload(
    client: TestClient, acme: dict[str, str], request_kwargs: dict[str, Any], message: str
) -> None:
    response = client.post("/v1/audits", headers=acme, **request_kwargs)
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "INVALID_UPLOAD", "message": message, "detail": None}


def test_result_before_done_is_409(settings: Settings, keys: dict[str, str]) -> None:
    idle = create_app(settings.model_copy(update={"audit_worker_threads": 0}))  # nobody runs the job
    with TestClient(idle) as client:
        headers = bearer(keys["acme"])
        job = upload(client, headers, "a.csv", csv_bytes(ADDRESSES, "utf-8")).json()
        for suffix in ("/result", "/report"):
            response = client.get(f"/v1/audits/{job['id']}{suffix}", headers=headers)
            assert response.status_code == 409
            assert response.json()["error"]["code"] == "AUDIT_NOT_DONE"
            assert response.json()["error"]["detail"] == {"status": "queued", "rows_done": 0}


def test_openapi_documents_the_upload(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/v1/audits"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["required"] == ["file"]
    assert set(schema["paths"]) >= {"/v1/audits/{job_id}", "/v1/audits/{job_id}/result"}
