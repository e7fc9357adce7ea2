"""Open a GeoPackage in QGIS, load each layer's default style, render a PNG, print a JSON report.

Run with a Python that has QGIS's bindings (Debian's ``/usr/bin/python3`` with
``python3-qgis``) and ``QT_QPA_PLATFORM=offscreen``::

    python3 tests/qgis_check.py posture.gpkg out.png sites,movements,places [sites,movements]

Every layer named is opened and described; those in the optional last
argument (all of them by default) are drawn, in the order given, the first on top.  The report holds, per
layer: whether it is valid, what ``loadDefaultStyle()`` returned, the
renderer's type, its rules (label, filter, on or off, with symbol colours,
outline styles and data-defined size), and whether labels are on.  This file
is not collected by pytest: it runs inside QGIS's own Python.
"""

from __future__ import annotations

import json
import sys


def describe_rule(rule) -> dict:
    symbol = rule.symbol()
    layers = []
    if symbol is not None:
        for index in range(symbol.symbolLayerCount()):
            layer = symbol.symbolLayer(index)
            properties = layer.properties()
            size = layer.dataDefinedProperties().property(layer.PropertySize)
            layers.append(
                {
                    "class": layer.layerType(),
                    "color": properties.get("color") or properties.get("line_color"),
                    "outline_style": properties.get("outline_style") or properties.get("line_style"),
                    "size_expression": size.expressionString() if size.isActive() else None,
                }
            )
    return {
        "label": rule.label(),
        "filter": rule.filterExpression(),
        "active": rule.active(),
        "symbol_layers": layers,
        "children": [describe_rule(child) for child in rule.children()],
    }


def main(path: str, png: str, names: list[str], drawn: list[str]) -> dict:
    from qgis.core import (
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage, QPainter

    report: dict = {"layers": {}}
    layers = []
    for name in names:
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        message, loaded = layer.loadDefaultStyle()
        renderer = layer.renderer()
        entry = {
            "valid": layer.isValid(),
            "features": layer.featureCount(),
            "default_style_loaded": bool(loaded),
            "message": message,
            "renderer": renderer.type() if renderer else None,
            "labels": bool(layer.labelsEnabled()),
            "labeling": layer.labeling().type() if layer.labeling() else None,
        }
        if renderer is not None and renderer.type() == "RuleRenderer":
            entry["rules"] = [describe_rule(rule) for rule in renderer.rootRule().children()]
            entry["order_by"] = renderer.orderBy().dump() if renderer.orderByEnabled() else None
        report["layers"][name] = entry
        layers.append(layer)

    # The sites' extent, widened as the page's view is: movements may reach far beyond.
    extent = QgsRectangle()
    for layer in layers:
        if layer.name() == "sites" and layer.featureCount():
            extent.combineExtentWith(layer.extent())
    extent.grow(max(extent.width(), extent.height()) * 0.3 + 3)

    # Two panels, as map.png and compare.html show: the first phase, then the last.
    sites = next((layer for layer in layers if layer.name() == "sites"), None)
    phase_rules = sites.renderer().rootRule().children() if sites is not None else []
    panels = [0, len(phase_rules) - 1] if phase_rules else [None]
    width, height = 900, 700
    canvas = QImage(width * len(panels), height, QImage.Format_ARGB32)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    report["panels"], report["render_errors"] = [], []
    for number, shown in enumerate(panels):
        # Each panel shows one phase, switched on as a user does in the Layers panel
        # (labels follow only that way, not through Rule.setActive).
        for index, rule in enumerate(phase_rules):
            sites.renderer().checkLegendSymbolItem(rule.ruleKey(), index == shown)
        settings = QgsMapSettings()
        settings.setLayers([layer for layer in layers if layer.name() in drawn])
        settings.setBackgroundColor(QColor("#cfe0ea"))
        settings.setOutputSize(QSize(width, height))
        settings.setOutputDpi(96)
        settings.setExtent(extent)
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        painter.drawImage(number * width, 0, job.renderedImage())
        report["panels"].append(phase_rules[shown].label() if shown is not None else None)
        report["render_errors"] += [error.message for error in job.errors()]
    painter.end()
    report["png_saved"] = bool(canvas.save(png, "PNG"))
    return report


if __name__ == "__main__":
    from qgis.core import QgsApplication

    application = QgsApplication([], False)
    application.initQgis()
    names = sys.argv[3].split(",")
    drawn = sys.argv[4].split(",") if len(sys.argv) > 4 else names
    print(json.dumps(main(sys.argv[1], sys.argv[2], names, drawn)), flush=True)
    # The layers are gone with main(); QGIS shuts down last, or the interpreter crashes on exit.
    application.exitQgis()
