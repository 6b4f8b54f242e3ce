"""``addrcheck serve --demo`` run again: only the key it printed last stays valid (issue 14, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addrcheck.cli.serve import DEMO_MERCHANT, _set_up_demo
from addrcheck.storage.api_keys import create_api_key, list_api_keys, verify_api_key
from addrcheck.storage.engine import make_engine, session_scope, upgrade_database


def test_each_demo_start_revokes_the_previous_demo_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    upgrade_database(engine)
    with session_scope(engine, write=True) as session:
        other = create_api_key(session, "acme").key  # another merchant's key is not touched
    printed: list[str] = []
    outputs: list[str] = []
    for _start in range(3):
        _set_up_demo(engine, "127.0.0.1", 8300)
        output = capsys.readouterr().out
        outputs.append(output)
        match = re.search(r"demo API key \(shown once\): (ak_\S+)", output)
        assert match is not None
        printed.append(match.group(1))
    with session_scope(engine) as session:
        valid = [verify_api_key(session, key) for key in printed]
        assert [info is not None and not info.revoked for info in valid] == [False, False, True]
        assert [key.revoked for key in list_api_keys(session, DEMO_MERCHANT)] == [True, True, False]
        acme = verify_api_key(session, other)
        assert acme is not None and not acme.revoked
    assert "earlier demo keys revoked" not in outputs[0]
    assert "earlier demo keys revoked: 3\n" in outputs[2]  # key 1 is acme's, 2 the first demo key
    engine.dispose()
