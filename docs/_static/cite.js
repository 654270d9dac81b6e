/* "Cite this section" (docs/_ext/book/citing/citebox.py), loaded when a reader first
   opens a control: fetches every citation format of the page's sections
   (_static/cite/<page>.js), shows each with a copy button, and puts a
   citation's text on the clipboard when its button is pressed. */
(function () {
  /* A CSL citation's HTML (docs/_ext/book/notes/cslrender.py, safe_html) built
     as DOM nodes, never parsed as HTML: the tags a CSL processor writes (i, b,
     sup, sub, small capitals) become elements, everything else is text. */
  var TAGS = { "<i>": "i", "<b>": "b", "<sup>": "sup", "<sub>": "sub",
               '<span style="font-variant:small-caps;">': "span" };
  var ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
  function appendCitation(parent, html) {
    var stack = [parent];
    html.split(/(<[^<>]*>)/).forEach(function (piece) {
      if (!piece) return;
      var top = stack[stack.length - 1];
      if (Object.prototype.hasOwnProperty.call(TAGS, piece)) {
        var element = document.createElement(TAGS[piece]);
        if (TAGS[piece] === "span") element.style.fontVariant = "small-caps";
        top.appendChild(element);
        stack.push(element);
      } else if (stack.length > 1 && piece === "</" + top.tagName.toLowerCase() + ">") {
        stack.pop();
      } else {
        top.appendChild(document.createTextNode(piece.replace(/&(?:lt|gt|amp|quot|#x27|#39);/g,
          function (entity) { return ENTITIES[entity]; })));
      }
    });
  }
  function render(details) {
    var page = window.bookCitations && window.bookCitations[details.getAttribute("data-page")];
    var formats = page && page[details.getAttribute("data-label")];
    var box = details.querySelector(".cite-formats");
    if (!formats || box.getAttribute("data-complete")) return;
    box.textContent = "";
    formats.forEach(function (format) {
      var id = "cite-" + details.getAttribute("data-label") + "-" + format[0];
      var row = document.createElement("div");
      row.className = "cite-format";
      row.setAttribute("data-format", format[0]);
      var head = document.createElement("div");
      head.className = "cite-format-head";
      var name = document.createElement("span");
      name.className = "cite-format-name";
      name.textContent = format[1];
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cite-copy";
      button.setAttribute("data-copy", id);
      button.setAttribute("aria-label", "Copy the " + format[1] + " citation");
      button.textContent = "Copy";
      head.appendChild(name);
      head.appendChild(button);
      var body = document.createElement(format[3] ? "pre" : "p");
      body.className = format[3] ? "cite-code" : "cite-text";
      body.id = id;
      if (format[3]) { body.textContent = format[2]; } else { appendCitation(body, format[2]); }
      row.appendChild(head);
      row.appendChild(body);
      box.appendChild(row);
    });
    box.setAttribute("data-complete", "1");
  }
  function renderOpen() {
    document.querySelectorAll("details.cite-this[open]").forEach(render);
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.cite-this") && event.target.open) renderOpen();
  }, true);
  var first = document.querySelector("details.cite-this");
  var data = document.createElement("script");
  data.src = first.getAttribute("data-src");
  data.onload = renderOpen;
  document.head.appendChild(data);
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".cite-copy");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    var text = source.innerText.trim();
    function done() {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
})();
