// Keyboard shortcuts for the review queue: j/k move between criteria, Enter submits.
// In the note box (or any other text field) j and k are just letters. Nothing takes the focus
// on load: on a phone that would open the keyboard over the plan before it is read; j (or a
// tap) goes to the first score box.
(function () {
  var fields = Array.prototype.slice.call(document.querySelectorAll(".criterion"));
  if (!fields.length) return;
  document.addEventListener("keydown", function (e) {
    var i = fields.indexOf(document.activeElement);
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    var typing = i < 0 && (tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT");
    if ((e.key === "j" || e.key === "k") && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      var next = e.key === "j" ? Math.min(i + 1, fields.length - 1) : Math.max(i - 1, 0);
      fields[i < 0 ? 0 : next].focus();
    }
  });
})();
