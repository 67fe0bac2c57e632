// SIZes maps (Leaflet, served locally). Every map is a `hidden` element with
// `data-sizes-map="zone" | "register" | "draw" | "suggest" | "places"`; this script shows and
// starts it. Data comes from data- attributes and <script type="application/json"> blocks,
// never inline code.
// Tiles are drawn only when the site sets SIZES_TILE_URL; outlines draw without them.
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var CORE = { color: "#1d70b8", weight: 3, fillColor: "#1d70b8", fillOpacity: 0.15 };
  var FRINGE = { color: "#1d70b8", weight: 2, dashArray: "6 6", fill: false };
  var CURRENT = { color: "#505a5f", weight: 2, dashArray: "4 6", fill: false, interactive: false };

  function readJson(id) {
    var el = id && document.getElementById(id);
    if (!el) {
      return null;
    }
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function start(el) {
    el.hidden = false;
    var keys = el.parentNode ? el.parentNode.querySelectorAll(".sizes-map-key") : [];
    Array.prototype.forEach.call(keys, function (key) { key.hidden = false; });
    var map = L.map(el, { scrollWheelZoom: false });
    var url = el.getAttribute("data-tile-url");
    if (url) {
      L.tileLayer(url, {
        attribution: el.getAttribute("data-tile-attribution") || "",
        maxZoom: 19,
      }).addTo(map);
    }
    map.setView([54.0, -2.5], 5);
    // data-bounds="min_lon,min_lat,max_lon,max_lat": open on this area (the service area).
    var b = (el.getAttribute("data-bounds") || "").split(",").map(Number);
    if (b.length === 4 && b.every(isFinite)) {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    }
    return map;
  }

  var ASSET_AREA = { color: "#00703c", weight: 2, fillColor: "#00703c", fillOpacity: 0.25 };

  function styleFor(feature) {
    var part = feature.properties && feature.properties.part;
    return part === "fringe" ? FRINGE : part === "asset" ? ASSET_AREA : CORE;
  }

  function fringeFirst(data) {
    // Draw fringes under cores, so a core's outline and link stay on top.
    var features = (data && data.features) || [];
    return {
      type: "FeatureCollection",
      features: features
        .filter(function (f) { return f.properties && f.properties.part === "fringe"; })
        .concat(features.filter(function (f) { return !f.properties || f.properties.part !== "fringe"; })),
    };
  }

  function fit(map, layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [10, 10] });
    }
  }

  var POINT = {
    partner: { radius: 6, color: "#0b0c0c", weight: 1, fillColor: "#f47738", fillOpacity: 0.9 },
    asset: { radius: 6, color: "#0b0c0c", weight: 1, fillColor: "#00703c", fillOpacity: 0.9 },
  };

  function isPoint(f) {
    return f.geometry && f.geometry.type === "Point";
  }

  function zoneMap(el) {
    var data = readJson(el.getAttribute("data-geojson"));
    var map = start(el);
    if (data) {
      var features = data.features || [];
      var areas = { type: "FeatureCollection", features: features.filter(function (f) { return !isPoint(f); }) };
      var points = { type: "FeatureCollection", features: features.filter(isPoint) };
      // The view fits the zone itself; partners' places and assets may lie outside it.
      fit(map, L.geoJSON(fringeFirst(areas), { style: styleFor, interactive: false }).addTo(map));
      L.geoJSON(points, {
        interactive: false,
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, POINT[(f.properties && f.properties.part) || "asset"] || POINT.asset);
        },
      }).addTo(map);
    }
  }

  // data-viewport="min_lon,min_lat,max_lon,max_lat" (set when many zones are in force): open
  // on that extent, then ask only for the zones in view (a padded box) whenever the view moves
  // beyond what was loaded or the zoom changes. Without it, load every zone and fit them.
  function registerMap(el) {
    var map = start(el);
    var layer = null;
    var first = true;
    var loaded = null; // { zoom, bounds } of the data on the map
    var requested = 0;
    var extent = (el.getAttribute("data-viewport") || "").split(",").map(Number);
    var viewport = extent.length === 4 && extent.every(isFinite);
    if (viewport) {
      map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]]);
    }

    function popup(feature, lyr) {
      var p = feature.properties || {};
      if (p.part !== "core" || !p.url) {
        return;
      }
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = p.url;
      link.textContent = p.name;
      lyr.bindPopup(link);
    }

    function clamp(x, lo, hi) {
      return Math.max(lo, Math.min(hi, x));
    }

    function bboxParam(bounds) {
      return [
        clamp(bounds.getWest(), -180, 180).toFixed(5),
        clamp(bounds.getSouth(), -90, 90).toFixed(5),
        clamp(bounds.getEast(), -180, 180).toFixed(5),
        clamp(bounds.getNorth(), -90, 90).toFixed(5),
      ].join(",");
    }

    function load() {
      var zoom = first && !viewport ? 12 : Math.max(0, Math.min(20, Math.round(map.getZoom())));
      var query = "?zoom=" + zoom;
      var bounds = null;
      if (viewport) {
        if (loaded && loaded.zoom === zoom && loaded.bounds.contains(map.getBounds())) {
          return;
        }
        bounds = map.getBounds().pad(0.5);
        query += "&bbox=" + bboxParam(bounds);
      } else if (loaded && loaded.zoom === zoom) {
        return;
      }
      loaded = { zoom: zoom, bounds: bounds };
      var ticket = ++requested;
      fetch(el.getAttribute("data-url") + query, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || ticket !== requested) {
            return; // failed, or a later request (the view moved again) supersedes this one
          }
          if (layer) {
            map.removeLayer(layer);
          }
          layer = L.geoJSON(fringeFirst(data), { style: styleFor, onEachFeature: popup }).addTo(map);
          if (first && !viewport) {
            first = false;
            fit(map, layer);
          }
        })
        .catch(function () { loaded = null; /* the list below the map says the same */ });
    }

    map.on(viewport ? "moveend" : "zoomend", load);
    load();
  }

  // A map for drawing. options.point: a point tool too; options.single: keep only the last
  // shape drawn (a suggestion is one place).
  function drawMap(el, options) {
    options = options || {};
    var map = start(el);
    var target = document.getElementById(el.getAttribute("data-target"));
    var current = readJson(el.getAttribute("data-geojson"));
    var drawn = L.featureGroup().addTo(map);
    if (current) {
      fit(map, L.geoJSON(current, { style: CURRENT }).addTo(map));
    }

    function write() {
      var features = [];
      drawn.eachLayer(function (layer) {
        features.push(layer.toGeoJSON());
      });
      if (target) {
        target.value = features.length
          ? JSON.stringify({ type: "FeatureCollection", features: features })
          : "";
      }
      var radio = document.querySelector("input[name='method'][value='drawn']");
      if (radio && features.length) {
        radio.checked = true;
      }
    }

    if (target && target.value) {
      try {
        L.geoJSON(JSON.parse(target.value), { style: CORE }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
        fit(map, drawn);
      } catch (e) {
        // Not GeoJSON (yet): leave the text for the steward to correct.
      }
    }
    if (!map.pm) {
      return;
    }
    map.pm.setGlobalOptions({ layerGroup: drawn, pathOptions: CORE });
    map.pm.addControls({
      position: "topleft",
      drawMarker: false,
      drawCircleMarker: !!options.point,
      drawPolyline: false,
      drawRectangle: true,
      drawPolygon: true,
      drawCircle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
    });
    // Geoman's toolbar buttons carry their name only as the title of their container: give
    // each button that name too, so screen readers announce it (WCAG 4.1.2).
    var buttons = el.querySelectorAll(".leaflet-buttons-control-button");
    for (var b = 0; b < buttons.length; b++) {
      var title = buttons[b].parentNode && buttons[b].parentNode.getAttribute("title");
      if (title && !buttons[b].getAttribute("aria-label")) {
        buttons[b].setAttribute("aria-label", title);
      }
    }
    map.on("pm:create", function (e) {
      if (options.single) {
        drawn.eachLayer(function (layer) {
          if (layer !== e.layer) {
            drawn.removeLayer(layer);
          }
        });
      }
      e.layer.on("pm:edit", write);
      write();
    });
    map.on("pm:remove", write);
    drawn.eachLayer(function (layer) {
      layer.on("pm:edit", write);
    });
  }

  // Places (suggestions): points and areas from a JSON block, each linking to its page.
  function placesMap(el) {
    var data = readJson(el.getAttribute("data-geojson"));
    var map = start(el);
    if (!data) {
      return;
    }
    var layer = L.geoJSON(data, {
      style: function () { return CORE; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#0b0c0c", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.9 });
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        if (!p.url) {
          return;
        }
        var link = document.createElement("a");
        link.className = "govuk-link";
        link.href = p.url;
        link.textContent = p.name;
        lyr.bindPopup(link);
      },
    }).addTo(map);
    if (!el.getAttribute("data-bounds")) {
      fit(map, layer);
      if ((data.features || []).length === 1 && data.features[0].geometry.type === "Point") {
        map.setZoom(15);
      }
    }
  }

  var kinds = {
    zone: zoneMap,
    register: registerMap,
    draw: drawMap,
    suggest: function (el) { drawMap(el, { point: true, single: true }); },
    places: placesMap,
  };
  var maps = document.querySelectorAll("[data-sizes-map]");
  for (var i = 0; i < maps.length; i++) {
    var kind = kinds[maps[i].getAttribute("data-sizes-map")];
    if (kind) {
      kind(maps[i]);
    }
  }
})();
