// Keep the half-filled household form on the phone, so a dropped connection loses nothing.
(function () {
  var form = document.getElementById("survey-form");
  if (!form || !window.localStorage) return;
  var KEY = "grader-survey-draft";
  if (document.querySelector(".flash.success")) localStorage.removeItem(KEY);  // the draft was saved
  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) {}
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || el.type === "hidden") return;
    if (saved[el.name] !== undefined) el.value = saved[el.name];
    el.addEventListener("input", function () { saved[el.name] = el.value; localStorage.setItem(KEY, JSON.stringify(saved)); });
  });
  if (saved.client_key) form.elements.client_key.value = saved.client_key;
  saved.client_key = form.elements.client_key.value;
  localStorage.setItem(KEY, JSON.stringify(saved));
})();

// The print button of the offline call list.
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
