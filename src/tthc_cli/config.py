"""The user's configuration file (YAML): one table of entries drives loading,
checking and the documentation.

Found by `--config`, `TTHC_CONFIG`, `./tthc.yaml`, then the user's config
folder (`$XDG_CONFIG_HOME/tthc/tthc.yaml`, `~/.config/tthc/tthc.yaml`).
No file is fine: every entry has a default.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tthc_cli.errors import TthcError
from tthc_cli.text import closest


class ConfigError(TthcError):
    """A configuration file that cannot be used."""

    exit_code = 1


def _str(v, key):
    if isinstance(v, (str, int)) and not isinstance(v, bool):
        return str(v)
    raise ConfigError(f"{key} phải là chuỗi")


def _int(v, key):
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 365:
        return v
    raise ConfigError(f"{key} phải là số ngày (0–365)")


def _bool(v, key):
    if isinstance(v, bool):
        return v
    raise ConfigError(f"{key} phải là true hoặc false")


def _paths(v, key):
    items = [v] if isinstance(v, str) else v
    if isinstance(items, list) and all(isinstance(x, str) for x in items):
        return items
    raise ConfigError(f"{key} phải là một đường dẫn hoặc danh sách đường dẫn")


def _day(v, key) -> date:
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ConfigError(f"{key}: ngày {v!r} không hợp lệ (dạng YYYY-MM-DD)")


def _days_off(v, key) -> dict[date, str]:
    """`days_off: [2026-04-24, {date: 2026-09-03, name: Nghỉ bù}]`."""
    if not isinstance(v, list):
        raise ConfigError(f"{key} phải là danh sách ngày")
    out = {}
    for i, item in enumerate(v):
        if isinstance(item, dict):
            unknown = set(item) - {"date", "name"}
            if unknown:
                raise ConfigError(f"{key}[{i}]: khóa không hợp lệ {', '.join(sorted(map(str, unknown)))} (dùng date, name)")
            out[_day(item.get("date"), f"{key}[{i}].date")] = str(item.get("name") or "Ngày nghỉ")
        else:
            out[_day(item, f"{key}[{i}]")] = "Ngày nghỉ"
    return out


def _day_list(v, key) -> set[date]:
    if not isinstance(v, list):
        raise ConfigError(f"{key} phải là danh sách ngày")
    return {_day(x, f"{key}[{i}]") for i, x in enumerate(v)}


def _units(v, key):
    if not isinstance(v, list) or not all(isinstance(u, dict) and u.get("code") and u.get("name") for u in v):
        raise ConfigError(f"{key} phải là danh sách đơn vị, mỗi đơn vị có code và name")
    return v


# name: (parser, default, help) — the one table that drives loading, checking and docs
ENTRIES = {
    "plans": (_paths, None, "Tệp hoặc thư mục kế hoạch (như --plans)."),
    "db": (_str, None, "Tệp cơ sở dữ liệu tiến độ (mặc định .tthc/progress.db cạnh thư mục kế hoạch)."),
    "user": (_str, None, "Tên người ghi nhận tiến độ (mặc định TTHC_USER hoặc tài khoản máy)."),
    "warn_days": (_int, 7, "Số ngày trước hạn thì coi là \"Sắp đến hạn\"."),
    "within": (_str, "14d", "Cửa sổ mặc định của `tthc due` (14d, 2w, 10wd)."),
    "roll_forward": (_bool, False, "Áp dụng quy tắc: thời hạn là một khoảng kết thúc vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp."),
    "days_off": (_days_off, {}, "Ngày nghỉ thêm (chưa có trong thư viện ngày lễ): danh sách ngày hoặc {date, name}."),
    "working_days": (_day_list, set(), "Ngày làm bù (thứ Bảy/Chủ nhật đi làm)."),
    "units": (_units, [], "Đơn vị hoặc cách viết thêm vào danh mục (như units: trong kế hoạch)."),
}


class Config:
    """Entries with their values; `source` is the file they came from (None: defaults)."""

    def __init__(self, values: dict, source: Path | None):
        self.values = values
        self.source = source

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def find(explicit: str | None = None) -> Path | None:
    """The config file to use, or None."""
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError(f'không tìm thấy tệp cấu hình "{explicit}"')
        return p
    env = os.environ.get("TTHC_CONFIG")
    if env:
        p = Path(env)
        if not p.is_file():
            raise ConfigError(f'TTHC_CONFIG: không tìm thấy tệp cấu hình "{env}"')
        return p
    local = Path("tthc.yaml")
    if local.is_file():
        return local
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    user = Path(base) / "tthc" / "tthc.yaml"
    return user if user.is_file() else None


def parse(data, source: Path | None) -> Config:
    """Check and convert parsed YAML into a Config (ConfigError on the first problem)."""
    values = {k: (d() if callable(d) else (d.copy() if hasattr(d, "copy") else d)) for k, (_, d, _) in ENTRIES.items()}
    if data is None:
        return Config(values, source)
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}tệp cấu hình phải là bảng khóa–giá trị")
    for key, raw in data.items():
        if key not in ENTRIES:
            hint = closest(str(key), ENTRIES, n=1)
            more = f'; có phải "{hint[0]}"?' if hint else ""
            raise ConfigError(f'{where}khóa "{key}" không có trong cấu hình{more}')
        parser = ENTRIES[key][0]
        try:
            values[key] = parser(raw, key) if raw is not None else values[key]
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc.message}") from None
    return Config(values, source)


def load(explicit: str | None = None, cache=None) -> Config:
    """Find, read and check the configuration."""
    path = find(explicit)
    if path is None:
        return parse(None, None)
    from tthc_cli.loader import read_plan

    raw = read_plan(path, cache)
    if not raw.ok:
        p = raw.problems[0]
        raise ConfigError(f"{path}{f':{p.line}' if p.line else ''}: {p.message}")
    return parse(raw.data, path)
