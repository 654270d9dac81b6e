// What an archived edition's pages say of the site around them: that a newer
// edition exists, and, under each section's heading, where that section is in
// the latest and what changed in it since.  The pages were written once, when
// their edition was cut (scripts/edition_archive.py): this script, loaded from
// the site's root, reads window.BOOK_EDITIONS (written above it by the latest's
// build) and fills the places the pages left for it.  It writes text and
// links only (textContent, never HTML), and only to pages of this site.
(function () {
  "use strict";
  var data = window.BOOK_EDITIONS;
  var banner = document.querySelector("aside.book-edition[data-edition]");
  if (!data || !banner) {
    return;
  }
  var version = banner.getAttribute("data-edition");
  var latest = data.latest;
  if (!latest.draft && latest.version === version) {
    return; // the newest edition: nothing newer to point to
  }
  var up = "../";

  function link(href, text) {
    var a = document.createElement("a");
    a.setAttribute("href", up + href);
    a.textContent = text;
    return a;
  }

  var places = document.querySelectorAll("p.book-edition-section[data-label]");
  var page = window.location.pathname.split("/").pop() || "index.html";
  var target = null;
  for (var i = 0; i < places.length && target === null; i += 1) {
    var found = data.places[places[i].getAttribute("data-label")];
    if (found) {
      target = found.split("#")[0];
    }
  }
  if (target === null) {
    target = data.pages.indexOf(page) >= 0 ? page : "index.html";
  }
  var line = document.createElement("p");
  line.appendChild(document.createTextNode(latest.draft ? "The text has changed since: " : "A newer edition exists: "));
  line.appendChild(link(target, latest.draft ? "this page in the latest working draft"
    : "this page in the latest edition, version " + latest.version));
  line.appendChild(document.createTextNode("."));
  banner.insertBefore(line, banner.children[1] || null);
  var later = [];
  for (var n = 0; n < data.editions.length; n += 1) {
    if (data.editions[n].version === version) {
      later = data.editions.slice(n + 1);
    }
  }
  if (later.length) {
    var list = document.createElement("p");
    list.appendChild(document.createTextNode("Later editions: "));
    for (var m = 0; m < later.length; m += 1) {
      if (m > 0) {
        list.appendChild(document.createTextNode(" · "));
      }
      list.appendChild(link(later[m].version + "/index.html", later[m].version));
    }
    list.appendChild(document.createTextNode("."));
    banner.insertBefore(list, line.nextSibling);
  }

  var pair = version + "-" + latest.slug;
  var compared = data.changes.indexOf(pair) >= 0;
  for (var j = 0; j < places.length; j += 1) {
    var label = places[j].getAttribute("data-label");
    var place = data.places[label];
    var links = [];
    if (place) {
      links.push(link(place, latest.draft ? "This section in the working draft" : "This section in the latest edition"));
    }
    if (compared) {
      links.push(link("changes/" + pair + ".html#" + label, "what changed in it since"));
    }
    for (var k = 0; k < links.length; k += 1) {
      if (k > 0) {
        places[j].appendChild(document.createTextNode(" · "));
      }
      places[j].appendChild(links[k]);
    }
    if (links.length) {
      places[j].hidden = false;
    }
  }
}());
