// The staff menu: on a wide screen its links fit in the header, so it stands open; on a phone
// it stays shut until 菜单 is pressed (a <details>, so it works without this file too).
(function () {
  var menu = document.querySelector("details.menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 900px)");
  function fit() { menu.open = wide.matches; }
  fit();
  wide.addEventListener("change", fit);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
