"""clerk users / windows / demo / audit / doctor / serve against real stores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli
from services.hall.migrate import head_revision


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_users_lifecycle(store_url: str) -> None:
    code, out = run("--db", store_url, "users", "list")
    assert code == 0 and "还没有用户" in out
    code, out = run(
        "--db",
        store_url,
        "users",
        "add",
        "wangfang",
        "--name",
        "王芳",
        "--role",
        "supervisor",
        input="good-password\ngood-password\n",
    )
    assert code == 0 and "已创建用户 wangfang（值班长）" in out
    assert "good-password" not in out
    code, out = run(
        "--db",
        store_url,
        "users",
        "add",
        "wangfang",
        "--name",
        "又一个",
        input="pw-pw-pw-pw\npw-pw-pw-pw\n",
    )
    assert code == 1 and "用户已存在：wangfang" in out
    code, out = run(
        "--db",
        store_url,
        "users",
        "add",
        "shorty",
        "--name",
        "短",
        "--password-stdin",
        input="short\n",
    )
    assert code == 1 and "密码至少需要 8 个字符" in out
    code, out = run(
        "--db", store_url, "users", "passwd", "wangfang", "--password-stdin", input="another-pass\n"
    )
    assert code == 0 and "已为 wangfang 设置新密码" in out
    code, out = run("--db", store_url, "users", "disable", "wangfang")
    assert code == 0
    code, out = run("--db", store_url, "users", "list")
    assert "wangfang" in out and "王芳" in out and "已停用" in out
    code, out = run("--db", store_url, "users", "disable", "ghost")
    assert code == 1 and "未找到用户：ghost" in out


def test_windows(store_url: str) -> None:
    code, out = run("--db", store_url, "windows", "add-category", "a", "企业服务")
    assert code == 0 and "已创建类别 A" in out
    run("--db", store_url, "windows", "add-category", "B", "社会事务")
    code, out = run("--db", store_url, "windows", "add", "1", "一号窗", "--categories", "B,A")
    assert code == 0 and "受理类别：B,A" in out
    code, out = run("--db", store_url, "windows", "add", "2", "二号窗", "--categories", "Q")
    assert code == 1 and "没有这些类别：Q" in out
    code, out = run("--db", store_url, "windows", "list")
    assert re.search(r"1\s+一号窗\s+B,A\s+开放", out)
    code, out = run("--lang", "en", "--db", store_url, "windows", "categories")
    assert "A  企业服务" in out


def test_demo_seed(store_url: str) -> None:
    code, out = run("--db", store_url, "demo", "seed")
    assert code == 0
    for name in ("clerk1", "clerk4", "supervisor", "trainer", "admin"):
        assert name in out
    passwords = re.findall(r"\b([A-Za-z2-9]{12})\s*$", out, flags=re.MULTILINE)
    assert len(passwords) == 7
    assert "只显示这一次" in out
    assert out.rstrip().splitlines()[-1].startswith("登录：运行 clerk --window 1")
    code, again = run("--db", store_url, "demo", "seed", "--if-empty")
    assert code == 0 and len(again.strip().splitlines()) == 1 and "大厅已有用户" in again
    code, refused = run("--db", store_url, "demo", "seed")
    assert code == 1 and "--if-empty" in refused
    code, out = run("--db", store_url, "windows", "list")
    assert out.count("号窗") + out.count("登记窗") + out.count("通道窗") == 6


async def test_demo_passwords_work(store_url: str) -> None:
    import httpx

    from services.hall.app import create_app
    from tests.support.hall import hall_settings

    _, out = run("--db", store_url, "demo", "seed")
    row = next(line for line in out.splitlines() if line.strip().startswith("clerk1"))
    password = row.split()[-1]
    app = create_app(hall_settings(store_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hall") as http:
        answer = await http.post(
            "/api/v1/auth/login",
            json={"username": "clerk1", "password": password, "window_no": 1},
        )
        assert answer.status_code == 200
    app.state.hall.close()


def test_doctor_unreachable_postgres() -> None:
    url = "postgresql+psycopg://postgres:hunter22@127.0.0.1:1/hall?connect_timeout=2"
    code, out = run("--db", url, "doctor")
    assert code == 1
    assert "✗ 数据库: 无法连接 postgresql+psycopg://postgres:***@127.0.0.1:1/hall" in out
    assert "处理办法" in out and "PostgreSQL" in out
    assert "hunter22" not in out
    assert "有必需的检查未通过" in out


def test_doctor_ok(store_url: str) -> None:
    run("--db", store_url, "demo", "seed")
    code, out = run("--db", store_url, "doctor")
    assert code == 0, out
    assert "✓ 数据库" in out and f"✓ 数据库迁移: 已是最新（{head_revision()}）" in out
    # No keyring on this machine is a warning with the fallback explained, not a failure.
    assert "密钥环" in out


def test_doctor_fresh_sqlite(tmp_path: Path) -> None:
    code, out = run("--lang", "en", "--db", f"sqlite:///{tmp_path / 'new.sqlite3'}", "doctor")
    assert code == 0
    assert "does not exist yet" in out
    assert not (tmp_path / "new.sqlite3").exists()


def test_doctor_bad_url() -> None:
    code, out = run("--db", "mysql://nobody@nowhere/db", "doctor")
    assert code == 1 and "✗" in out


def test_serve_refuses_a_dead_store() -> None:
    code, out = run("serve", "--db", "sqlite:////nonexistent/folder/x.sqlite3", "--port", "1")
    assert code == 1
    assert "大厅数据库不可用" in out


@pytest.mark.parametrize("command", [["users", "list"], ["windows", "list"], ["audit", "verify"]])
def test_commands_on_a_dead_store_explain(command: list[str]) -> None:
    code, out = run("--db", "sqlite:////nonexistent/folder/x.sqlite3", *command)
    assert code == 1 and "大厅数据库不可用" in out
