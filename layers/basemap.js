/* posturemap's offline basemap: Natural Earth countries, lakes, rivers and country names.
 *
 * Loaded next to posturemap.js.  Everything draws in two panes below Leaflet's
 * overlay pane, so sites, movements and regions stay on top: the shapes on one
 * canvas, the names as DOM text (find-in-page and screen readers reach them),
 * set with textContent only.  Rivers show from options.riverZoom on; a name
 * shows when its country is wide enough on screen to hold it.
 */
(function (root) {
  "use strict";

  var SHAPES = "pmBasemap", NAMES = "pmBasemapNames";

  function pane(map, name, zIndex, interactive) {
    var found = map.getPane(name);
    if (found) return found;
    found = map.createPane(name);
    found.style.zIndex = String(zIndex);
    if (!interactive) found.style.pointerEvents = "none";
    return found;
  }

  function nameIcon(text, options) {
    var outer = document.createElement("div");
    var label = document.createElement("span");
    label.textContent = text;
    label.style.position = "absolute";
    label.style.transform = "translate(-50%, -50%)";
    label.style.whiteSpace = "nowrap";
    label.style.font = "600 11px/1.2 sans-serif";
    label.style.letterSpacing = "0.06em";
    label.style.textTransform = "uppercase";
    label.style.color = options.nameColor;
    label.style.textShadow = "0 0 2px " + options.landColor + ", 0 0 3px " + options.landColor;
    outer.appendChild(label);
    return L.divIcon({ className: "pm-country-name", html: outer, iconSize: null });
  }

  /* Outlines from the page's flat integer steps (countries.encode_outlines): each
   * point as a position in the map's world square (PostureMap.worldPoints), and
   * each ring's extent there, worked out once. */
  function outlines(encoded, steps, map) {
    var n = encoded.xy.length / 2, lats = new Float64Array(n), lons = new Float64Array(n);
    var x = 0, y = 0, xy = encoded.xy;
    for (var i = 0; i < n; i++) {
      x += xy[2 * i]; y += xy[2 * i + 1];
      lons[i] = x / steps; lats[i] = y / steps;
    }
    var world = root.PostureMap.worldPoints(map, lats, lons), rings = [], start = 0;
    for (var r = 0; r < encoded.n.length; r++) {
      var end = start + encoded.n[r], west = Infinity, east = -Infinity, north = Infinity, south = -Infinity;
      for (var k = start; k < end; k++) {
        if (world.x[k] < west) west = world.x[k];
        if (world.x[k] > east) east = world.x[k];
        if (world.y[k] < north) north = world.y[k];
        if (world.y[k] > south) south = world.y[k];
      }
      rings.push({ start: start, end: end, west: west, east: east, north: north, south: south });
      start = end;
    }
    return { x: world.x, y: world.y, rings: rings };
  }

  // Which sides of the canvas (widened by a margin) a point lies beyond, as bits.
  function outcode(x, y, low, right, bottom) {
    return (x < low ? 1 : 0) | (x > right ? 2 : 0) | (y < low ? 4 : 0) | (y > bottom ? 8 : 0);
  }

  /* Adds the rings that reach into the canvas to its current path, in canvas pixels,
   * leaving out what cannot change a pixel:
   * - a point less than half a pixel from the last one drawn (Leaflet's own paths
   *   leave out up to a pixel);
   * - the points between two that lie, with all of them, beyond the same side of
   *   the canvas: the straight line that replaces them stays beyond that side,
   *   so neither the fill nor the stroke inside the canvas changes. */
  function trace(c, shapes, scale, ox, oy, width, height, closed) {
    var xs = shapes.x, ys = shapes.y, rings = shapes.rings, tolerance = 0.5;
    var low = -4, right = width + 4, bottom = height + 4;
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r];
      if (ring.east * scale - ox < 0 || ring.west * scale - ox > width ||
          ring.south * scale - oy < 0 || ring.north * scale - oy > height) continue;
      var lastX = xs[ring.start] * scale - ox, lastY = ys[ring.start] * scale - oy;
      var side = outcode(lastX, lastY, low, right, bottom), waiting = -1;
      c.moveTo(lastX, lastY);
      for (var k = ring.start + 1; k < ring.end; k++) {
        var x = xs[k] * scale - ox, y = ys[k] * scale - oy, code = outcode(x, y, low, right, bottom);
        if (code & side) { side &= code; waiting = k; continue; }
        if (waiting >= 0) {
          lastX = xs[waiting] * scale - ox; lastY = ys[waiting] * scale - oy;
          c.lineTo(lastX, lastY);
          waiting = -1;
        }
        if (Math.abs(x - lastX) < tolerance && Math.abs(y - lastY) < tolerance && k < ring.end - 1) continue;
        c.lineTo(x, y); lastX = x; lastY = y; side = code;
      }
      if (waiting >= 0) c.lineTo(xs[waiting] * scale - ox, ys[waiting] * scale - oy);
      if (closed) c.closePath();
    }
  }

  /* The countries, lakes and rivers on one canvas. A Leaflet renderer, so the canvas
   * follows pans and zoom animations as Leaflet's own do; it draws the outlines
   * itself, with no Leaflet layer (and no object) per ring or point. */
  var Shapes = L.Renderer.extend({
    initialize: function (data, options, rendererOptions) {
      L.Renderer.prototype.initialize.call(this, rendererOptions);
      this._data = data;
      this._look = options;
    },

    onAdd: function (map) {
      if (!this._countries) {
        var d = this._data;
        this._countries = outlines(d.countries, d.steps, map);
        this._lakes = outlines(d.lakes, d.steps, map);
        this._rivers = outlines(d.rivers, d.steps, map);
      }
      L.Renderer.prototype.onAdd.call(this, map);
    },

    _initContainer: function () {
      this._container = L.DomUtil.create("canvas");
    },

    _destroyContainer: function () {
      if (this._frame) L.Util.cancelAnimFrame(this._frame);
      this._frame = null;
      L.DomUtil.remove(this._container);
      delete this._container;
    },

    _update: function () {
      if (this._map._animatingZoom && this._bounds) return;
      L.Renderer.prototype._update.call(this);
      var size = this._bounds.getSize(), ratio = window.devicePixelRatio || 1, canvas = this._container;
      L.DomUtil.setPosition(canvas, this._bounds.min);
      canvas.width = ratio * size.x;
      canvas.height = ratio * size.y;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      this._origin = this._map.getPixelOrigin();
      // Drawn before the next frame is painted: once, however many updates a view change brings.
      if (!this._frame) this._frame = L.Util.requestAnimFrame(this._draw, this);
    },

    _draw: function () {
      this._frame = null;
      var map = this._map, canvas = this._container;
      if (!map || !canvas) return;
      var o = this._look, size = this._bounds.getSize(), ratio = window.devicePixelRatio || 1;
      var scale = map.options.crs.scale(this._zoom);
      var ox = this._origin.x + this._bounds.min.x, oy = this._origin.y + this._bounds.min.y;
      var c = canvas.getContext("2d");
      c.setTransform(ratio, 0, 0, ratio, 0, 0);
      c.clearRect(0, 0, size.x, size.y);
      c.lineCap = "round";
      c.lineJoin = "round";
      c.beginPath();
      trace(c, this._countries, scale, ox, oy, size.x, size.y, true);
      c.fillStyle = o.landColor;
      c.fill("nonzero");
      c.strokeStyle = o.borderColor;
      c.lineWidth = 0.8;
      c.stroke();
      if (this._zoom >= o.riverZoom) {
        c.beginPath();
        trace(c, this._rivers, scale, ox, oy, size.x, size.y, false);
        c.globalAlpha = 0.9;
        c.strokeStyle = o.riverColor;
        c.lineWidth = 1.1;
        c.stroke();
        c.globalAlpha = 1;
      }
      c.beginPath();
      trace(c, this._lakes, scale, ox, oy, size.x, size.y, true);
      c.fillStyle = o.waterColor;
      c.fill("nonzero");
      c.strokeStyle = o.lakeOutlineColor;
      c.lineWidth = 1.2;
      c.stroke();
    }
  });

  var Basemap = L.Layer.extend({
    initialize: function (data, options) {
      this._data = data;
      this._options = options;
    },

    onAdd: function (map) {
      if (typeof this._data === "function") this._data = this._data();
      var o = this._options, d = this._data;
      pane(map, SHAPES, 250, false);
      // The sea is what the countries leave uncovered.
      map.getContainer().style.background = o.waterColor;
      pane(map, NAMES, 390, false);
      this._shapes = this._shapes || new Shapes(d, o, { pane: SHAPES, padding: root.PostureMap.PADDING });
      this._shapes.addTo(map);
      if (!this._names) {
        this._names = [];
        for (var i = 0; i < d.names.name.length; i++) {
          var marker = L.marker([d.names.lat[i], d.names.lon[i]], {
            pane: NAMES, icon: nameIcon(d.names.name[i], o), interactive: false, keyboard: false
          });
          marker.pmBounds = L.latLngBounds([d.names.south[i], d.names.west[i]], [d.names.north[i], d.names.east[i]]);
          marker.pmWidth = d.names.name[i].length * 8 + 12;
          this._names.push(marker);
        }
      }
      map.on("zoomend", this._update, this);
      this._update();
    },

    onRemove: function (map) {
      map.off("zoomend", this._update, this);
      map.removeLayer(this._shapes);
      this._names.forEach(function (marker) { map.removeLayer(marker); });
    },

    _update: function () {
      var map = this._map, zoom = map.getZoom();
      if (!isFinite(zoom)) return;
      this._names.forEach(function (marker) {
        var bounds = marker.pmBounds;
        var width = map.project(bounds.getNorthEast(), zoom).x - map.project(bounds.getSouthWest(), zoom).x;
        var fits = width >= marker.pmWidth;
        if (fits && !map.hasLayer(marker)) marker.addTo(map);
        else if (!fits && map.hasLayer(marker)) map.removeLayer(marker);
      });
    }
  });

  // Registered on the page runtime (posturemap.js is loaded first), so the basemap
  // is one more PostureMap data layer.
  root.PostureMap.addBasemap = function (group, data, options) {
    group.addLayer(new Basemap(data, options));
  };
})(window);
