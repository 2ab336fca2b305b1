"""Executes notebooks headless, each in a fresh kernel, and writes OUT/NAME.ipynb, OUT/NAME.html and
OUT/index.html (used by ./t2j demo). Runs every notebook even when one fails; exits 1 when any failed."""
import argparse
import os
import sys
import time

import nbformat

import demo_report
from run_notebook import error_name_and_value, execute, traceback_text


def log(message):
    print("t2j demo: " + message, file=sys.stderr, flush=True)


def first_unrun_code_cell(nb):
    """(index, cell) of the first code cell without an execution count: where a dead kernel stopped."""
    return next(((i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.get("execution_count")),
                (None, None))


def run_one(path, kernel, timeout, out):
    """Executes one notebook and writes its files; returns its index entry."""
    name = os.path.splitext(os.path.basename(path))[0]
    entry = {"name": name, "title": name, "ok": False, "cell": None, "in": None, "message": None}
    start = time.monotonic()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # not a notebook: report it, go on with the others
        entry.update(seconds=time.monotonic() - start, message="cannot read %s: %s" % (path, demo_report.one_line(error)))
        return entry
    entry["title"] = demo_report.title(nb, name)
    try:
        failure = execute(nb, path, kernel, timeout, startup_timeout=180)
        if failure is not None:
            index, cell, error = failure
            ename, evalue = error_name_and_value(error)
            entry.update(cell=index + 1, message="%s: %s" % (ename, demo_report.one_line(evalue)))
            entry["in"] = cell.get("execution_count")
            details = traceback_text(cell)
            if details:
                log(details)
    except Exception as error:  # the kernel died or never started
        index, cell = first_unrun_code_cell(nb)
        entry.update(cell=None if index is None else index + 1,
                     message="%s: %s" % (type(error).__name__, demo_report.one_line(error)))
    entry["seconds"] = time.monotonic() - start
    entry["ok"] = entry["message"] is None

    nbformat.write(nb, os.path.join(out, name + ".ipynb"))
    entry["written"] = True
    try:
        demo_report.write_report(nb, path, os.path.join(out, name + ".html"))
        entry["html"] = name + ".html"
    except Exception as error:
        entry.update(ok=False, message=entry["message"] or "HTML report failed: %s" % demo_report.one_line(error))
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per cell; interrupts the cell")
    parser.add_argument("--quick", action="store_true", help="only labels the index; the kernel reads T2J_QUICK")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    entries = []
    total = len(args.notebooks)
    for number, path in enumerate(args.notebooks, 1):
        log("[%d/%d] %s ..." % (number, total, path))
        entry = run_one(path, args.kernel, args.timeout, args.out)
        entries.append(entry)
        log("[%d/%d] %s %s (%s)" % (number, total, path, demo_report.status_text(entry),
                                    demo_report.duration(entry["seconds"])))
        demo_report.write_index(entries, os.path.join(args.out, "index.html"), args.quick)
    failed = sum(not e["ok"] for e in entries)
    log("%d of %d notebooks ok; report: %s" % (total - failed, total, os.path.join(args.out, "index.html")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
