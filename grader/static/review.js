// Keyboard shortcuts for the review queue: j/k move between criteria, Enter submits.
(function () {
  var fields = Array.prototype.slice.call(document.querySelectorAll(".criterion"));
  if (!fields.length) return;
  fields[0].focus();
  document.addEventListener("keydown", function (e) {
    var i = fields.indexOf(document.activeElement);
    if (e.key === "j" || e.key === "k") {
      e.preventDefault();
      var next = e.key === "j" ? Math.min(i + 1, fields.length - 1) : Math.max(i - 1, 0);
      fields[i < 0 ? 0 : next].focus();
    }
  });
})();
