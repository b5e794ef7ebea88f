"""LibreOffice headless (Debian's package) and poppler, driven the way an office would open
the project's files: convert to PDF in one soffice call, then read the PDF's fonts, text
and pages, and render first pages to PNG."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# What a PDF may name for the documents' one font: Times New Roman itself where it is
# installed, else LibreOffice's metric-compatible substitute (same advance widths, so the
# same line breaks and pages). Subset prefixes ("ABCDEF+") are stripped first.
TIMES_NAMES = re.compile(r"^(TimesNewRoman|Times-Roman|Times New Roman|LiberationSerif)")


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice (soffice) is not installed: `make test` installs it"
    return path


def convert(files: list[Path], outdir: Path, profile: Path) -> dict[Path, Path]:
    """Every file to PDF in a single soffice run with a private profile (a user's running
    LibreOffice, or a parallel test, cannot lock it)."""
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return {f: outdir / f"{f.stem}.pdf" for f in files}


@dataclass
class Pdf:
    path: Path

    def fonts(self) -> list[str]:
        out = subprocess.run(
            ["pdffonts", str(self.path)], capture_output=True, text=True, check=True
        ).stdout
        names = []
        for line in out.splitlines()[2:]:
            name = line.split()[0]
            names.append(name.split("+", 1)[1] if "+" in name[:8] else name)
        return names

    def text(self) -> str:
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(self.path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def pages(self) -> int:
        out = subprocess.run(
            ["pdfinfo", str(self.path)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))

    def page_size(self) -> tuple[float, float]:
        out = subprocess.run(
            ["pdfinfo", str(self.path)], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", out, re.M)
        return float(match.group(1)), float(match.group(2))

    def first_page_png(self, target: Path) -> Path:
        """The first page as PNG at ``target`` (…/name.png)."""
        stem = target.with_suffix("")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
             str(self.path), str(stem)],
            check=True,
        )  # fmt: skip
        return target


def squash(text: str) -> str:
    """Whitespace (line breaks inside table cells included) as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def reads(text_words: list[str], name: str) -> bool:
    """Whether ``name`` is in the text: whole, or — where a table cell wrapped it and
    poppler read the cell beside it line by line in between — its words in order, each
    within a few lines' words of the one before. A lone "-" is not looked for there:
    poppler drops a dash that ends a line as if it were a hyphen."""
    words = name.split()
    if " ".join(words) in " ".join(text_words):
        return True
    words = [w for w in words if w not in {"-", "–"}]
    gap = 40  # words of the neighbouring cells a wrapped line may have between
    first = words[0]
    for start, word in enumerate(text_words):
        if word != first:
            continue
        at, ok = start, True
        for wanted in words[1:]:
            window = text_words[at + 1 : at + 1 + gap]
            if wanted not in window:
                ok = False
                break
            at = at + 1 + window.index(wanted)
        if ok:
            return True
    return False
