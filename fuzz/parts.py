#!/usr/bin/env python3
"""parts.py OUT_DIR PACKAGE…: writes each zip package (DOCX, XLSX) as a seed for the
`docx-parts` / `xlsx-parts` targets: `name NUL body NUL name NUL body …`, in zip order, the
inverse of `docsan_fuzz::zip_parts`. Files that are not readable zips are skipped."""
import hashlib, os, sys, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for path in sys.argv[2:]:
    try:
        with zipfile.ZipFile(path) as z:
            fields = []
            for info in z.infolist():
                fields += [info.filename.encode(), z.read(info)]
    except Exception:
        continue
    data = b"\0".join(fields)
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)
