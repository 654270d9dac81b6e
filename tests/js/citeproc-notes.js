#!/usr/bin/env node
// Render a chapter's notes with citeproc-js (npm "citeproc", Zotero's engine),
// with CSL positions: the independent processor tests/test_notes.py compares
// the book's notes to.
//
// Reads one JSON object on standard input:
//   {"style": "<path to a .csl file>", "locale": "<path to locales-en-US.xml>",
//    "chapters": [{"items": [<CSL-JSON item>, ...],
//                  "notes": [[{"id": key, "label": "page", "locator": "12"}, ...], ...]}, ...]}
// and writes a JSON array with, for each chapter, one HTML string per note, in
// order.  Each chapter is rendered by a fresh engine, so positions restart.
"use strict";

const fs = require("fs");
const CSL = require("citeproc");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const styleXml = fs.readFileSync(input.style, "utf8");
const localeXml = fs.readFileSync(input.locale, "utf8");

const out = input.chapters.map((chapter) => {
  const items = Object.fromEntries(chapter.items.map((item) => [item.id, item]));
  const sys = { retrieveLocale: () => localeXml, retrieveItem: (id) => items[id] };
  const engine = new CSL.Engine(sys, styleXml, "en-US", true);
  engine.setOutputFormat("html");
  const before = [];
  const notes = {};
  chapter.notes.forEach((cites, index) => {
    const id = "note-" + (index + 1);
    const citation = { citationID: id, citationItems: cites, properties: { noteIndex: index + 1 } };
    // The engine returns this note and any earlier one it renders anew.
    const [, rendered] = engine.processCitationCluster(citation, before, []);
    for (const [, html, citationID] of rendered) notes[citationID] = html;
    before.push([id, index + 1]);
  });
  return chapter.notes.map((_cites, index) => notes["note-" + (index + 1)]);
});
process.stdout.write(JSON.stringify(out) + "\n");
