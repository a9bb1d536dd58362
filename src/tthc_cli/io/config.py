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

from tthc_cli.errors import ConfigError, TthcError, UnitDataError
from tthc_cli.core.addresses import format_mailbox, parse_mailbox, quoted
from tthc_cli.core.text import closest, key_phrase


def _str(v, key):
    if isinstance(v, (str, int)) and not isinstance(v, bool):
        return str(v)
    raise ConfigError(f"{key} phải là chuỗi")


def _db_file(v, key):
    v = _str(v, key)
    if v.strip().lower().startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"{key} là tệp SQLite; địa chỉ PostgreSQL ghi ở khóa store:")
    return v


def _store_url(v, key):
    """A PostgreSQL URL with no password in it: the password comes from PGPASSWORD, ~/.pgpass or a service file."""
    if not isinstance(v, str) or not v.strip().lower().startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"{key} phải là địa chỉ PostgreSQL (postgresql://máy-chủ/tên-csdl); tệp SQLite ghi ở khóa db:")
    from tthc_cli.io.pgstore import PgUrl

    if PgUrl(v.strip()).has_password:  # the message never repeats the URL: it holds the password
        raise ConfigError(f"{key}: không ghi mật khẩu trong tệp cấu hình; bỏ mật khẩu khỏi địa chỉ và dùng biến "
                          f"PGPASSWORD, tệp ~/.pgpass (quyền 0600) hoặc tệp dịch vụ pg_service.conf")
    return v.strip()


def _int(v, key):
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 365:
        return v
    raise ConfigError(f"{key} phải là số ngày (0–365)")


def _bool(v, key):
    if isinstance(v, bool):
        return v
    raise ConfigError(f"{key} phải là true hoặc false")


def _within(v, key):
    from tthc_cli.core.dates import parse_within
    from tthc_cli.errors import UsageError

    if not isinstance(v, str):
        raise ConfigError(f'{key}: không hiểu "{v}" (ví dụ: 14d, 2w, 1m, 10wd)')
    try:
        parse_within(v, date(2000, 1, 1), key)
    except UsageError as exc:
        raise ConfigError(exc.message) from None
    return v


def _paths(v, key):
    items = [v] if isinstance(v, str) else v
    if isinstance(items, list) and all(isinstance(x, str) for x in items):
        return items
    raise ConfigError(f"{key} phải là một đường dẫn hoặc danh sách đường dẫn")


def _day(v, key) -> date:
    from tthc_cli.core.deadline import iso_date

    try:
        return iso_date(v)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None


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


# -- e-mail addresses: the grammar is core.addresses; here a bad one is a configuration error --------------


def check_address(value: str, key: str) -> str:
    """One mailbox, strictly (parse_mailbox), as text parseaddr reads back exactly: "Văn phòng <vp@xa.gov.vn>".

    The text as written is kept when it already reads back so (the progress store remembers recipients by it);
    otherwise the canonical form (format_mailbox) is returned.
    """
    from email.utils import parseaddr

    try:
        name, addr = parse_mailbox(value)
    except ValueError as exc:
        shown = quoted(value) if isinstance(value, str) else repr(value)
        raise ConfigError(f"{key}: địa chỉ thư không hợp lệ: {shown} ({exc})") from None
    given = value.strip(" ")
    if parseaddr(given) == (name, addr):
        return given
    canonical = format_mailbox(name, addr)
    if parseaddr(canonical) != (name, addr):  # not expected: refuse rather than send elsewhere
        raise ConfigError(f"{key}: địa chỉ thư không hợp lệ: {quoted(value)} (không đọc lại được đúng địa chỉ)")
    return canonical


def _addresses(v, key) -> list[str]:
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{key} phải là một địa chỉ hoặc danh sách địa chỉ thư")
    return [check_address(a, f"{key}[{i}]") for i, a in enumerate(items)]


def _recipients(v, key) -> dict[str, dict[str, list[str]]]:
    """`recipients: {TTPVHCC: [a@x, b@x], VHXH: {to: [c@x], cc: [d@x]}}`."""
    if not isinstance(v, dict):
        raise ConfigError(f"{key} phải là bảng: mã đơn vị → địa chỉ thư")
    out = {}
    for unit, spec in v.items():
        k = f"{key}.{unit}"
        if isinstance(spec, dict):
            unknown = set(spec) - {"to", "cc"}
            if unknown:
                raise ConfigError(f"{k}: khóa không hợp lệ {', '.join(sorted(map(str, unknown)))} (dùng to, cc)")
            if "to" not in spec:
                raise ConfigError(f"{k}: thiếu to (người nhận)")
            out[str(unit)] = {"to": _addresses(spec["to"], f"{k}.to"),
                              "cc": _addresses(spec["cc"], f"{k}.cc") if spec.get("cc") else []}
        else:
            out[str(unit)] = {"to": _addresses(spec, k), "cc": []}
    return out


def _communes(v, key) -> dict[str, dict]:
    """`communes: {"Xuân Trường": {recipients: {TTPVHCC: a@x}}, …}`: per commune, its units' recipients (a
    district or province office that sends every commune's digests from one cron job)."""
    if not isinstance(v, dict):
        raise ConfigError(f"{key} phải là bảng: tên xã → {{recipients: …}}")
    out = {}
    for name, spec in v.items():
        k = f"{key}.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{k} phải là bảng có recipients (người nhận thư của các đơn vị của xã)")
        unknown = set(spec) - {"recipients"}
        if unknown:
            raise ConfigError(f"{k}: khóa không hợp lệ {', '.join(sorted(map(str, unknown)))} (dùng recipients)")
        out[str(name)] = {"recipients": _recipients(spec.get("recipients") or {}, f"{k}.recipients")}
    return out


SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SMTP_KEYS = {"host": str, "port": int, "security": str, "user": str, "sender": str, "password_file": str,
             "timeout": (int, float), "data_timeout": (int, float), "retry_delays": list}
# RFC 5321 4.5.3.2: a client should wait 5 minutes for the reply to a command and 10 minutes for the reply to
# the end of DATA (the server may be checking the message). A shorter wait makes a slow server look dead
# after it has accepted the message, and the retry sends it again.
TIMEOUT = 300
DATA_TIMEOUT = 600
MAX_TIMEOUT = 3600


def _smtp(v, key) -> dict:
    if not isinstance(v, dict):
        raise ConfigError(f"{key} phải là bảng khóa–giá trị (host, port, security, user, sender)")
    out = {"host": None, "port": None, "security": "starttls", "user": None, "sender": None,
           "password_file": None, "timeout": TIMEOUT, "data_timeout": None, "retry_delays": [1, 4]}
    for k, val in v.items():
        if k == "password":
            raise ConfigError(f"{key}.password: không ghi mật khẩu trong tệp cấu hình; dùng biến TTHC_SMTP_PASSWORD "
                              f"hoặc password_file (quyền 0600)")
        if k not in SMTP_KEYS:
            hint = closest(str(k), SMTP_KEYS, n=1)
            raise ConfigError(f"{key}: {key_phrase(k)} không hợp lệ" + (f'; có phải "{hint[0]}"?' if hint else ""))
        typ = SMTP_KEYS[k]
        if k in ("timeout", "data_timeout"):
            if not isinstance(val, (int, float)) or isinstance(val, bool) or not 0 < val <= MAX_TIMEOUT:
                raise ConfigError(f"{key}.{k} phải là số giây, lớn hơn 0 và tối đa {MAX_TIMEOUT} "
                                  f"(mặc định {TIMEOUT if k == 'timeout' else DATA_TIMEOUT})")
            out[k] = val
            continue
        if not isinstance(val, typ) or isinstance(val, bool):
            what = {int: "số", list: "danh sách số giây"}.get(typ, "chuỗi")
            raise ConfigError(f"{key}.{k} phải là {what}")
        if k == "retry_delays" and (len(val) > 10 or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 600 for x in val)):
            raise ConfigError(f"{key}.retry_delays: tối đa 10 lần, mỗi lần 0–600 giây")
        out[k] = val
    if out["security"] not in SECURITIES:
        raise ConfigError(f'{key}.security phải là starttls, ssl hoặc none (không phải "{out["security"]}")')
    if out["data_timeout"] is None:  # an old file's timeout: 30 still waits long enough for the end of DATA
        out["data_timeout"] = max(DATA_TIMEOUT, out["timeout"])
    if out["sender"]:
        out["sender"] = check_address(out["sender"], f"{key}.sender")
    if out["port"] is None:
        out["port"] = DEFAULT_PORTS[out["security"]]
    if not 0 < out["port"] < 65536:
        raise ConfigError(f"{key}.port không hợp lệ")
    return out


def _units(v, key):
    if not isinstance(v, list) or not all(isinstance(u, dict) and u.get("code") and u.get("name") for u in v):
        raise ConfigError(f"{key} phải là danh sách đơn vị, mỗi đơn vị có code và name")
    return v


# name: (parser, default, help) — the one table that drives loading, checking and docs
ENTRIES = {
    "plans": (_paths, None, "Tệp hoặc thư mục kế hoạch (như --plans)."),
    "db": (_db_file, None, "Tệp cơ sở dữ liệu tiến độ (mặc định .tthc/progress.db cạnh thư mục kế hoạch)."),
    "store": (_store_url, None, ("Sổ tiến độ trong PostgreSQL thay cho tệp db: postgresql://máy-chủ/tên-csdl, không "
                                 "kèm mật khẩu (mật khẩu lấy từ PGPASSWORD, ~/.pgpass hoặc tệp dịch vụ).")),
    "user": (_str, None, "Tên người ghi nhận tiến độ (mặc định TTHC_USER hoặc tài khoản máy)."),
    "warn_days": (_int, 7, "Số ngày trước hạn thì coi là \"Sắp đến hạn\"."),
    "within": (_within, "14d", "Cửa sổ mặc định của `tthc due` (14d, 2w, 1m, 10wd)."),
    "roll_forward": (_bool, False, "Áp dụng quy tắc: thời hạn là một khoảng kết thúc vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp."),
    "days_off": (_days_off, {}, "Ngày nghỉ thêm (chưa có trong thư viện ngày lễ): danh sách ngày hoặc {date, name}."),
    "working_days": (_day_list, set(), "Ngày làm bù (thứ Bảy/Chủ nhật đi làm)."),
    "units": (_units, [], "Đơn vị hoặc cách viết thêm vào danh mục (như units: trong kế hoạch)."),
    "coordinator": (_str, "VHXH", ("Đơn vị theo dõi việc chung (giao cho \"các cơ quan, đơn vị có liên quan\"): "
                                   "thấy các việc đó trong due và thư tổng hợp của mình.")),
    "commune": (_str, None, ("Xã của cơ quan dùng tthc (ví dụ: UBND xã Xuân Trường): mặc định của --commune, và "
                             "là xã của kế hoạch không ghi issuer.")),
    "recipients": (_recipients, {}, ("Người nhận thư của mỗi đơn vị của xã trong commune: (hoặc của xã duy nhất có "
                                     "kế hoạch): mã đơn vị → địa chỉ, hoặc {to, cc}.")),
    "communes": (_communes, {}, ("Người nhận thư theo xã, khi một cơ quan gửi thư cho nhiều xã: tên xã → "
                                 "{recipients: {mã đơn vị: địa chỉ}}.")),
    "smtp": (_smtp, None, ("Máy chủ thư: host, port, security (starttls, ssl, none), user, sender, password_file, "
                           "timeout (giây chờ mỗi lệnh, mặc định 300), data_timeout (giây chờ máy chủ nhận xong "
                           "thư, mặc định 600), retry_delays (giây chờ giữa các lần thử lại, mặc định [1, 4]).")),
    "alarm_days": (_int, 3, "Lịch .ics: nhắc trước hạn bao nhiêu ngày."),
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
        return _named_config(explicit, "")
    env = os.environ.get("TTHC_CONFIG")
    if env:
        return _named_config(env, "TTHC_CONFIG: ")
    local = Path("tthc.yaml")
    if local.is_file():
        return local
    user = user_config_dir() / "tthc.yaml"
    return user if user.is_file() else None


def _named_config(name: str, where: str) -> Path:
    """The config file the user named; a FIFO or a device is refused as what it is, not "not found"."""
    from tthc_cli.io.files import FileError, require_regular

    p = Path(name)
    try:
        st = require_regular(p, "tệp cấu hình")
    except FileError as exc:
        raise ConfigError(f"{where}{exc.message}") from None
    if st is None:
        raise ConfigError(f'{where}không tìm thấy tệp cấu hình "{name}"')
    return p


def user_config_dir() -> Path:
    """The user's config folder for tthc (XDG on Linux; platformdirs elsewhere)."""
    import sys

    if sys.platform.startswith("linux"):  # what platformdirs answers on Linux, without its ~20 ms import
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        return Path(base) / "tthc"
    import platformdirs

    return Path(platformdirs.user_config_dir("tthc", appauthor=False))


def parse(data, source: Path | None, problems: list[str] | None = None) -> Config:
    """Check and convert parsed YAML into a Config.

    Raises ConfigError on the first problem, or, given a `problems` list,
    records every problem there and keeps the defaults for the bad entries.
    """
    values = {k: (d() if callable(d) else (d.copy() if hasattr(d, "copy") else d)) for k, (_, d, _) in ENTRIES.items()}
    if data is None:
        return Config(values, source)
    where = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}tệp cấu hình phải là bảng khóa–giá trị")
    for key, raw in data.items():
        try:
            if key not in ENTRIES:
                hint = closest(str(key), ENTRIES, n=1)
                more = f'; có phải "{hint[0]}"?' if hint else ""
                raise ConfigError(f"{key_phrase(key)} không có trong cấu hình{more}")
            values[key] = ENTRIES[key][0](raw, key) if raw is not None else values[key]
        except ConfigError as exc:
            if problems is None:
                raise ConfigError(f"{where}{exc.message}") from None
            problems.append(f"{where}{exc.message}")
    if values["db"] and values["store"] and problems is None:
        raise ConfigError(f"{where}db và store: chỉ dùng một (db: tệp SQLite, store: PostgreSQL)")
    return Config(values, source)


def smtp_password(config: Config) -> str | None:
    """The SMTP password: TTHC_SMTP_PASSWORD, else the password file (which must be 0600)."""
    env = os.environ.get("TTHC_SMTP_PASSWORD")
    if env:
        return env
    smtp = config.smtp or {}
    name = smtp.get("password_file")
    if not name:
        return None
    path = Path(os.path.expanduser(name))
    if not path.is_absolute() and config.source is not None:
        path = config.source.parent / path
    try:
        st = path.stat()
    except OSError:
        raise ConfigError(f'smtp.password_file: không đọc được "{path}"') from None
    if os.name == "posix" and st.st_mode & 0o077:
        raise ConfigError(f'smtp.password_file: "{path}" phải có quyền 0600 (chmod 600 {path}); '
                          f"hiện là {oct(st.st_mode & 0o777)}")
    from tthc_cli.io.files import FileError, read_regular

    try:  # a regular file of at most 64 KB: a FIFO or a device would hang or fill the memory
        return read_regular(path, 65536, "tệp mật khẩu").decode("utf-8").strip() or None
    except FileError as exc:
        raise ConfigError(f"smtp.password_file: {exc.message}") from None
    except UnicodeError:
        raise ConfigError(f'smtp.password_file: "{path}" không phải văn bản UTF-8') from None


def load(explicit: str | None = None, cache=None) -> Config:
    """Find, read and check the configuration."""
    path = find(explicit)
    if path is None:
        return parse(None, None)
    from tthc_cli.io.loader import read_plan

    raw = read_plan(path, cache, "tệp cấu hình")
    if not raw.ok:
        p = raw.problems[0]
        raise ConfigError(f"{path}{f':{p.line}' if p.line else ''}: {p.message}")
    return parse(raw.data, path)


def check_all(explicit: str | None = None, plans_workspace=None) -> tuple[list[str], Path | None]:
    """Every problem of the configuration (for `tthc config check`), and the file checked.

    `plans_workspace(path)` gives the plans read with this config (their registry has the units the plans
    define; their communes are what `commune:` and `communes:` must name); TthcError when there are no plans."""
    problems: list[str] = []
    try:
        path = find(explicit)
    except ConfigError as exc:
        return [exc.message], None
    if path is None:
        return [], None
    from tthc_cli.io.loader import read_plan

    raw = read_plan(path, None, "tệp cấu hình")
    if not raw.ok:
        p = raw.problems[0]
        return [f"{path}{f':{p.line}' if p.line else ''}: {p.message}"], path
    cfg = parse(raw.data, path, problems)
    from tthc_cli.io.workspace import base_registry

    reg = base_registry(False)
    if cfg.units:
        reg = reg.copy()
        try:
            reg.add_data({"units": cfg.units})
        except UnitDataError as exc:  # listed with the other problems, under the config file's name
            problems.extend(f"{path}: {p}" for p in (exc.problems or (exc.message,)))
    communes = None
    if not problems and plans_workspace is not None:  # the units the plans define count too, as for `digest`
        try:
            ws = plans_workspace(path)
            reg, communes = ws.registry, [x for x in ws.communes() if x is not None]
        except TthcError:
            pass  # no plans to read here: the bundled table and the config's units are what there is
    if cfg.db and cfg.store:
        problems.append(f"{path}: db và store: chỉ dùng một (db: tệp SQLite, store: PostgreSQL)")
    if cfg.db:
        from tthc_cli.io.files import FileError, require_regular

        try:
            require_regular(path.parent / cfg.db, "cơ sở dữ liệu tiến độ")
        except FileError as exc:
            problems.append(f"{path}: db: {exc.message}")
    problems += recipient_problems(cfg.recipients, reg, f"{path}: recipients")
    for name, entry in cfg.communes.items():
        problems += recipient_problems(entry["recipients"], reg, f"{path}: communes.{name}.recipients")
    if communes is not None:
        from tthc_cli.core.communes import find as find_commune

        named = [("commune", cfg.commune)] if cfg.commune else []
        for key, name in named + [("communes", n) for n in cfg.communes]:
            hits = find_commune(name, communes)
            if len(hits) != 1:
                problems.append(f'{path}: {key}: "{name}" ' + (
                    f'có thể là {" hoặc ".join(h.label for h in hits)}' if hits else
                    f"không phải xã nào có kế hoạch (có: {', '.join(x.label for x in communes[:8])})"))
    if cfg.coordinator and reg.match(cfg.coordinator) is None:
        hint = reg.suggest(cfg.coordinator)
        problems.append(f'{path}: coordinator: không có đơn vị "{cfg.coordinator}" trong danh mục'
                        + (f' (có phải "{hint[0]}"?)' if hint else ""))
    smtp = cfg.smtp
    if (cfg.recipients or cfg.communes) and not smtp:
        problems.append(f"{path}: có recipients nhưng chưa cấu hình smtp (host, sender)")
    if smtp:
        for key in ("host", "sender"):
            if not smtp.get(key):
                problems.append(f"{path}: smtp.{key} còn thiếu")
        try:
            password = smtp_password(cfg)
        except ConfigError as exc:
            problems.append(f"{path}: {exc.message}")
        else:
            if smtp.get("user") and not password:
                problems.append(f"{path}: smtp.user có nhưng thiếu mật khẩu: đặt TTHC_SMTP_PASSWORD hoặc "
                                f"smtp.password_file (quyền 0600)")
    return problems, path


def recipient_problems(recipients: dict, reg, where: str) -> list[str]:
    """What is wrong with one recipients table (unit → addresses) against the registry: a name no unit has, two
    spellings of one unit (two digests, the same mail twice). `config check` lists them; `digest` refuses the
    first."""
    problems = []
    seen: dict[str, str] = {}
    for code in recipients:
        unit = reg.units.get(code) or reg.match(code)
        if unit is None:
            hint = reg.suggest(code)
            problems.append(f'{where}: không có đơn vị "{code}" trong danh mục' + (f' (có phải "{hint[0]}"?)' if hint else ""))
        elif unit.code in seen:
            problems.append(f'{where}: "{seen[unit.code]}" và "{code}" là cùng một đơn vị ({unit.code}); '
                            f"hãy gộp người nhận vào một mục")
        else:
            seen[unit.code] = code
    return problems


def show_text(cfg: Config) -> str:
    """The configuration in use, as YAML, with the password masked."""
    import json

    lines = [f"# tệp: {cfg.source or '(không có — giá trị mặc định)'}"]

    def scalar(v):
        if isinstance(v, (date,)):
            return v.isoformat()
        return json.dumps(v, ensure_ascii=False)

    for key in ENTRIES:
        v = cfg.values.get(key)
        if key == "smtp" and v:
            lines.append("smtp:")
            for k, val in v.items():
                if val is not None:
                    lines.append(f"  {k}: {scalar(val)}")
            where = "TTHC_SMTP_PASSWORD" if os.environ.get("TTHC_SMTP_PASSWORD") else v.get("password_file")
            lines.append(f"  # mật khẩu: {'****** (từ ' + where + ')' if where else 'chưa có'}")
        elif key == "days_off":
            lines.append("days_off:" + ("" if v else " []"))
            lines += [f"  - {{date: {d.isoformat()}, name: {scalar(n)}}}" for d, n in sorted(v.items())]
        elif key == "working_days":
            lines.append(f"working_days: [{', '.join(d.isoformat() for d in sorted(v))}]")
        elif key == "recipients":
            lines.append("recipients:" + ("" if v else " {}"))
            for unit, spec in v.items():
                lines.append(f"  {unit}: {{to: {scalar(spec['to'])}, cc: {scalar(spec['cc'])}}}")
        elif isinstance(v, list) and key == "units":
            lines.append(f"units: {json.dumps(v, ensure_ascii=False)}")
        else:
            lines.append(f"{key}: {scalar(v) if v is not None else 'null'}")
    return "\n".join(lines) + "\n"
