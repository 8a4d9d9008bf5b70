// Links in a query's answer, one rule for both editors (editor.js, yasgui-editor.js): an IRI this server
// describes links to its page here, another web address links to itself, anything else (javascript:, urn:)
// is text, never a link.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("editor-config").textContent);

  // The local page of an IRI this server describes, or null.
  const local = (iri) => {
    for (const ns of config.namespaces) {
      if (iri.startsWith(ns) && iri.length > ns.length) return "/" + iri.slice(ns.length);
    }
    return null;
  };

  // An <a> for `iri` showing `text`, or null when the IRI is not a web address. Links off this server
  // have the class "ext" and, with `newTab`, open in a new tab without a referrer.
  const anchor = (iri, text, newTab = false) => {
    const path = local(iri);
    if (!path && !/^https?:\/\//i.test(iri)) return null;
    const a = document.createElement("a");
    a.textContent = text;
    a.title = iri;
    a.href = path ? encodeURI(path) : iri;
    if (!path) {
      a.className = "ext";
      if (newTab) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
    }
    return a;
  };

  window.trialkgLinks = { local, anchor };
})();
