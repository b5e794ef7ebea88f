"""The 7,700 x 7,700 px PNG (issue 15, finding 3): how long the upload check takes to
refuse it and the process's peak RSS, against decoding it (what the check did before).

    .venv/bin/python bench/image_bomb.py

Each measure runs in a fresh child process (peak RSS is per process)."""

import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bomb() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (7_700, 7_700), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def child(mode: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from inspections.uploads import uploads_check
    from models_registry.services.progress import attachment_check
    from workflow.errors import WorkflowError

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if mode == "visit-check":
        try:
            uploads_check([SimpleUploadedFile("anh.png", data)])
            outcome = "accepted"
        except WorkflowError:
            outcome = "refused"
    elif mode == "progress-check":
        kind, _ = attachment_check(SimpleUploadedFile("anh.png", data))
        outcome = "accepted" if kind else "refused"
    else:  # decode, as the check did before
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(io.BytesIO(data)) as image:
            image.convert("RGB").load()
        outcome = "decoded"
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{mode:<15} {outcome:<9} {elapsed * 1000:8.1f} ms  peak RSS {peak / 1024:6.1f} MB "
        f"(+{(peak - before) / 1024:.1f} MB over the process after Django's start)"
    )


def main() -> None:
    if len(sys.argv) == 3:
        child(sys.argv[1], sys.argv[2])
        return
    path = ROOT / "var" / "bench-bomb.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bomb())
    print(f"command: {' '.join(sys.argv)}; load average {os.getloadavg()[0]:.2f}")
    print(f"file: {path.stat().st_size / 1024:.0f} KB, 7700 x 7700 px")
    for mode in ("visit-check", "progress-check", "decode"):
        subprocess.run([sys.executable, __file__, mode, str(path)], check=True)
    path.unlink()


if __name__ == "__main__":
    main()
