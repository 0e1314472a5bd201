/* The coverage map: fetches the region's map data (scoped on the server) and hands it to
 * ElderMap.render. No tile server is configured, so the map uses ElderMap's no-basemap fallback
 * unless the element carries data-tile-url. */
(function () {
  "use strict";
  var element = document.getElementById("planning-map");
  var status = document.getElementById("planning-map-status");
  if (!element) { return; }
  fetch(element.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      window.planningMap = ElderMap.render(element, {
        points: data.points, circles: data.circles, outlines: data.outlines
      });
      element.dataset.loaded = "true";
    })
    .catch(function () { status.textContent = element.dataset.error; });
})();
