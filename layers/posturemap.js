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

  // A layer's data, from the JSON element the page holds for it.
  PM.json = function (id) { return JSON.parse(document.getElementById(id).textContent); };

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

  // How a site is drawn: radius, colour, fill, dashes. The legend (Python) draws the same.
  function siteLook(d, i, ctx) {
    var color = ctx.actors[d.actor[i]].color, status = ctx.statuses[d.status[i]];
    var look = { radius: PM.radius(d.est[i], ctx.style), color: color, fill: 0.45, width: 2, dash: null };
    if (status === "withdrawn") { look.fill = 0; look.dash = [2, 4]; look.width = 2.5; }
    else if (d.est[i] === null || status === "unknown") { look.dash = [5, 4]; look.fill = 0.15; }
    if (status === "planned") { look.fill = 0.1; look.dash = [8, 3]; }
    if (d.kind[i] === "country") look.width = 3;
    return look;
  }

  /* Every site of a phase on one canvas. Leaflet's own markers cost an object, a
   * projection and event wiring each: seconds at 100,000 sites. Here a redraw
   * is one pass over the columns, and a grid of screen cells finds the site
   * under the pointer for its tooltip and popup. */
  PM.POPUP_SITES = 10;

  PM.SitesLayer = L.Layer.extend({
    initialize: function (d, ctx) {
      this._d = d; this._ctx = ctx; this._n = d.lat.length; this._drawn = 0;
    },
    // Looks and drawing order, worked out when the phase is first shown, not for hidden phases.
    _prepare: function () {
      if (this._looks) return;
      var d = this._d, ctx = this._ctx, looks = [], order = [];
      for (var i = 0; i < this._n; i++) { looks.push(siteLook(d, i, ctx)); order.push(i); }
      // Big circles first, so small ones stay visible and clickable on top.
      order.sort(function (a, b) { return looks[b].radius - looks[a].radius || a - b; });
      this._looks = looks; this._order = order;
      // Grid cells for finding the site under the pointer, and how many cells
      // around the pointer the biggest circle can reach.
      this._cell = 48;
      this._reach = Math.ceil(((order.length ? looks[order[0]].radius : 0) + 3) / this._cell);
    },
    // Sites in this phase, and how many the last redraw put on the canvas.
    siteCount: function () { return this._n; },
    drawnCount: function () { return this._drawn; },
    onAdd: function (map) {
      this._prepare();
      this._canvas = L.DomUtil.create("canvas", "pm-sites-canvas");
      map.getPane("overlayPane").appendChild(this._canvas);
      this._tooltip = L.tooltip({ direction: "top", offset: [0, -6], className: "pm-site-tooltip" });
      map.on("moveend zoomend viewreset resize", this._schedule, this);
      map.on("zoomstart", this._hide, this);
      map.on("mousemove", this._onMove, this);
      map.on("click", this._onClick, this);
      map.on("mouseout", this._leave, this);
      this._redraw();
    },
    onRemove: function (map) {
      map.off("moveend zoomend viewreset resize", this._schedule, this);
      if (this._frame) L.Util.cancelAnimFrame(this._frame);
      this._frame = null;
      map.off("zoomstart", this._hide, this);
      map.off("mousemove", this._onMove, this);
      map.off("click", this._onClick, this);
      map.off("mouseout", this._leave, this);
      this._leave();
      L.DomUtil.remove(this._canvas);
      this._canvas = null; this._grid = null; this._drawn = 0;
    },
    // One redraw per frame however many view events arrive (a zoom ends with two).
    _schedule: function () {
      if (this._frame) return;
      this._frame = L.Util.requestAnimFrame(function () { this._frame = null; this._redraw(); }, this);
    },
    _hide: function () { if (this._canvas) this._canvas.style.visibility = "hidden"; },
    _redraw: function () {
      var map = this._map;
      if (!map || !this._canvas) return;
      var size = map.getSize(), pad = 0.5;
      var topLeft = map.containerPointToLayerPoint(size.multiplyBy(-pad)).round();
      var width = Math.round(size.x * (1 + 2 * pad)), height = Math.round(size.y * (1 + 2 * pad));
      var ratio = window.devicePixelRatio || 1, canvas = this._canvas;
      canvas.width = width * ratio; canvas.height = height * ratio;
      canvas.style.width = width + "px"; canvas.style.height = height + "px";
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.style.visibility = "visible";
      var c = canvas.getContext("2d"), d = this._d, looks = this._looks, order = this._order;
      c.setTransform(ratio, 0, 0, ratio, 0, 0);
      var cell = this._cell, cols = Math.ceil(width / cell) + 1, grid = {};
      var xs = new Float64Array(this._n), ys = new Float64Array(this._n);
      var drawn = 0;
      for (var k = 0; k < order.length; k++) {
        var i = order[k], look = looks[i];
        var p = map.latLngToLayerPoint([d.lat[i], d.lon[i]]);
        var x = p.x - topLeft.x, y = p.y - topLeft.y;
        xs[i] = x; ys[i] = y;
        if (x < -look.radius || y < -look.radius || x > width + look.radius || y > height + look.radius) continue;
        drawn += 1;
        c.beginPath();
        c.arc(x, y, look.radius, 0, 2 * Math.PI);
        if (look.fill > 0) { c.globalAlpha = look.fill; c.fillStyle = look.color; c.fill(); }
        c.globalAlpha = 0.95; c.strokeStyle = look.color; c.lineWidth = look.width;
        c.setLineDash(look.dash || []);
        c.stroke();
        var key = Math.floor(x / cell) + Math.floor(y / cell) * cols;
        (grid[key] || (grid[key] = [])).push(k);
      }
      c.setLineDash([]); c.globalAlpha = 1;
      this._grid = grid; this._cols = cols; this._xs = xs; this._ys = ys;
      this._topLeft = topLeft; this._drawn = drawn;
    },
    // The sites whose circles hold a container point, the one drawn last (on top) first.
    _sitesAt: function (containerPoint) {
      if (!this._grid) return [];
      var layer = this._map.containerPointToLayerPoint(containerPoint);
      var x = layer.x - this._topLeft.x, y = layer.y - this._topLeft.y;
      var cx = Math.floor(x / this._cell), cy = Math.floor(y / this._cell), hits = [];
      for (var gx = cx - this._reach; gx <= cx + this._reach; gx++) {
        for (var gy = cy - this._reach; gy <= cy + this._reach; gy++) {
          if (gx < 0 || gy < 0 || gx >= this._cols) continue;
          var bucket = this._grid[gx + gy * this._cols];
          if (!bucket) continue;
          for (var b = 0; b < bucket.length; b++) {
            var k = bucket[b], i = this._order[k], r = this._looks[i].radius + 2;
            var dx = this._xs[i] - x, dy = this._ys[i] - y;
            if (dx * dx + dy * dy <= r * r) hits.push(k);
          }
        }
      }
      var order = this._order;
      return hits.sort(function (a, b) { return b - a; }).map(function (k) { return order[k]; });
    },
    _latLng: function (i) { return L.latLng(this._d.lat[i], this._d.lon[i]); },
    _onMove: function (e) {
      var hits = this._sitesAt(e.containerPoint), d = this._d, container = this._map.getContainer();
      if (!hits.length) { this._leave(); return; }
      var i = hits[0];
      container.style.cursor = "pointer";
      L.DomUtil.addClass(container, "pm-over-site");
      if (this._hover === i) return;
      this._hover = i;
      var text = d.text[i] === null ? "no figure" : d.text[i];
      this._tooltip.setLatLng(this._latLng(i))
        .setContent(el("span", null, d.name[i] + " — " + this._ctx.actors[d.actor[i]].name + ": " + text));
      if (!this._map.hasLayer(this._tooltip)) this._tooltip.addTo(this._map);
    },
    _leave: function () {
      this._hover = null;
      if (!this._map) return;
      this._map.getContainer().style.cursor = "";
      L.DomUtil.removeClass(this._map.getContainer(), "pm-over-site");
      if (this._map.hasLayer(this._tooltip)) this._map.removeLayer(this._tooltip);
    },
    _onClick: function (e) {
      var hits = this._sitesAt(e.containerPoint);
      if (hits.length) this.openSites(hits);
    },
    // One popup for the sites under a click: circles of the same size at one
    // place would otherwise hide all but the top one.
    openSites: function (sites) {
      var box = el("div", "pm-popup-stack"), shown = sites.slice(0, PM.POPUP_SITES);
      for (var j = 0; j < shown.length; j++) {
        if (j) box.appendChild(el("hr"));
        box.appendChild(PM.sitePopup(this._d, shown[j], this._ctx));
      }
      if (sites.length > shown.length) {
        box.appendChild(el("p", "pm-note", (sites.length - shown.length) + " more sites here; zoom in to tell them apart."));
      }
      this._leave();
      L.popup({ maxWidth: 340, maxHeight: 420 }).setLatLng(this._latLng(sites[0])).setContent(box).openOn(this._map);
    },
    openSite: function (i) { this.openSites([i]); }
  });

  PM.addSites = function (group, d, ctx) {
    group.addLayer(new PM.SitesLayer(d, ctx));
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
