// The home page's plain query editor, where YASGUI is not installed (yasgui-editor.js): runs the text area's
// query at /sparql and shows the answer as a table; links as links.js says.
// Without JavaScript the form still works: it posts to /sparql, which answers browsers with a page.
(() => {
  "use strict";
  const form = document.getElementById("query-form");
  if (!form) return;
  const text = document.getElementById("query");
  const select = document.getElementById("examples");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const button = document.getElementById("run");
  const examples = JSON.parse(document.getElementById("example-queries").textContent);

  const element = (tag, textContent, className) => {
    const node = document.createElement(tag);
    if (textContent !== undefined) node.textContent = textContent;
    if (className) node.className = className;
    return node;
  };

  const cell = (value) => {
    const td = element("td");
    if (!value) return td;
    if (value.type === "uri") {
      const a = window.trialkgLinks.anchor(value.value, value.value);
      if (a) td.appendChild(a);
      else td.textContent = value.value; // not a web address (javascript:, urn:): text, never a link
    } else if (value.type === "literal") {
      td.appendChild(element("span", value.value, "lit"));
      if (value["xml:lang"]) td.append(" ", element("small", "@" + value["xml:lang"], "lang"));
    } else {
      td.textContent = "_:" + value.value;
    }
    return td;
  };

  const table = (data) => {
    const t = element("table", undefined, "results");
    const head = t.createTHead().insertRow();
    for (const name of data.head.vars) head.appendChild(element("th", name));
    const body = t.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.appendChild(cell(binding[name]));
    }
    return t;
  };

  const showError = (problem, code) => {
    const box = element("div", undefined, "error");
    box.appendChild(element("strong", `${problem.title || "Error"} (HTTP ${code})`));
    if (problem.detail) box.appendChild(element("p", problem.detail));
    if (problem.hint) box.appendChild(element("p", problem.hint, "hint"));
    results.appendChild(box);
  };

  const run = async (event) => {
    event.preventDefault();
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
    button.disabled = true;
    status.textContent = "Running…";
    results.replaceChildren();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: text.value }),
      });
      const type = response.headers.get("content-type") || "";
      if (!response.ok) {
        let problem = { title: response.statusText };
        try {
          problem = (await response.json()).error;
        } catch (ignored) {
          // not our JSON error shape: keep the status text
        }
        showError(problem, response.status);
        status.textContent = `Failed after ${seconds()} s`;
      } else if (type.startsWith("application/sparql-results+json")) {
        const data = await response.json();
        if ("boolean" in data) {
          results.appendChild(element("p", String(data.boolean), "boolean"));
          status.textContent = `Answered in ${seconds()} s`;
        } else {
          results.appendChild(table(data));
          status.textContent = `${data.results.bindings.length} rows in ${seconds()} s`;
        }
      } else {
        results.appendChild(element("pre", await response.text()));
        status.textContent = `Answered in ${seconds()} s`;
      }
    } catch (error) {
      showError({ title: "The server did not answer", detail: String(error) }, 0);
      status.textContent = "";
    } finally {
      button.disabled = false;
    }
  };

  select.addEventListener("change", () => {
    if (select.value) text.value = examples[select.value];
  });
  form.addEventListener("submit", run);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
})();
