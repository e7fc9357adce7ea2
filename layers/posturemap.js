/* posturemap page runtime: draws layers from the JSON each page embeds.
 * Text from scenarios is only ever set with textContent, never as HTML. */
(function (global) {
  "use strict";
  var PM = {};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  PM.el = el;

  function fmt(n) { return n === null || n === undefined ? null : Number(n).toLocaleString("en-US"); }

  function isSafeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }

  PM.sourceList = function (refs, sources) {
    var list = el("ul", "pm-sources");
    (refs || []).forEach(function (ref) {
      var parts = String(ref).split("#");
      var source = sources[parts[0]] || { title: parts[0] };
      var item = el("li");
      var title = isSafeUrl(source.url) ? el("a", null, source.title) : el("span", null, source.title);
      if (isSafeUrl(source.url)) { title.href = source.url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
      item.appendChild(title);
      var extra = [source.publisher, source.date, parts[1] ? "¶" + parts[1] : null].filter(Boolean).join(", ");
      if (extra) item.appendChild(el("span", "pm-source-meta", " (" + extra + ")"));
      list.appendChild(item);
    });
    return list;
  };

  function row(table, label, value) {
    if (value === null || value === undefined || value === "") return;
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }

  PM.sitePopup = function (d, i, ctx) {
    var box = el("div", "pm-popup");
    box.appendChild(el("h4", null, d.name[i]));
    box.appendChild(el("div", "pm-popup-sub", ctx.actors[d.actor[i]].name + " · " + ctx.phaseLabel));
    var table = el("table");
    var text = d.text[i];
    row(table, "Reported", text === null ? "no figure in the sources" : text);
    row(table, "Derived range", d.range[i]);
    row(table, "Estimate", d.est[i] === null ? "unknown" : fmt(d.est[i]));
    row(table, "Status", ctx.statuses[d.status[i]]);
    row(table, "Country", d.country[i]);
    row(table, "Sahel band", d.sahel[i] ? "inside" : "outside");
    box.appendChild(table);
    if (d.figures[i] && d.figures[i].length) {
      box.appendChild(el("div", "pm-popup-h", "Figures by report"));
      var figures = el("ul", "pm-figures");
      d.figures[i].forEach(function (f) { figures.appendChild(el("li", null, f)); });
      box.appendChild(figures);
    }
    if (d.note[i]) box.appendChild(el("p", "pm-note", d.note[i]));
    if (d.kind[i] === "country") box.appendChild(el("p", "pm-note", "Country-wide figure: the marker stands for the whole country, not a site."));
    box.appendChild(el("div", "pm-popup-h", "Sources"));
    box.appendChild(PM.sourceList(d.sources[i], ctx.sources));
    return box;
  };

  PM.radius = function (est, style) {
    if (est === null || est === undefined) return style.unknown_radius;
    if (est === 0) return style.min_radius;
    return Math.max(style.min_radius, Math.min(style.max_radius, style.scale * Math.sqrt(est)));
  };

  PM.addSites = function (group, d, ctx) {
    var style = ctx.style, renderer = ctx.renderer, n = d.lat.length;
    for (var i = 0; i < n; i++) {
      var actor = ctx.actors[d.actor[i]], status = ctx.statuses[d.status[i]];
      var color = actor.color, unknownSize = d.est[i] === null;
      var options = {
        renderer: renderer, radius: PM.radius(d.est[i], style), color: color, weight: 2,
        fillColor: color, fillOpacity: 0.45, opacity: 0.95
      };
      if (status === "withdrawn") { options.fillOpacity = 0; options.dashArray = "2 4"; options.weight = 2.5; }
      else if (unknownSize || status === "unknown") { options.dashArray = "5 4"; options.fillOpacity = 0.15; }
      if (status === "planned") { options.fillOpacity = 0.1; options.dashArray = "8 3"; }
      if (d.kind[i] === "country") { options.weight = 3; }
      var marker = L.circleMarker([d.lat[i], d.lon[i]], options);
      marker.pmIndex = i;
      group.addLayer(marker);
    }
    // One popup and one tooltip for the whole group, built for the site under the
    // pointer when needed: binding one to each of 100,000 sites costs seconds.
    group.bindPopup(function (layer) { return PM.sitePopup(d, layer.pmIndex, ctx); }, { maxWidth: 340 });
    group.bindTooltip(function (layer) {
      var i = layer.pmIndex;
      return el("span", null, d.name[i] + " — " + ctx.actors[d.actor[i]].name + ": " + (d.text[i] === null ? "no figure" : d.text[i]));
    });
  };

  PM.addMovements = function (group, d, ctx) {
    for (var i = 0; i < d.lines.length; i++) {
      var actor = ctx.actors[d.actor[i]];
      var dash = d.kind[i] === "withdrawal" ? "8 6" : null;
      var line = L.polyline(d.lines[i], { renderer: ctx.renderer, color: actor.color, weight: 3, opacity: 0.85, dashArray: dash });
      line.pmIndex = i;
      line.bindPopup(function (layer) {
        var j = layer.pmIndex, box = el("div", "pm-popup");
        box.appendChild(el("h4", null, d.from[j] + " → " + d.to[j]));
        box.appendChild(el("div", "pm-popup-sub", ctx.actors[d.actor[j]].name + " · " + d.kind[j] + " · " + d.phase[j]));
        var table = el("table");
        row(table, "Reported", d.text[j] === null ? "no figure in the sources" : d.text[j]);
        row(table, "Derived range", d.range[j]);
        row(table, "Distance", fmt(d.km[j]) + " km (great circle)");
        box.appendChild(table);
        if (d.note[j]) box.appendChild(el("p", "pm-note", d.note[j]));
        box.appendChild(el("div", "pm-popup-h", "Sources"));
        box.appendChild(PM.sourceList(d.sources[j], ctx.sources));
        return box;
      }, { maxWidth: 340 });
      line.bindTooltip(el("span", null, actor.name + " " + d.kind[i] + ": " + d.from[i] + " → " + d.to[i]), { sticky: true });
      line.addTo(group);
      L.polygon(d.heads[i], { renderer: ctx.renderer, color: actor.color, fillColor: actor.color, fillOpacity: 0.9, weight: 1, interactive: false }).addTo(group);
    }
  };

  PM.addAreas = function (group, fc, ctx, options) {
    L.geoJSON(fc, {
      renderer: ctx.renderer,
      interactive: options.interactive !== false,
      style: function (feature) { return options.style(feature); },
      onEachFeature: function (feature, layer) {
        if (options.tooltip) layer.bindTooltip(el("span", null, options.tooltip(feature)), { sticky: true });
      }
    }).addTo(group);
  };

  PM.addLabels = function (group, d) {
    for (var i = 0; i < d.lat.length; i++) {
      L.tooltip({ permanent: true, direction: "right", offset: [8, 0], className: "pm-label", interactive: false })
        .setLatLng([d.lat[i], d.lon[i]]).setContent(el("span", null, d.name[i])).addTo(group);
    }
  };

  PM.sync = function (a, b) {
    var busy = false;
    function follow(source, target) {
      source.on("move zoom", function () {
        if (busy) return;
        busy = true;
        target.setView(source.getCenter(), source.getZoom(), { animate: false });
        busy = false;
      });
    }
    follow(a, b); follow(b, a);
  };

  PM.flyButtons = function (map, root) {
    var nodes = root.querySelectorAll("[data-lat]");
    Array.prototype.forEach.call(nodes, function (node) {
      node.addEventListener("click", function () {
        map.flyTo([Number(node.getAttribute("data-lat")), Number(node.getAttribute("data-lon"))], Math.max(map.getZoom(), 6));
      });
    });
  };

  global.PostureMap = PM;
})(window);
