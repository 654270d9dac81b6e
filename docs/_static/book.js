/* The book's own page script, a file (not inline) so that the site's
   Content-Security-Policy can forbid inline script (docs/_ext/book/web/csp.py).
   page.html loads it, where the inline scripts stood, on a page with a
   "Cite this section" control or a deferred figure. */
(function () {
  /* "Cite this section" (docs/_ext/book/citing/citebox.py): the first time a control is
     opened, load _static/cite.js, which shows every format with its copy button. */
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.cite-this") || !details.open || window.bookCiteLoading) return;
    window.bookCiteLoading = true;
    var script = document.createElement("script");
    script.src = details.getAttribute("data-src").replace(/cite\/[^\/]*$/, "cite.js");
    document.head.appendChild(script);
  }, true);

  /* Drawn figures (docs/_ext/book/web/lazyfigures.py): fetched when within 400 px of
     the window, and all of them before the page is printed. */
  var images = Array.prototype.slice.call(document.querySelectorAll("img[data-src]"));
  if (!images.length) return;
  function show(image) {
    if (image.getAttribute("data-src")) {
      image.src = image.getAttribute("data-src");
      image.removeAttribute("data-src");
    }
  }
  window.addEventListener("beforeprint", function () { images.forEach(show); });
  if (!("IntersectionObserver" in window)) { images.forEach(show); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { show(entry.target); observer.unobserve(entry.target); }
    });
  }, { rootMargin: "400px 0px" });
  images.forEach(function (image) { observer.observe(image); });
})();
