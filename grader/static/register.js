// Before a registration the rules will refuse (a promise unticked, education too low), say so
// and ask; the server asks again (accept_ineligible) when this script did not run.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("register-form");
  var accept = document.getElementById("accept_ineligible");
  if (!form || !accept || accept.type !== "hidden") { return; }
  form.addEventListener("submit", function (event) {
    var lines = [];
    var unticked = [];
    form.querySelectorAll("input[type=checkbox][name^=decl_]").forEach(function (box) {
      if (!box.checked) { unticked.push(box.parentNode.textContent.trim()); }
    });
    if (unticked.length) { lines.push(form.dataset.unticked + unticked.join("、")); }
    var education = form.querySelector("select[name=education]");
    var ok = form.dataset.okEducation.split(" ");
    if (education && education.value && ok.indexOf(education.value) < 0) {
      lines.push(form.dataset.lowEducation);
    }
    if (!lines.length) { accept.value = ""; return; }
    var question = form.dataset.warn + "\n· " + lines.join("\n· ") + "\n" + form.dataset.ask;
    if (window.confirm(question)) { accept.value = "y"; } else { event.preventDefault(); }
  });
});
