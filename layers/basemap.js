/* posturemap's offline basemap: Natural Earth countries, lakes, rivers and country names.
 *
 * Loaded next to posturemap.js.  Everything draws in two panes below Leaflet's
 * overlay pane, so sites, movements and regions stay on top: the shapes on a
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

  var Basemap = L.Layer.extend({
    initialize: function (data, options) {
      this._data = data;
      this._options = options;
    },

    onAdd: function (map) {
      var o = this._options, d = this._data;
      pane(map, SHAPES, 250, false);
      // The sea is what the countries leave uncovered.
      map.getContainer().style.background = o.waterColor;
      pane(map, NAMES, 390, false);
      var renderer = L.canvas({ pane: SHAPES, padding: 0.5 });
      var common = { pane: SHAPES, renderer: renderer, interactive: false };
      this._countries = L.geoJSON(d.countries, L.extend({
        style: function () {
          return { color: o.borderColor, weight: 0.8, fillColor: o.landColor, fillOpacity: 1 };
        }
      }, common)).addTo(map);
      this._rivers = L.geoJSON(d.rivers, L.extend({
        style: function () { return { color: o.riverColor, weight: 1.1, opacity: 0.9 }; }
      }, common));
      this._lakes = L.geoJSON(d.lakes, L.extend({
        style: function () {
          return { color: o.lakeOutlineColor, weight: 1.2, fillColor: o.waterColor, fillOpacity: 1 };
        }
      }, common)).addTo(map);
      this._names = [];
      for (var i = 0; i < d.names.name.length; i++) {
        var marker = L.marker([d.names.lat[i], d.names.lon[i]], {
          pane: NAMES, icon: nameIcon(d.names.name[i], o), interactive: false, keyboard: false
        });
        marker.pmBounds = L.latLngBounds([d.names.south[i], d.names.west[i]], [d.names.north[i], d.names.east[i]]);
        marker.pmWidth = d.names.name[i].length * 8 + 12;
        this._names.push(marker);
      }
      map.on("zoomend", this._update, this);
      this._update();
    },

    onRemove: function (map) {
      map.off("zoomend", this._update, this);
      [this._countries, this._rivers, this._lakes].forEach(function (layer) { map.removeLayer(layer); });
      this._names.forEach(function (marker) { map.removeLayer(marker); });
    },

    _update: function () {
      var map = this._map, zoom = map.getZoom();
      if (!isFinite(zoom)) return;
      if (zoom >= this._options.riverZoom) {
        if (!map.hasLayer(this._rivers)) {
          this._rivers.addTo(map);
          this._lakes.bringToFront();
        }
      } else if (map.hasLayer(this._rivers)) {
        map.removeLayer(this._rivers);
      }
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
