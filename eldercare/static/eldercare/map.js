/*
 * ElderMap: the one Leaflet wrapper every map page uses (providers directory, facility planning,
 * alarm board). Include leaflet.css, leaflet.js and this file, then:
 *
 *   ElderMap.render(element, {
 *     points:   [{lat, lng, label, kind, color?, popup?}],   // label: tooltip; popup: text on click
 *     circles:  [{lat, lng, radius_m, color?}],              // service circles, geofences
 *     outlines: [{name, ring: [[lat, lng], ...]}],           // region outlines (e.g. convex hulls)
 *     tileUrl:  "https://.../{z}/{x}/{y}.png" | null,        // default: element.dataset.tileUrl
 *     attribution: string,                                  // default: element.dataset.attribution
 *   })  -> the Leaflet map
 *
 * No-basemap fallback: with no tile URL, or when the tile server cannot be reached, the map keeps
 * its points, circles and outlines on a plain background with a scale bar and marks the element
 * with the class "no-basemap" (and data-basemap="none"), so the page stays useful offline.
 * All text is inserted as text, never as HTML.
 */
(function (global) {
  "use strict";

  var PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83",
    "#6e7781", "#e16f24", "#116329"];

  function colourFor(kind, assigned) {
    if (!(kind in assigned)) {
      assigned[kind] = PALETTE[Object.keys(assigned).length % PALETTE.length];
    }
    return assigned[kind];
  }

  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function useFallback(element, map, layer) {
    if (layer && map.hasLayer(layer)) {
      map.removeLayer(layer);
    }
    element.classList.add("no-basemap");
    element.dataset.basemap = "none";
  }

  function addBasemap(element, map, url, attribution) {
    if (!url) {
      useFallback(element, map, null);
      return;
    }
    var layer = L.tileLayer(url, {maxZoom: 18, attribution: attribution || ""});
    var loaded = 0;
    var failed = 0;
    layer.on("tileload", function () { loaded += 1; element.dataset.basemap = "tiles"; });
    layer.on("tileerror", function () {
      failed += 1;
      // A few failures with nothing loaded means the tile server is unreachable.
      if (loaded === 0 && failed >= 3) {
        useFallback(element, map, layer);
      }
    });
    layer.addTo(map);
  }

  function legend(kinds) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "elder-map-legend");
      Object.keys(kinds).forEach(function (kind) {
        var row = L.DomUtil.create("div", "", box);
        var swatch = L.DomUtil.create("span", "swatch", row);
        swatch.style.background = kinds[kind];
        row.appendChild(textNode(kind));
      });
      return box;
    };
    return control;
  }

  function render(element, options) {
    options = options || {};
    var map = L.map(element, {preferCanvas: true, zoomSnap: 0.25});
    var tileUrl = options.tileUrl !== undefined ? options.tileUrl : (element.dataset.tileUrl || null);
    var attribution = options.attribution || element.dataset.attribution || "";
    addBasemap(element, map, tileUrl, attribution);
    L.control.scale({imperial: false}).addTo(map);

    var bounds = [];
    var kinds = {};
    (options.outlines || []).forEach(function (outline) {
      if (!outline.ring || outline.ring.length < 3) { return; }
      var polygon = L.polygon(outline.ring, {color: "#57606a", weight: 1.5, dashArray: "4 3",
        fillOpacity: 0.04});
      polygon.bindTooltip(textNode(outline.name || ""), {sticky: true});
      polygon.addTo(map);
      outline.ring.forEach(function (point) { bounds.push(point); });
    });
    (options.circles || []).forEach(function (circle) {
      L.circle([circle.lat, circle.lng], {radius: circle.radius_m, color: circle.color || "#1a7f37",
        weight: 1, fillOpacity: 0.08, interactive: false}).addTo(map);
    });
    (options.points || []).forEach(function (point) {
      var colour = point.color || colourFor(point.kind || "", kinds);
      var marker = L.circleMarker([point.lat, point.lng], {radius: 6, color: "#ffffff", weight: 1.5,
        fillColor: colour, fillOpacity: 0.95});
      if (point.label) { marker.bindTooltip(textNode(point.label)); }
      marker.bindPopup(textNode(point.popup || point.label || ""));
      marker.addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    if (Object.keys(kinds).length > 1 || (Object.keys(kinds).length === 1 && !kinds[""])) {
      legend(kinds).addTo(map);
    }
    if (bounds.length) {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15});
    } else {
      map.setView([35.0, 105.0], 4);  // China, when there is nothing to show yet
    }
    return map;
  }

  global.ElderMap = {render: render};
})(window);
