/* opco-dossier: inline errors and the live OPCO for the contact form.
 * Served twice: /static/form.js (our form page, long cache, versioned URL) and /embed.js (the
 * website's snippet, short cache). It enhances every <form data-opco-dossier>; without it the
 * form still posts and the server answers with pages. */
(function () {
  "use strict";
  var script = document.currentScript;
  var api = script && script.src ? new URL(script.src, location.href).origin : "";
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

  function hidden(form, name, value) {
    var input = form.elements[name];
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    if (!input.value && value) { input.value = value; }
    return input;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function fieldOf(form, name) {
    var el = form.elements[name];
    return el && el.length !== undefined && !el.tagName ? el[0] : el;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (p) { p.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
      var hint = document.getElementById(el.id + "-hint");
      if (hint) { el.setAttribute("aria-describedby", hint.id); } else { el.removeAttribute("aria-describedby"); }
    });
  }

  function summaryOf(form) {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      summary = document.createElement("div");
      summary.id = "error-summary";
      summary.className = "summary";
      summary.setAttribute("role", "alert");
      summary.tabIndex = -1;
      form.parentNode.insertBefore(summary, form);
    }
    return summary;
  }

  function showErrors(form, errors) {
    clearErrors(form);
    var summary = summaryOf(form);
    summary.textContent = "";
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "Le formulaire contient " + errors.length + " erreur" + (errors.length > 1 ? "s" : "") + " :";
    title.appendChild(strong);
    var list = document.createElement("ul");
    errors.forEach(function (err) {
      var el = fieldOf(form, err.field);
      var item = document.createElement("li");
      if (el && el.id) {
        var p = document.createElement("p");
        p.className = "error";
        p.id = el.id + "-error";
        p.setAttribute("data-js", "");
        p.textContent = err.message;
        var anchor = el.closest("label.check") || el;
        anchor.parentNode.insertBefore(p, anchor.nextSibling);
        el.setAttribute("aria-invalid", "true");
        var hint = document.getElementById(el.id + "-hint");
        el.setAttribute("aria-describedby", p.id + (hint ? " " + hint.id : ""));
        var link = document.createElement("a");
        link.href = "#" + el.id;
        link.textContent = err.message;
        item.appendChild(link);
      } else {
        item.textContent = err.message;
      }
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  function liveOpco(form) {
    var input = form.elements.idcc;
    var box = form.querySelector("[data-opco-live]");
    if (!input || !box) { return; }
    var timer = null;
    var asked = "";
    function show(text) { box.textContent = text; box.hidden = !text; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var idcc = input.value.trim();
        if (idcc === asked) { return; }
        asked = idcc;
        if (!/\d/.test(idcc)) { show(""); return; }
        fetch(api + "/opco?idcc=" + encodeURIComponent(idcc), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (body) {
            if (asked !== idcc) { return; }
            if (body.errors) { show(body.errors[0].message); }
            else if (body.opco) { show("Votre OPCO : " + body.opco.name + ". " + (body.explanation || "")); }
            else { show(body.explanation || "OPCO non identifié : un consultant le vérifiera."); }
          })
          .catch(function () { show(""); });
      }, 300);
    });
  }

  function enhance(form) {
    var base = form.getAttribute("data-api") || api;
    var key = newKey();
    hidden(form, "page_url", document.referrer && form.id === "lead-form" ? document.referrer : location.href);
    var query = new URLSearchParams(location.search);
    UTM.forEach(function (name) { if (query.get(name)) { hidden(form, name, query.get(name)); } });
    var token = hidden(form, "form_token", "");
    if (!token.value) {
      fetch(base + "/form-token").then(function (r) { return r.json(); })
        .then(function (body) { token.value = body.form_token; }).catch(function () {});
    }
    liveOpco(form);
    window.addEventListener("pageshow", function (e) { if (e.persisted) { key = newKey(); } });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = true; }
      fetch(base + "/leads", {
        method: "POST", body: new URLSearchParams(new FormData(form)),
        headers: {"Accept": "application/json", "Idempotency-Key": key}
      }).then(function (r) {
        return r.json().then(function (body) { return {status: r.status, body: body}; });
      }).then(function (res) {
        if (res.status < 300) {
          key = newKey();  // a later, different request from this page (back button) is not a replay
          var opco = (res.body.opco || {}).code, start = (form.elements.start_date || {}).value;
          var query = [opco ? "opco=" + encodeURIComponent(opco) : "", start ? "debut=" + encodeURIComponent(start) : ""];
          query = query.filter(Boolean).join("&");
          location.assign((form.getAttribute("data-thanks") || base + "/merci") + (query ? "?" + query : ""));
          return;
        }
        showErrors(form, res.body.errors || [{field: "_requete", message: "Envoi impossible, réessayez."}]);
        if (button) { button.disabled = false; }
      }).catch(function () {
        showErrors(form, [{field: "_requete", message: "Connexion impossible : vérifiez votre réseau et réessayez."}]);
        if (button) { button.disabled = false; }
      });
    });
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll("form[data-opco-dossier]"), enhance); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
