#!/usr/bin/env node
// Render CSL-JSON items with citeproc-js (npm "citeproc", the engine Zotero
// uses): the independent processor the tests compare the book's citations to.
//
// Reads one JSON object on standard input:
//   {"locale": "<path to locales-en-US.xml>",
//    "jobs": [{"style": "<path to a .csl file>", "items": [<CSL-JSON item>, ...],
//              "mode": "note" | "bibliography"}, ...]}
// and writes a JSON array with, for each job, one HTML string per item: the
// first-position citation (a footnote, in a note style) or the bibliography
// entry.  Each item is rendered on its own, by a fresh engine.
"use strict";

const fs = require("fs");
const CSL = require("citeproc");

function render(job, localeXml) {
  const styleXml = fs.readFileSync(job.style, "utf8");
  return job.items.map((item) => {
    const sys = {
      retrieveLocale: () => localeXml,
      retrieveItem: (id) => (id === item.id ? item : undefined),
    };
    const engine = new CSL.Engine(sys, styleXml, "en-US", true);
    engine.setOutputFormat("html");
    if (job.mode === "note") {
      return engine.makeCitationCluster([{ id: item.id }]);
    }
    engine.updateItems([item.id]);
    const [, entries] = engine.makeBibliography();
    return entries.join("");
  });
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const localeXml = fs.readFileSync(input.locale, "utf8");
process.stdout.write(JSON.stringify(input.jobs.map((job) => render(job, localeXml))) + "\n");
