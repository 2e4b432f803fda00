#!/usr/bin/env python3
"""Generates the compact CJK CMap tables in data/cjk/ from pdfminer.six's pickled copies of
Adobe's cmap-resources (BSD-3-Clause, (c) Adobe Systems).

Run:
    pip download pdfminer.six==20240706 --no-deps -d /tmp/pm && cd /tmp/pm && unzip -o *.whl
    PYTHONPATH=/tmp/pm python3 data/gen_cjk.py

Formats (all integers big-endian, each file deflate-compressed with zlib framing):
- `<CMap>.bin` (code -> CID): records of 9 bytes: code length u8, first code u32, count u16,
  first CID u16. A record maps `count` consecutive codes to consecutive CIDs. `-V` CMaps are
  stored as the records that differ from their `-H` sibling (applied on top of it).
- `cid2uni-<Ordering>.bin` (CID -> Unicode): records of 8 bytes: first CID u16, count u16,
  first Unicode scalar u32, for consecutive runs.
"""
import gzip, os, pickle, zlib

SRC = os.path.join(os.path.dirname(__import__('pdfminer').__file__), 'cmap')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cjk')

CMAPS = [
    'UniGB-UCS2-H', 'UniGB-UTF16-H', 'GBK-EUC-H', 'GBpc-EUC-H', 'GB-EUC-H', 'GBK2K-H', 'GBKp-EUC-H',
    'UniCNS-UCS2-H', 'UniCNS-UTF16-H', 'B5pc-H', 'ETen-B5-H',
    'UniJIS-UCS2-H', 'UniJIS-UTF16-H', '90ms-RKSJ-H', 'EUC-H',
    'UniKS-UCS2-H', 'UniKS-UTF16-H', 'KSC-EUC-H', 'KSCms-UHC-H',
]
ORDERINGS = ['GB1', 'CNS1', 'Japan1', 'Korea1']


def load(name):
    return pickle.loads(gzip.open(os.path.join(SRC, name + '.pickle.gz')).read())


def flat(d, pre=b''):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, pre + bytes([k]))
        else:
            yield pre + bytes([k]), v


def entries(name):
    return {code: cid for code, cid in flat(load(name)['CODE2CID'])}


def records(m):
    items = sorted(((len(c), int.from_bytes(c, 'big')), cid) for c, cid in m.items())
    out = []
    for (ln, code), cid in items:
        if out:
            l0, c0, n0, d0 = out[-1]
            if l0 == ln and c0 + n0 == code and d0 + n0 == cid and n0 < 0xFFFF:
                out[-1] = (l0, c0, n0 + 1, d0)
                continue
        out.append((ln, code, 1, cid))
    b = bytearray()
    for ln, code, n, cid in out:
        assert cid < 65536
        b += bytes([ln]) + code.to_bytes(4, 'big') + n.to_bytes(2, 'big') + cid.to_bytes(2, 'big')
    return bytes(b)


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(zlib.compress(data, 9))


os.makedirs(OUT, exist_ok=True)
total = 0
for h in CMAPS:
    mh = entries(h)
    write(h + '.bin', records(mh))
    v = h[:-2] + '-V'
    if os.path.exists(os.path.join(SRC, v + '.pickle.gz')):
        mv = entries(v)
        diff = {c: cid for c, cid in mv.items() if mh.get(c) != cid}
        write(v + '.bin', records(diff))
for o in ORDERINGS:
    d = load('to-unicode-Adobe-' + o)['CID2UNICHR_H']
    runs = []
    for cid in sorted(d):
        s = d[cid]
        if len(s) != 1:
            continue
        u = ord(s)
        if runs and runs[-1][0] + runs[-1][1] == cid and runs[-1][2] + runs[-1][1] == u and runs[-1][1] < 0xFFFF:
            runs[-1][1] += 1
        else:
            runs.append([cid, 1, u])
    b = bytearray()
    for cid, n, u in runs:
        b += cid.to_bytes(2, 'big') + n.to_bytes(2, 'big') + u.to_bytes(4, 'big')
    write('cid2uni-' + o + '.bin', bytes(b))
