/* Anchors that moved (docs/_ext/book/citing/redirects.py): the page's moved
   anchors are in this script element's data-moved attribute, as JSON
   ({"old-label": "page.html#new-label"}); a reader who arrives at one is sent
   on.  A file, not inline: the site's Content-Security-Policy forbids inline
   script.  Only a relative "page.html#label" is followed (the build refuses
   anything else in anchors.json). */
(function () {
  var script = document.currentScript;
  var moved;
  try { moved = JSON.parse(script.getAttribute("data-moved") || "{}"); } catch (e) { return; }
  var anchor = location.hash.slice(1);
  if (!Object.prototype.hasOwnProperty.call(moved, anchor)) return;
  var to = moved[anchor];
  if (typeof to === "string" && /^[A-Za-z0-9][\w-]*(\/[A-Za-z0-9][\w-]*)*\.html#[A-Za-z0-9][\w.-]*$/.test(to)) {
    location.replace(to);
  }
})();
