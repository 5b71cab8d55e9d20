// The sales-point map: Leaflet draws the points listed on the page; "near me" fills the form
// with the browser's position. Without this script the page is the list it already is.
(function () {
  "use strict";
  var data = document.getElementById("map-points");
  var box = document.getElementById("map");
  if (!data || !box || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  var origin = box.dataset.lat ? [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)] : null;
  box.hidden = false;
  var map = L.map(box);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap",
  }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.marker([p.lat, p.lng], { title: p.name }).addTo(map);
    var link = document.createElement("a");
    link.href = box.dataset.pointUrl.replace("0", String(p.id));
    link.textContent = p.name;
    marker.bindPopup(link);
    bounds.push([p.lat, p.lng]);
  });
  if (origin) {
    L.circleMarker(origin, { radius: 8, color: "#1d4ed8" }).addTo(map);
    bounds.push(origin);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  else map.setView([16.0, 106.0], 5);
  var near = document.getElementById("near-me");
  if (near && navigator.geolocation) {
    near.hidden = false;
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var form = near.form;
        form.elements.lat.value = pos.coords.latitude.toFixed(6);
        form.elements.lng.value = pos.coords.longitude.toFixed(6);
        form.elements.dia_chi.value = "";
        form.submit();
      });
    });
  }
})();
