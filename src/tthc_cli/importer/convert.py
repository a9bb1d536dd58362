"""Old and other office formats (.doc, .ods, .xls) converted by LibreOffice, when it is installed.

`soffice --headless --convert-to docx|xlsx` runs in a temporary folder with a profile of its own
(`-env:UserInstallation`), so it neither touches the user's LibreOffice settings nor waits for a
LibreOffice window the user has open; it gets MAX_SECONDS, then it and its children are killed.
Without LibreOffice the message says what to install, or how to save the file in a format tthc reads.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tthc_cli.importer.document import ImportError_

MAX_SECONDS = 120
"""How long a conversion may take (a plan of 30 pages takes 2-5 s; LibreOffice's first start is the slow part)."""

KINDS = {
    ".doc": ("docx", "tệp Word 97-2003 (.doc)", "hãy mở bằng Word và lưu lại dạng .docx (Word Document)"),
    ".ods": ("xlsx", "bảng tính OpenDocument (.ods)", "hãy mở bằng LibreOffice Calc hoặc Excel và lưu lại dạng .xlsx"),
    ".xls": ("xlsx", "bảng tính Excel 97-2003 (.xls)", "hãy mở bằng Excel và lưu lại dạng .xlsx"),
}
INSTALL = "cài LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"


def soffice() -> str | None:
    """LibreOffice's command, if it is on PATH."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, suffix: str):
    """The file at `path` converted by LibreOffice (a .docx for a .doc, a .xlsx for a spreadsheet), in a
    temporary folder removed afterwards. ImportError_ with what to do when that cannot be done."""
    target, what, save_as = KINDS[suffix]
    exe = soffice()
    if exe is None:
        raise ImportError_(f"{path.name}: {what}: tthc cần LibreOffice để đọc loại tệp này; {INSTALL}, "
                           f"hoặc {save_as}")
    with tempfile.TemporaryDirectory(prefix="tthc-convert-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / f"nguon{suffix}"  # a plain name: LibreOffice reads options from some odd ones
        shutil.copyfile(path, src)
        out = tmp_path / "out"
        profile = (tmp_path / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target, "--outdir", str(out), str(src)]
        env = dict(os.environ, HOME=tmp)  # LibreOffice writes caches under HOME; keep them in the folder
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=env, start_new_session=True)
        except OSError as exc:
            raise ImportError_(f"{path.name}: không chạy được LibreOffice ({exe}: {exc.strerror or exc}); "
                               f"{save_as}") from None
        try:
            _, err = proc.communicate(timeout=MAX_SECONDS)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ImportError_(f"{path.name}: LibreOffice chuyển đổi quá {MAX_SECONDS} giây, đã dừng; "
                               f"{save_as}") from None
        result = out / f"nguon.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()
            detail = [d for d in detail if "javaldx" not in d and d.strip()]
            why = f" ({detail[-1][:200]})" if detail else ""
            raise ImportError_(f"{path.name}: LibreOffice không chuyển được {what}{why}: tệp có mật khẩu hoặc bị "
                               f"hỏng; {save_as}")
        yield result


def _kill(proc: subprocess.Popen) -> None:
    """End the conversion and whatever it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
