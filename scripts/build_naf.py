"""Build chalicelib/opco/data/naf_rev2.csv (code, label, section) from the NAF rév. 2 label files.

Sections come from the division (2 first digits), as in INSEE's NAF rév. 2 structure.
Usage: build_naf.py SOUS_CLASSES.csv SECTIONS.csv OUT.csv
"""

from __future__ import annotations

import csv
import sys

# INSEE NAF rév. 2: section -> range of divisions (inclusive).
SECTION_DIVISIONS = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}


def section_of(code: str) -> str:
    division = int(code[:2])
    return next(s for s, (low, high) in SECTION_DIVISIONS.items() if low <= division <= high)


def main(sub_classes: str, sections: str, out: str) -> None:
    with open(sections, encoding="utf-8") as handle:
        section_labels = {row["code"]: row["label"] for row in csv.DictReader(handle)}
    with open(sub_classes, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="|"))
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "label", "section"])
        for section, label in sorted(section_labels.items()):
            writer.writerow([section, label, section])
        for row in rows:
            writer.writerow([row["naf_id"], row["naf_label"], section_of(row["naf_id"])])


if __name__ == "__main__":
    main(*sys.argv[1:4])
