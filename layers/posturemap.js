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

  // A layer's data read when first needed: a phase not shown costs no parsing.
  PM.data = function (id) {
    var parsed = null;
    return function () { return parsed || (parsed = PM.json(id)); };
  };
  // A layer's data, given as itself or as a PM.data reader.
  function value(data) { return typeof data === "function" ? data() : data; }

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
    var text = d.text[i], status = ctx.statuses[d.status[i]];
    row(table, "Reported", text === null ? (status === "withdrawn" ? "none (withdrawn)" : "no figure in the sources") : text);
    row(table, "Derived range", d.range[i]);
    row(table, "Estimate", d.est[i] === null ? "unknown" : fmt(d.est[i]));
    row(table, "Status", status);
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

  // How a site is drawn: its look (from the page's table of looks, Style.site_looks
  // in Python) and its radius, both given in the payload; the key draws the same.
  function siteLook(d, i, ctx) {
    var base = ctx.style.looks[d.look[i]];
    return {
      radius: d.r[i], color: ctx.actors[d.actor[i]].color, fill: base.fill,
      width: d.kind[i] === "country" ? ctx.style.country_width : base.width,
      dash: base.dash.length ? base.dash : null
    };
  }

  // What a site's tooltip and table say about its size.
  function sizeText(d, i, ctx) {
    if (ctx.statuses[d.status[i]] === "withdrawn") return d.text[i] === null ? "withdrawn" : "withdrawn (" + d.text[i] + ")";
    return d.text[i] === null ? "size not reported" : d.text[i];
  }

  /* Every site of a phase on one canvas. Leaflet's own markers cost an object, a
   * projection and event wiring each: seconds at 100,000 sites. Here a redraw
   * is one pass over the columns, and a grid of screen cells finds the site
   * under the pointer for its tooltip and popup. */
  PM.POPUP_SITES = 10;

  // Columns sent as their distinct values and an index per row (elements.coded), expanded.
  PM.columns = function (d) {
    Object.keys(d).forEach(function (key) {
      var column = d[key];
      if (column && !Array.isArray(column) && Array.isArray(column.index)) {
        d[key] = column.index.map(function (k) { return column.values[k]; });
      }
    });
    return d;
  };

  PM.SitesLayer = L.Layer.extend({
    initialize: function (d, ctx) {
      this._source = d; this._ctx = ctx; this._drawn = 0;
    },
    _load: function () {
      if (!this._d) { this._d = PM.columns(value(this._source)); this._n = this._d.lat.length; }
      return this._d;
    },
    // Looks and drawing order, worked out when the phase is first shown, not for hidden phases.
    _prepare: function (map) {
      if (this._looks) return;
      var d = this._load(), ctx = this._ctx, looks = [], order = [];
      for (var i = 0; i < this._n; i++) { looks.push(siteLook(d, i, ctx)); order.push(i); }
      this._world = PM.worldPoints(map, d.lat, d.lon);
      // Big circles first, so small ones stay visible and clickable on top.
      order.sort(function (a, b) { return looks[b].radius - looks[a].radius || a - b; });
      this._looks = looks; this._order = order;
      // Grid cells for finding the site under the pointer, and how many cells
      // around the pointer the biggest circle can reach.
      this._cell = 48;
      this._touch = ctx.style.touch_radius;
      var biggest = Math.max(order.length ? looks[order[0]].radius : 0, this._touch);
      this._reach = Math.ceil((biggest + 3) / this._cell);
    },
    // Sites in this phase, and how many the last redraw put on the canvas.
    siteCount: function () { this._load(); return this._n; },
    drawnCount: function () { return this._drawn; },
    onAdd: function (map) {
      this._prepare(map);
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
      var size = map.getSize(), pad = PM.PADDING;
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
      var drawn = 0, world = this._world, scale = map.options.crs.scale(map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      // The canvas's colours, width and dash change only where the look does: set
      // for every circle, each colour string would be parsed again.
      var color = null, lineWidth = null, dash = null, none = [];
      for (var k = 0; k < order.length; k++) {
        var i = order[k], look = looks[i];
        var x = world.x[i] * scale - ox, y = world.y[i] * scale - oy;
        xs[i] = x; ys[i] = y;
        if (x < -look.radius || y < -look.radius || x > width + look.radius || y > height + look.radius) continue;
        drawn += 1;
        if (look.color !== color) { color = look.color; c.fillStyle = color; c.strokeStyle = color; }
        if (look.width !== lineWidth) { lineWidth = look.width; c.lineWidth = lineWidth; }
        if (look.dash !== dash) { dash = look.dash; c.setLineDash(dash || none); }
        c.beginPath();
        c.arc(x, y, look.radius, 0, 2 * Math.PI);
        if (look.fill > 0) { c.globalAlpha = look.fill; c.fill(); }
        c.globalAlpha = 0.95;
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
            // A small circle still answers within the touch radius: a 24 px target.
            var k = bucket[b], i = this._order[k], r = Math.max(this._looks[i].radius + 2, this._touch);
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
      this._tooltip.setLatLng(this._latLng(i))
        .setContent(el("span", null, d.name[i] + " — " + this._ctx.actors[d.actor[i]].name + ": " + sizeText(d, i, this._ctx)));
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
      L.popup(PM.popupOptions(this._map)).setLatLng(this._latLng(sites[0])).setContent(box).openOn(this._map);
    },
    openSite: function (i) { this.openSites([i]); }
  });

  /* Points projected once to the map's CRS at a scale of 1 (Web Mercator's world
   * as a unit square): at any zoom a point's layer position is then world × scale
   * − pixel origin, with no object made per point. */
  PM.worldPoints = function (map, lats, lons) {
    var crs = map.options.crs, n = lats.length, x = new Float64Array(n), y = new Float64Array(n);
    if (crs === L.CRS.EPSG3857) {
      // Leaflet's SphericalMercator and EPSG3857 transformation, written out.
      var max = L.Projection.SphericalMercator.MAX_LATITUDE, d = Math.PI / 180;
      for (var i = 0; i < n; i++) {
        var sin = Math.sin(Math.max(Math.min(max, lats[i]), -max) * d);
        x[i] = lons[i] / 360 + 0.5;
        y[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
      }
    } else {
      var unit = crs.scale(0);
      for (var j = 0; j < n; j++) {
        var p = crs.latLngToPoint(L.latLng(lats[j], lons[j]), 0);
        x[j] = p.x / unit; y[j] = p.y / unit;
      }
    }
    return { x: x, y: y };
  };

  PM.addSites = function (group, d, ctx) {
    group.addLayer(new PM.SitesLayer(d, ctx));
  };

  // Popups that fit the map they open on: a phone gets a narrower, shorter one.
  PM.popupOptions = function (map) {
    var size = map.getSize();
    // Leaflet adds 46 px of margins and padding around the content.
    return {
      maxWidth: Math.max(150, Math.min(340, size.x - 80)),
      minWidth: Math.min(200, Math.max(120, size.x - 80)),
      maxHeight: Math.max(140, Math.min(420, size.y - 90)),
      autoPanPadding: [8, 8]
    };
  };

  // A permanent label; the page hides the smaller of two that would collide.
  function addLabel(group, latlng, text, priority, className) {
    var tooltip = L.tooltip({ permanent: true, direction: "right", offset: [8, 0], className: className, interactive: false })
      .setLatLng(latlng).setContent(el("span", null, text));
    tooltip.addTo(group);
    (group.pmLabels || (group.pmLabels = [])).push({ tooltip: tooltip, priority: priority, text: String(text) });
  }

  /* A layer group filled when it is first shown, not when the page opens: the
   * phases and layers a reader has not switched to cost the first view nothing. */
  function whenShown(group, fill) {
    if (group._map) fill();
    else group.once("add", fill);
  }

  PM.addMovements = function (group, d, ctx) { whenShown(group, function () { addMovements(group, value(d), ctx); }); };

  function addMovements(group, d, ctx) {
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
        if (d.far[j]) box.appendChild(el("p", "pm-note", "The line is cut where it leaves the map's area; it runs on " + d.far[j].text + "."));
        if (d.note[j]) box.appendChild(el("p", "pm-note", d.note[j]));
        box.appendChild(el("div", "pm-popup-h", "Sources"));
        box.appendChild(PM.sourceList(d.sources[j], ctx.sources));
        return box;
      }, { maxWidth: 340 });
      line.on("popupopen", function (e) { L.Util.setOptions(e.popup, PM.popupOptions(e.target._map)); e.popup.update(); });
      line.bindTooltip(el("span", null, actor.name + " " + d.kind[i] + ": " + d.from[i] + " → " + d.to[i]), { sticky: true });
      line.addTo(group);
      L.polygon(d.heads[i], { renderer: ctx.renderer, color: actor.color, fillColor: actor.color, fillOpacity: 0.9, weight: 1, interactive: false }).addTo(group);
      if (d.far[i]) addLabel(group, [d.far[i].lat, d.far[i].lon], d.far[i].text, d.est[i] || 0, "pm-label pm-far-label");
    }
  }

  PM.addAreas = function (group, fc, ctx, options) { whenShown(group, function () { addAreas(group, fc, ctx, options); }); };

  function addAreas(group, fc, ctx, options) {
    L.geoJSON(fc, {
      renderer: ctx.renderer,
      interactive: options.interactive !== false,
      style: function (feature) { return options.style(feature); },
      onEachFeature: function (feature, layer) {
        // Worded when it first shows (numbers formatted for the locale cost a first call).
        if (options.tooltip) layer.bindTooltip(function () { return el("span", null, options.tooltip(feature)); }, { sticky: true });
      }
    }).addTo(group);
  }

  PM.addLabels = function (group, data) {
    whenShown(group, function () {
      var d = value(data);
      for (var i = 0; i < d.lat.length; i++) addLabel(group, [d.lat[i], d.lon[i]], d.name[i], d.size[i], "pm-label");
    });
  };

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Labels that never collide: in order of personnel, each label goes right of its
   * point, else left; when both would cover a label already placed, a map control
   * or the map's edge, it hides (its site's tooltip still names it on hover, and a
   * tap opens its popup). */
  PM.placeLabels = function (map, labels) {
    var container = map.getContainer(), frame = container.getBoundingClientRect();
    if (frame.width < 1 || frame.height < 1) return;
    var taken = Array.prototype.map.call(container.querySelectorAll(".leaflet-control"), function (node) {
      return node.getBoundingClientRect();
    });
    labels.slice().sort(function (a, b) { return b.priority - a.priority || a.order - b.order; }).forEach(function (label) {
      var tooltip = label.tooltip, node = tooltip.getElement();
      if (!node) return;
      L.DomUtil.removeClass(node, "pm-label-hidden");
      var sides = ["right", "left"];
      for (var s = 0; s < sides.length; s++) {
        tooltip.options.direction = sides[s];
        tooltip.options.offset = sides[s] === "right" ? [8, 0] : [-8, 0];
        tooltip.update();
        var box = node.getBoundingClientRect();
        var inside = box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
        if (inside && !taken.some(function (other) { return overlaps(box, other); })) { taken.push(box); return; }
      }
      L.DomUtil.addClass(node, "pm-label-hidden");
    });
    // The basemap's country names give way: to the sites' labels and circles, the
    // map's controls and one another (such a name hides; one may run off the map's
    // edge, as on any map, where a site's label may not).
    // Every name's box is read at once (visibility changes no box, so one layout
    // serves them all), and the names are filed by grid cell: each circle on the
    // map is tested against the few names in the cells it covers.
    var names = Array.prototype.slice.call(container.querySelectorAll(".pm-country-name span"));
    names.forEach(function (name) { name.style.visibility = ""; });
    var boxes = names.map(function (name) { return name.getBoundingClientRect(); });
    var cell = 64, cells = {}, covered = [];
    boxes.forEach(function (box, n) {
      for (var gx = Math.floor(box.left / cell); gx <= Math.floor(box.right / cell); gx++) {
        for (var gy = Math.floor(box.top / cell); gy <= Math.floor(box.bottom / cell); gy++) {
          var key = gx + "," + gy;
          (cells[key] || (cells[key] = [])).push(n);
        }
      }
    });
    var scale = map.options.crs.scale(map.getZoom());
    var origin = map.getPixelOrigin(), pane = map.layerPointToContainerPoint([0, 0]);
    var ox = origin.x - pane.x - frame.left, oy = origin.y - pane.y - frame.top;
    map.eachLayer(function (layer) {
      if (!(layer instanceof PM.SitesLayer) || !layer._looks || !names.length) return;
      var world = layer._world;
      for (var i = 0; i < layer._n; i++) {
        var x = world.x[i] * scale - ox, y = world.y[i] * scale - oy, r = layer._looks[i].radius;
        var left = x - r, right = x + r, top = y - r, bottom = y + r;
        if (right < frame.left || left > frame.right || bottom < frame.top || top > frame.bottom) continue;
        for (var gx = Math.floor(left / cell); gx <= Math.floor(right / cell); gx++) {
          for (var gy = Math.floor(top / cell); gy <= Math.floor(bottom / cell); gy++) {
            var bucket = cells[gx + "," + gy];
            if (!bucket) continue;
            for (var b = 0; b < bucket.length; b++) {
              var box = boxes[bucket[b]];
              if (left < box.right && box.left < right && top < box.bottom && box.top < bottom) covered[bucket[b]] = true;
            }
          }
        }
      }
    });
    names.forEach(function (name, n) {
      var box = boxes[n];
      if (covered[n] || taken.some(function (other) { return overlaps(box, other); })) name.style.visibility = "hidden";
      else taken.push(box);
    });
  };

  /* How far the map's canvases reach beyond its edges, as a share of its size, so a
   * drag shows ground already drawn. Each canvas is filled whole at every redraw:
   * a quarter on each side (1.5² the map's area) opens a 10,000-site page
   * markedly sooner than half (2², as first written), and is still more than
   * Leaflet's own 0.1. */
  PM.PADDING = 0.25;

  // Every map of the page, for printing.
  PM.maps = [];

  /* One map's phases and overlays. A phase's shading, sites, movements and labels
   * show together and only together; the page's phase switch, layer toggles,
   * timeline and address (?phase=ID) follow when documentControls is set. */
  PM.page = function (map, options) {
    var phases = options.phases, byId = {};
    phases.forEach(function (phase) {
      byId[phase.id] = phase;
      ["shading", "sites", "movements", "labels"].forEach(function (part) { if (phase[part]) phase[part].pmPhase = phase.id; });
    });
    var state = { phase: phases[0].id, on: { movements: true, labels: options.labelsOn, regions: true, shading: true } };
    var shown = [], labelFrame = null, container = map.getContainer();
    map.pmMoved = false;
    L.control.scale({ imperial: false, maxWidth: 100 }).addTo(map);
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (type) {
      container.addEventListener(type, function () { map.pmMoved = true; }, { passive: true });
    });

    // Fit the area; a map with no size yet (an iframe still loading) gets a view
    // that holds no NaN, and the fit comes when it has a size.
    var fittedSize = null;
    function fit() {
      var size = map.getSize(), bounds = L.latLngBounds(options.fit);
      fittedSize = size;
      if (size.x < 32 || size.y < 32) { map.setView(bounds.getCenter(), 2, { animate: false }); return; }
      var pad = Math.round(Math.max(4, Math.min(24, size.x * 0.04, size.y * 0.04)));
      // Keep the sites clear of the zoom buttons (top left), the scale and the
      // attribution (bottom), unless the map is too small to spare the room.
      var corners = map._controlCorners, frame = container.getBoundingClientRect();
      var left = corners.topleft.getBoundingClientRect(), bottom = Math.max(
        corners.bottomleft.getBoundingClientRect().height, corners.bottomright.getBoundingClientRect().height);
      var padLeft = Math.max(pad, left.width ? left.right - frame.left + 2 : 0), padBottom = Math.max(pad, bottom + 2);
      if (padLeft + pad > size.x / 2) padLeft = pad;
      if (padBottom + pad > size.y / 2) padBottom = pad;
      map.fitBounds(bounds, { paddingTopLeft: [padLeft, pad], paddingBottomRight: [pad, padBottom], animate: false, maxZoom: 10 });
    }
    map.pmFit = fit;

    function labels() {
      var all = [];
      shown.forEach(function (layer) {
        (layer.pmLabels || []).forEach(function (label, index) { label.order = all.length + index; all.push(label); });
      });
      return all;
    }
    function scheduleLabels() {
      if (labelFrame) return;
      labelFrame = L.Util.requestAnimFrame(function () { labelFrame = null; PM.placeLabels(map, labels()); });
    }
    map.on("moveend zoomend resize", scheduleLabels);

    function apply() {
      shown.forEach(function (layer) { map.removeLayer(layer); });
      var phase = byId[state.phase], order = [];
      if (options.regions && state.on.regions) order.push(options.regions);
      if (phase.shading && state.on.shading) order.push(phase.shading);
      if (phase.movements && state.on.movements) order.push(phase.movements);
      order.push(phase.sites);
      if (phase.labels && state.on.labels) order.push(phase.labels);
      order.forEach(function (layer) { layer.addTo(map); });
      shown = order;
      map.closePopup();
      if (options.documentControls) {
        Array.prototype.forEach.call(document.querySelectorAll(".pm-timeline li[data-phase]"), function (item) {
          var current = item.getAttribute("data-phase") === state.phase;
          L.DomUtil[current ? "addClass" : "removeClass"](item, "pm-current");
          if (current) item.setAttribute("aria-current", "true"); else item.removeAttribute("aria-current");
        });
      }
      // Placed here and now: a placement still waiting for a frame has nothing left to do.
      if (labelFrame) { L.Util.cancelAnimFrame(labelFrame); labelFrame = null; }
      PM.placeLabels(map, labels());
    }
    map.pmShownLayers = function () { return shown.slice(); };
    map.pmPhase = function () { return state.phase; };

    if (options.documentControls) {
      var asked = null;
      try { asked = new URLSearchParams(window.location.search).get("phase"); } catch (e) { asked = null; }
      if (asked !== null && byId[asked]) state.phase = asked;
      Array.prototype.forEach.call(document.querySelectorAll('input[name="pm-phase"]'), function (radio) {
        radio.checked = radio.value === state.phase;
        radio.addEventListener("change", function () {
          if (!radio.checked || !byId[radio.value]) return;
          state.phase = radio.value;
          apply();
          try {
            var url = new URL(window.location.href);
            url.searchParams.set("phase", state.phase);
            window.history.replaceState(window.history.state, "", url.href);
          } catch (e) { /* an opaque address (sandboxed frame): the page still switches */ }
        });
      });
      Array.prototype.forEach.call(document.querySelectorAll("input[data-pm-toggle]"), function (box) {
        var key = box.getAttribute("data-pm-toggle");
        state.on[key] = box.checked;
        box.addEventListener("change", function () { state.on[key] = box.checked; apply(); });
      });
      var timeline = document.querySelector(".pm-timeline");
      if (timeline) PM.flyButtons(map, timeline);
    }
    fit();
    apply();
    // The frame or the layout may change size after load (an iframe given its
    // height, a panel opened): keep the area fitted until the reader moves the map.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize({ animate: false, pan: false });
        // The observer also reports the size the map was made with: nothing to redo.
        if (fittedSize && map.getSize().equals(fittedSize)) return;
        if (!map.pmMoved) fit();
        scheduleLabels();
      }).observe(container);
    }
    PM.maps.push(map);
  };

  /* The page around the maps: the header's height sets the maps' share of the
   * screen, and parts marked data-pm-open-wide open on screens with room. */
  PM.layout = function () {
    var root = document.documentElement, header = document.querySelector(".pm-header");
    var roomy = window.matchMedia && window.matchMedia("(min-width: 760px) and (min-height: 560px)").matches;
    Array.prototype.forEach.call(document.querySelectorAll("details[data-pm-open-wide]"), function (details) {
      details.open = !!roomy;
    });
    function measure() { if (header) root.style.setProperty("--pm-head", Math.ceil(header.getBoundingClientRect().height) + "px"); }
    measure();
    if (header && window.ResizeObserver) new ResizeObserver(measure).observe(header);
    function refit() {
      PM.maps.forEach(function (map) { map.invalidateSize({ animate: false, pan: false }); if (!map.pmMoved) map.pmFit(); });
    }
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".pm-header details"), function (details) { details.open = true; });
      measure();
      refit();
    });
    window.addEventListener("afterprint", refit);
  };

  PM.sync = function (a, b) {
    var busy = false;
    function follow(source, target) {
      source.on("move zoom", function () {
        if (busy) return;
        busy = true;
        if (source.pmMoved) target.pmMoved = true;
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
        map.pmMoved = true;
        map.flyTo([Number(node.getAttribute("data-lat")), Number(node.getAttribute("data-lon"))], Math.max(map.getZoom(), 6));
      });
    });
  };

  global.PostureMap = PM;
})(window);
