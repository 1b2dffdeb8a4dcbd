"""Sphinx extension of the book and the papers: glued tables numbered "Table N", apart from the figures.

Loaded through ``sphinx: extra_extensions`` in ``book/_config.yml``. It replaces myst-nb's
``{glue:figure}`` directive with one that looks at what was glued:

* a table glued by :func:`analysis.report.figures.publish_table` (it carries the cells as
  :data:`analysis.report.table_display.TABLE_MIME`) becomes a :class:`glued_table` node, which Sphinx
  numbers with the tables (``numfig_format["table"]``, "Table N"; ``{numref}`` says "Table N"), with the
  caption above the table, the HTML table inside a box that scrolls sideways on a narrow screen
  (``book/_static/tables.css``), and under it the table's note and a source line naming the notebook and
  the data it read (:data:`LINEAGE_FILE`, written by :mod:`analysis.runner.book`). The LaTeX writer sets
  the same cells as a ``table`` float (``longtable`` when long) so that the PDF numbers it the same way;
* an HTML table glued some other way is refused (a warning fails the strict build): glue it with
  ``publish_table``;
* anything else (a figure) is myst-nb's figure, with alt text: the directive's ``:alt:`` or, without it,
  the first sentence of the caption.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.directives import PasteFigureDirective
from myst_nb.ext.glue.utils import retrieve_glue_data

from analysis.report.table_display import TABLE_MIME, latex_tabular

LINEAGE_FILE = "_generated/lineage.json"  # {page stem: {"notebook": source, "data": [what it read]}}, staged
LONG_TABLE_ROWS = 30  # a table with more rows is a longtable in the PDF (it may break across pages)


class glued_table(nodes.figure):
    """A glued table with its caption: a figure node that Sphinx numbers as a table."""


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (up to the first full stop followed by a space), on one line."""
    flat = " ".join(text.split())
    match = re.search(r"(?<=[a-z0-9)%])\.\s", flat)
    return flat[: match.start() + 1] if match else flat


def source_notebook(docname: str, lineage: dict[str, dict[str, Any]]) -> str:
    """The file name of the notebook that made the page ``docname`` (a case chapter's is the case-study template)."""
    stem = Path(docname).name
    return str(lineage.get(stem, {}).get("notebook") or f"{stem}.ipynb")


def source_line(docname: str, key: str, lineage: dict[str, dict[str, Any]]) -> str:
    """The line under a table or figure: the notebook that made it (and its glue name) and the data that notebook read."""
    data = lineage.get(Path(docname).name, {}).get("data", [])
    line = f"Source: notebook {source_notebook(docname, lineage)} (glued as {key})"
    return line + (f"; data: {', '.join(data)}." if data else ".")


def notebook_url(config: Any, docname: str, notebook: str) -> str | None:
    """The address of ``notebook`` (a file of ``notebooks/``) in the repository the book names (``repository: url,
    branch`` of ``_config.yml``), for a page under ``notebooks/``; else None."""
    options = getattr(config, "html_theme_options", None) or {}
    url = options.get("repository_url")
    if not url or not docname.startswith("notebooks/"):
        return None
    return f"{url.rstrip('/')}/blob/{options.get('repository_branch') or 'main'}/notebooks/{notebook}"


def source_paragraph(env: Any, key: str, note: str = "") -> nodes.paragraph:
    """``note`` and the :func:`source_line`, its notebook name linked to the notebook in the repository."""
    lineage = env.config.glued_tables_lineage or {}
    line = source_line(env.docname, key, lineage)
    paragraph = nodes.paragraph("", "", classes=["table-note"])
    if note:
        paragraph += nodes.Text(note + " ")
    notebook = source_notebook(env.docname, lineage)
    url = notebook_url(env.config, env.docname, notebook)
    head, tail = line.split(f"notebook {notebook}", 1)
    paragraph += nodes.Text(head)
    paragraph += nodes.reference("", f"notebook {notebook}", refuri=url) if url else nodes.Text(f"notebook {notebook}")
    paragraph += nodes.Text(tail)
    return paragraph


class GluedOutputDirective(PasteFigureDirective):
    """``{glue:figure}``: a glued table as a numbered table, a glued figure as myst-nb's figure with alt text."""

    def run(self) -> list[nodes.Node]:
        try:
            data = retrieve_glue_data(self.document, self.arguments[0]).data
        except RetrievalError:
            return super().run()
        if TABLE_MIME in data:
            return [self.table_node(data)]
        html = data.get("text/html", "")
        if "<table" in (html if isinstance(html, str) else "".join(html)) and not any(
            mime.startswith("image/") for mime in data
        ):
            message = f"glued table {self.arguments[0]!r} has no cells record: glue it with publish_table"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        return self.with_alt_text(super().run())

    def with_alt_text(self, result: list[nodes.Node]) -> list[nodes.Node]:
        """The figure with alt text on its image and, under its caption, the line naming its notebook and data."""
        for figure in result:
            if not isinstance(figure, nodes.figure):
                continue
            captions = [child for child in figure.children if isinstance(child, nodes.caption)]
            alt = self.options.get("alt") or (first_sentence(captions[0].astext()) if captions else "")
            for image in figure.findall(nodes.image):
                image.setdefault("alt", alt)
            legends = [child for child in figure.children if isinstance(child, nodes.legend)]
            legend = legends[0] if legends else nodes.legend()
            if not legends:
                figure += legend
            legend += source_paragraph(self.state.document.settings.env, self.arguments[0])
        return result

    def table_node(self, data: dict[str, Any]) -> glued_table:
        record = data[TABLE_MIME]
        record = json.loads(record) if isinstance(record, str) else record
        html = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
        node = glued_table("", classes=["glued-table", *self.options.get("figclass", [])], record=record)
        self.set_source_info(node)
        self.add_name(node)
        if not node["ids"]:
            node["ids"].append(nodes.make_id(f"table-{self.arguments[0]}"))
        more: list[nodes.Node] = []  # paragraphs of the caption after its first: notes under the table
        if self.content:
            holder = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, holder)
            first, *more = holder.children
            caption = nodes.caption(first.rawsource, "", *first.children)
            caption.source, caption.line = first.source, first.line
            node += caption
        node += nodes.raw("", f'<div class="table-scroll">{html}</div>', format="html")
        node.extend(more)
        node += source_paragraph(self.state.document.settings.env, self.arguments[0], record.get("note", ""))
        return node


def visit_table_html(self: Any, node: glued_table) -> None:
    """``<figure>`` with the caption in its ``<figcaption>`` above the table (docutils would wrap the table in it)."""
    self.visit_figure(node)
    for child in node.children:
        child.walkabout(self)
        if isinstance(child, nodes.caption):
            self.body.append("</figcaption>\n")
    self.body.append("</figure>\n")
    raise nodes.SkipNode


def visit_table_latex(self: Any, node: glued_table) -> None:
    """The table as a ``table`` float (caption above, scaled down to the text width when wider), or a ``longtable``."""
    record = node["record"]
    caption = next((child for child in node.children if isinstance(child, nodes.caption)), None)
    notes = [child for child in node.children if not isinstance(child, nodes.caption | nodes.raw)]
    long = len(record["rows"]) > LONG_TABLE_ROWS
    opening, heading, body = latex_tabular(record, "longtable" if long else "tabular")
    if long:
        self.body.append("\n\\begingroup\\small\n" + opening + "\n")
        if caption is not None:
            caption.walkabout(self)
            self.body.append("\\\\\n")
        self.body.append(f"{heading}\n\\endfirsthead\n{heading}\n\\endhead\n{body}\n\\end{{longtable}}\n\\endgroup\n")
    else:
        self.body.append("\n\\begin{table}[htbp]\n\\centering\n\\small\n\\capstart\n")
        if caption is not None:
            caption.walkabout(self)
        scaled = "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{"
        self.body.append(f"\n{scaled}{opening}\n{heading}\n{body}\n\\end{{tabular}}}}\n")
    self.body.append("\n\\par\\footnotesize\n")
    for note in notes:
        note.walkabout(self)
    self.body.append("" if long else "\\end{table}\n")
    raise nodes.SkipNode


def visit_table_text(self: Any, node: glued_table) -> None:
    self.visit_figure(node)


def depart_table_text(self: Any, node: glued_table) -> None:
    self.depart_figure(node)


def _code_digest() -> str:
    import hashlib

    sources = (Path(__file__), Path(__file__).with_name("table_display.py"))
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()


def _read_lineage(app: Any, config: Any) -> None:
    lineage = Path(app.srcdir) / LINEAGE_FILE
    if not config.glued_tables_lineage and lineage.is_file():
        config.glued_tables_lineage = json.loads(lineage.read_text(encoding="utf-8"))


def setup(app: Any) -> dict[str, Any]:
    """Register the node (numbered as a table), its HTML and LaTeX writers, and the ``{glue:figure}`` directive."""
    app.add_config_value("glued_tables_lineage", {}, "env")
    # This module's own digest as a config value: Sphinx re-reads every page when the extension changes.
    app.add_config_value("glued_tables_code", _code_digest(), "env")
    app.connect("config-inited", _read_lineage)
    app.add_enumerable_node(
        glued_table,
        "table",
        html=(visit_table_html, None),
        latex=(visit_table_latex, None),
        text=(visit_table_text, depart_table_text),
    )
    app.add_directive_to_domain("glue", "figure", GluedOutputDirective, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
