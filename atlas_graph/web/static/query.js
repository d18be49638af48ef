/* The SPARQL editor page (templates/query.html).
 * Input: the page's #named-queries and #query-texts JSON, the /sparql endpoint (SPARQL 1.1
 * Protocol) and /api/queries/NAME (named queries with parameters).
 * Output: CodeMirror on #sparql-editor, results as a table in #results (data-rows = row count),
 * download links; window.atlasQuery = {editor, run, runNamed} for tests. No external resource. */
(function () {
  "use strict";
  var queries = JSON.parse(document.getElementById("named-queries").textContent);
  var texts = JSON.parse(document.getElementById("query-texts").textContent);
  var byName = {};
  queries.forEach(function (q) { byName[q.name] = q; });
  var textarea = document.getElementById("sparql-editor");
  var editor = window.CodeMirror ? window.CodeMirror.fromTextArea(textarea, {
    mode: "sparql", lineNumbers: true, indentUnit: 2, viewportMargin: Infinity
  }) : null;
  var results = document.getElementById("results");
  var errorBox = document.getElementById("error");
  var statusBox = document.getElementById("status");
  var downloads = document.getElementById("downloads");
  var base = texts.base || "https://w3id.org/atlas-coop/";

  function text() { return editor ? editor.getValue() : textarea.value; }

  function setStatus(message) { statusBox.textContent = message || ""; }

  function showError(message) {
    results.classList.add("hidden");
    downloads.classList.add("hidden");
    errorBox.textContent = texts.error + " : " + message;
    errorBox.classList.remove("hidden");
    setStatus("");
  }

  function cell(value, isIri) {
    var td = document.createElement("td");
    if (value && (isIri || /^https?:\/\//.test(value)) && value.indexOf(base) === 0) {
      var a = document.createElement("a");
      a.href = "/" + value.slice(base.length);
      a.textContent = value;
      td.appendChild(a);
    } else {
      td.textContent = value === undefined || value === null ? "" : value;
    }
    return td;
  }

  function showTable(columns, rows, truncated) {
    errorBox.classList.add("hidden");
    var table = document.createElement("table");
    table.className = "data";
    table.id = "results-table";
    var head = table.createTHead().insertRow();
    columns.forEach(function (c) {
      var th = document.createElement("th");
      th.textContent = c;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (value) { tr.appendChild(cell(value[0], value[1])); });
    });
    results.innerHTML = "";
    results.appendChild(table);
    results.setAttribute("data-rows", String(rows.length));
    results.classList.remove("hidden");
    setStatus(texts.rows.replace("{n}", rows.length) + (truncated ? " — " + texts.truncated : ""));
  }

  function showText(body) {
    errorBox.classList.add("hidden");
    var pre = document.createElement("pre");
    pre.textContent = body;
    results.innerHTML = "";
    results.appendChild(pre);
    results.setAttribute("data-rows", "0");
    results.classList.remove("hidden");
    setStatus("");
  }

  function errorText(response) {
    return response.text().then(function (body) {
      try { return JSON.parse(body).message || body; } catch (e) { return body; }
    });
  }

  function sparqlRequest(query, accept) {
    return fetch("/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
      body: new URLSearchParams({query: query}).toString()
    });
  }

  function sparqlDownloads() {
    downloads.querySelectorAll("a").forEach(function (a) {
      a.href = "#";
      a.removeAttribute("download");
      a.onclick = function (event) {
        event.preventDefault();
        sparqlRequest(text(), a.getAttribute("data-format")).then(function (response) {
          if (!response.ok) { return errorText(response).then(showError); }
          return response.blob().then(function (blob) {
            var link = document.createElement("a");
            link.href = URL.createObjectURL(blob);
            link.download = "results." + a.getAttribute("data-ext");
            document.body.appendChild(link);
            link.click();
            setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
          });
        });
      };
    });
    downloads.classList.remove("hidden");
  }

  function run() {
    setStatus(texts.running);
    var accept = "application/sparql-results+json, text/turtle;q=0.9";
    return sparqlRequest(text(), accept).then(function (response) {
      if (!response.ok) { return errorText(response).then(showError); }
      var type = response.headers.get("Content-Type") || "";
      var truncated = response.headers.get("X-Atlas-Truncated") === "true";
      if (type.indexOf("json") < 0) { return response.text().then(showText); }
      return response.json().then(function (data) {
        if (typeof data.boolean === "boolean") {
          showTable(["boolean"], [[[String(data.boolean), false]]], false);
        } else {
          var vars = data.head.vars || [];
          var rows = data.results.bindings.map(function (b) {
            return vars.map(function (v) { return b[v] ? [b[v].value, b[v].type === "uri"] : [""]; });
          });
          showTable(vars, rows, truncated);
        }
        sparqlDownloads();
      });
    }).catch(function (e) { showError(String(e)); });
  }

  function runNamed(form) {
    setStatus(texts.running);
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    var query = params.toString();
    var url = form.getAttribute("action");
    return fetch(url + (query ? "?" + query : ""), {headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { return errorText(response).then(showError); }
        return response.json().then(function (data) {
          var rows = data.rows.map(function (r) {
            return data.columns.map(function (c) { return [r[c], false]; });
          });
          showTable(data.columns, rows, false);
          downloads.querySelectorAll("a").forEach(function (a) {
            var ext = a.getAttribute("data-ext");
            a.onclick = null;
            if (ext === "xml") { a.classList.add("hidden"); return; }
            a.href = url + "." + ext + (query ? "?" + query : "");
            a.setAttribute("download", form.getAttribute("data-name") + "." + ext);
          });
          downloads.classList.remove("hidden");
        });
      }).catch(function (e) { showError(String(e)); });
  }

  function select(item) {
    var q = byName[item.getAttribute("data-name")];
    document.querySelectorAll("#examples li").forEach(function (li) {
      li.classList.toggle("selected", li === item);
      var form = li.querySelector("form.params");
      if (form && li !== item && byName[li.getAttribute("data-name")].parameters.length) {
        form.classList.add("hidden");
      }
    });
    if (editor) { editor.setValue(q.sparql); } else { textarea.value = q.sparql; }
    var form = item.querySelector("form.params");
    if (form) { form.classList.remove("hidden"); }
  }

  document.querySelectorAll("#examples li").forEach(function (item) {
    item.querySelector("button.load").addEventListener("click", function () { select(item); });
    var form = item.querySelector("form.params");
    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); runNamed(form); });
    }
  });
  document.getElementById("sparql-form").addEventListener("submit", function (event) {
    event.preventDefault();
    downloads.querySelectorAll("a").forEach(function (a) { a.classList.remove("hidden"); });
    run();
  });
  window.atlasQuery = {editor: editor, run: run, runNamed: runNamed, select: select};
}());
