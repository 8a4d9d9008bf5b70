// The home page's query editor where YASGUI is installed (static/yasgui/, from npm at set-up): YASGUI
// pointed at this server's /sparql, the canned queries as examples, completion from this release's prefixes
// and ontology. Nothing is fetched from another host: no endpoint list, no CORS proxy, no prefix.cc or LOV
// look-ups. Without JavaScript the plain form beneath it still posts to /sparql.
(() => {
  "use strict";
  const root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return; // the form stays, as without JavaScript
  const { Yasqe, Yasr } = Yasgui;
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const examples = JSON.parse(document.getElementById("example-queries").textContent);
  const select = document.getElementById("examples");
  const endpoint = new URL("/sparql", window.location.href).href;

  const element = (tag, textContent, className) => {
    const node = document.createElement(tag);
    if (textContent !== undefined) node.textContent = textContent;
    if (className) node.className = className;
    return node;
  };
  const html = (text) => element("span", text).innerHTML;

  // Result tables link IRIs as links.js says (this server's own pages here, other web addresses in a new tab,
  // anything else as text), in place of YASR's own links, which point every IRI at itself.
  Yasr.plugins.table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    const iri = binding.value;
    const prefix = Object.entries(prefixes || {}).find(([, ns]) => iri.startsWith(ns));
    const shown = prefix ? `${prefix[0]}:${iri.slice(prefix[1].length)}` : iri;
    const a = window.trialkgLinks.anchor(iri, shown, true);
    const markup = a ? a.outerHTML : html(shown);
    return prefix || this.persistentConfig.compact ? markup : `&lt;${markup}&gt;`;
  };

  // Our errors are {"error": {"status", "title", "detail", "hint"}}: shown as such, not as raw JSON.
  const problem = async (error) => {
    let parsed;
    try {
      parsed = JSON.parse(error.text).error;
    } catch (ignored) {
      return undefined; // not our error shape: YASR shows it its own way
    }
    if (!parsed || !parsed.title) return undefined;
    const box = element("div", undefined, "error");
    box.appendChild(element("strong", `${parsed.title} (HTTP ${parsed.status})`));
    if (parsed.detail) box.appendChild(element("p", parsed.detail));
    if (parsed.hint) box.appendChild(element("p", parsed.hint, "hint"));
    return box;
  };
  Yasr.defaults.errorRenderers = [problem, ...(Yasr.defaults.errorRenderers || [])];

  // Completion from this page alone: the release's prefixes ahead of YASQE's bundled list (ours win a
  // clash of names), the ontology's classes and properties instead of asking Linked Open Vocabularies.
  const ours = Object.entries(config.prefixes).map(([name, ns]) => `${name}: <${ns}>`);
  const bundled = Yasqe.Autocompleters.prefixes.get;
  const complete = (name, get) =>
    Yasqe.registerAutocompleter({ ...Yasqe.Autocompleters[name], get, bulk: true, persistenceId: null });
  complete("prefixes", (yasqe) =>
    bundled(yasqe).then((all) => [...ours, ...all.filter((p) => !(p.split(":")[0] in config.prefixes))]),
  );
  complete("property", config.terms.properties);
  complete("class", config.terms.classes);

  const endpointInfo = () => {
    const info = element("span", "Queries go to ", "endpoint-info");
    const a = element("a", "/sparql");
    a.href = "/sparql";
    info.appendChild(a);
    return info;
  };

  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [], keys: [] },
    endpointInfo,
    populateFromUrl: false, // links are read below, and the endpoint is always this server's
    autofocus: false,
    persistenceId: "trialkg",
    tabName: "Query",
    yasqe: {
      value: config.start,
      autocompleters: ["prefixes", "variables", "property", "class"],
      editorHeight: "320px",
    },
    yasr: { prefixes: config.prefixes },
  });
  // Tabs kept from an earlier visit query this server, wherever it ran then.
  for (const id of yasgui.persistentConfig.getTabs()) yasgui.getTab(id)?.setRequestConfig({ endpoint });

  const open = (name, query, run) => {
    const tab = yasgui.addTab(true, { name, yasqe: { value: query } }, { avoidDuplicateTabs: true });
    if (run) tab.query().catch(() => {}); // a failure is shown in the tab
  };

  // A link with a query opens it in a tab and runs it: YASGUI's own share links (#query=...&tabTitle=...),
  // also when followed from this page, and this server's (/?query=..., as the resource pages make).
  const openShared = () => {
    const shared = new URLSearchParams(window.location.hash.slice(1));
    if (!shared.has("query")) return false;
    open(shared.get("tabTitle") || "Shared query", shared.get("query"), true);
    history.replaceState(null, "", window.location.pathname + window.location.search + "#editor");
    return true;
  };
  const linked = new URLSearchParams(window.location.search);
  if (!openShared() && linked.has("query")) open("Linked query", linked.get("query"), true);
  window.addEventListener("hashchange", openShared);

  select.addEventListener("change", () => {
    const name = select.value;
    if (name) open(select.selectedOptions[0].textContent, examples[name], false);
    select.value = "";
  });
  document.getElementById("query-form").hidden = true;
  document.getElementById("results").hidden = true;
  window.trialkgEditor = yasgui; // for the browser test and the curious
})();
