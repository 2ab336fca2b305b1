"""The HTML side of ./t2j demo: one nbconvert report per executed notebook, and the index page listing them.

Reports are self-contained (styles, outputs and the notebook's own markdown images inlined; require.js inlined
from Debian's libjs-requirejs when present) except for MathJax, which loads from cdnjs: LaTeX in markdown cells
shows as source offline. Debian's nbconvert would otherwise point both at file:///usr/share/javascript, which
only exists on a machine with those packages."""
import base64
import datetime
import html
import os
import re

from traitlets.config import Config

REQUIRE_JS = "/usr/share/javascript/requirejs/require.min.js"
REQUIRE_JS_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"
MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def title(nb, fallback):
    """The text of the first markdown heading, else fallback."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = HEADING.match(line)
            if match:
                return EMPHASIS.sub("", LINK.sub(r"\1", match.group(1))).strip() or fallback
    return fallback


def one_line(text, limit=240):
    """The first non-blank line of text, cut to limit characters."""
    line = next((l.strip() for l in str(text).splitlines() if l.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _require_js_url():
    if os.path.isfile(REQUIRE_JS):
        with open(REQUIRE_JS, "rb") as f:
            return "data:text/javascript;base64," + base64.b64encode(f.read()).decode("ascii")
    return REQUIRE_JS_CDN


def write_report(nb, notebook_path, html_path):
    """Writes nb (already executed) as an HTML page."""
    from nbconvert import HTMLExporter  # imported here: slow, and not needed to list notebooks

    config = Config()
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.require_js_url = _require_js_url()
    config.HTMLExporter.mathjax_url = MATHJAX_CDN
    name = os.path.splitext(os.path.basename(notebook_path))[0]
    resources = {"metadata": {"name": name, "path": os.path.dirname(os.path.abspath(notebook_path))}}
    body, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=resources)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(body)


def status_text(entry):
    """'ok', or 'failed at cell N (In [k]): message'."""
    if entry["ok"]:
        return "ok"
    where = " at cell %d" % entry["cell"] if entry.get("cell") else ""
    if entry.get("in"):
        where += " (In [%s])" % entry["in"]
    return "failed%s: %s" % (where, entry["message"])


def duration(seconds):
    return "%.1f s" % seconds if seconds < 60 else "%d min %02d s" % divmod(round(seconds), 60)


STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #ddd;
vertical-align:top}th:last-child,td.time{white-space:nowrap;text-align:right}.ok{color:#17692c}.failed{color:#b00020}
small{color:#666}"""


def write_index(entries, path, quick):
    """out/index.html: one row per notebook with its title, status, wall time and links."""
    rows = []
    for number, entry in enumerate(entries, 1):
        name = html.escape(entry["name"])
        link = '<a href="%s">%s</a>' % (html.escape(entry["html"]), html.escape(entry["title"])) \
            if entry.get("html") else html.escape(entry["title"])
        rows.append('<tr><td>%d</td><td>%s<br><small>%s.ipynb%s</small></td><td class="%s">%s</td>'
                    '<td class="time">%s</td></tr>'
                    % (number, link, name,
                       ' · <a href="%s.ipynb">executed notebook</a>' % name if entry.get("written") else "",
                       "ok" if entry["ok"] else "failed", html.escape(status_text(entry)),
                       duration(entry["seconds"])))
    passed = sum(e["ok"] for e in entries)
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>t2j notebooks</title><style>%s</style></head><body>
<h1>t2j notebooks</h1>
<p>%d of %d notebooks ran without errors%s. Generated %s by <code>./t2j demo</code>.</p>
<table><thead><tr><th>#</th><th>notebook</th><th>status</th><th>wall time</th></tr></thead>
<tbody>
%s
</tbody></table></body></html>
""" % (STYLE, passed, len(entries), " (quick mode: T2J_QUICK=1)" if quick else "",
       datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "\n".join(rows))
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
