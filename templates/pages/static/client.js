// Copy buttons of the client's page: one per pre-filled field (no inline script: the CSP forbids it).
(function () {
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
  function show(button, ok) {
    button.textContent = ok ? "Copié ✓" : "Sélectionnez le texte";
    setTimeout(function () { button.textContent = "Copier"; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = document.getElementById(button.getAttribute("data-copy")).textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { show(button, true); },
        function () { show(button, fallback(text)); }
      );
    } else {
      show(button, fallback(text));
    }
  });
})();
