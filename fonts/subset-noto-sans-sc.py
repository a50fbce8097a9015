#!/usr/bin/env python3
"""Reproduce fonts/NotoSansSC-Regular-subset.ttf from the upstream Noto Sans SC Regular TTF.

Usage (from the repository root, fonttools 4.68.0):
    python3 fonts/subset-noto-sans-sc.py /path/to/NotoSansSC_400Regular.ttf

Writes fonts/sc-unicodes.txt (the code points kept) and runs pyftsubset; see fonts/README.md.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "rules" / "data" / "tongyong-guifan-hanzi-2013.tsv"


def code_points():
    cps = set()
    # 《通用规范汉字表》 (2013): U+XXXX <TAB> char <TAB> pinyin
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cps.add(int(line.split("\t")[0][2:], 16))
    # GB2312: every two-byte code (rows 0xA1-0xF7, cells 0xA1-0xFE) the codec can decode.
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                s = bytes([b1, b2]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.update(ord(c) for c in s)
    cps.update(range(0x20, 0x7F))      # ASCII
    cps.update(range(0xA0, 0x100))     # Latin-1 Supplement
    cps.update(range(0x2000, 0x2070))  # General Punctuation (— ‘ ’ “ ” … ‧)
    cps.update(range(0x3000, 0x3040))  # CJK Symbols and Punctuation
    cps.update(range(0xFF00, 0xFFF0))  # Halfwidth and Fullwidth Forms
    cps.update(range(0xFE30, 0xFE50))  # CJK Compatibility Forms (vertical punctuation)
    return sorted(cps)


def main():
    src = sys.argv[1]
    out_list = ROOT / "fonts" / "sc-unicodes.txt"
    out_list.write_text("".join(f"U+{cp:04X}\n" for cp in code_points()), encoding="ascii")
    cmd = [
        "pyftsubset", src,
        f"--unicodes-file={out_list}",
        "--layout-features=*",
        "--name-IDs=*",
        "--name-languages=*",
        "--notdef-outline",
        "--no-hinting",
        f"--output-file={ROOT / 'fonts' / 'NotoSansSC-Regular-subset.ttf'}",
    ]
    print(" ".join(cmd))
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
