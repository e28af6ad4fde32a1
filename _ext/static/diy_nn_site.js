/* diy_nn: small fixes for the website, loaded first on every page (_ext/diy_nn_site.py). */

/* 0. The widget manager (embed-amd.js, loaded by require.js) finds its fonts relative to
   the URL require.js gives its module, by default the page's own folder, where they are
   not (404s). Tell require.js where the module lives: the version of _config.yml's
   nb_ipywidgets_js. This file comes before require.js, which reads a global "require"
   object as its configuration. */
(function () {
  var dist = "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.15/dist";
  var paths = {"@jupyter-widgets/html-manager/dist": dist};
  ["base", "controls", "base7", "controls7", "html-manager"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = dist + "/" + name;
  });
  if (typeof window.require === "function" && window.require.config) {
    window.require.config({paths: paths});
  } else if (typeof window.require === "undefined") {
    window.require = {paths: paths};   // read by require.js when it loads
  }
})();

/* 1. The widget manager (@jupyter-widgets/html-manager 1.0) typesets widget labels with
   MathJax 2's API, MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book loads
   MathJax 3, which has no Hub ("Cannot read properties of undefined (reading 'Queue')").
   Give MathJax 3 a Hub whose Queue typesets with MathJax 3. */
(function () {
  var current = window.MathJax;
  function addHub(mj) {
    if (!mj || typeof mj !== "object" || mj.Hub || !mj.version || mj.version[0] !== "3") {
      return;
    }
    mj.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (Array.isArray(job) && job[0] === "Typeset" && mj.typesetPromise) {
            var element = job[2];
            mj.typesetPromise(element ? [element] : undefined).catch(function () {});
          }
        });
      }
    };
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = value; addHub(value); }
  });
  // MathJax 3 sets its version after it replaced the configuration object. By then
  // (deferred scripts run before DOMContentLoaded) a MathJax without a version never
  // loaded: its Hub does nothing, so the widgets still render (the page's raw TeX is
  // the error to see).
  document.addEventListener("DOMContentLoaded", function () {
    addHub(current);
    if (current && typeof current === "object" && !current.version && !current.Hub) {
      current.Hub = {Queue: function () {}};
    }
  });
})();

/* 2. sphinx-book-theme 1.3.0 with pydata-sphinx-theme 0.17.1: each theme binds the
   sidebar toggles with document.querySelector, that is to the first ".primary-toggle"
   (".secondary-toggle") of the page, a button of the hidden pydata navbar. The buttons
   the reader sees did nothing. Forward their clicks to the bound one. */
document.addEventListener("DOMContentLoaded", function () {
  [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
    var buttons = document.querySelectorAll(selector);
    var bound = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    });
  });
});

/* 3. Search results: Sphinx builds each snippet from the page's HTML, where an equation
   is still its TeX source ("\(\partial L / \partial \theta^h\)"), and cuts it at any
   character, so MathJax could not typeset it. Turn the equations of the fetched page
   into readable text (∂L / ∂θ^h) before Sphinx takes its snippet. */
var diyNnTexToText = (function () {
  var symbols = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    zeta: "ζ", eta: "η", theta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ",
    nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ",
    chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ",
    Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", partial: "∂", nabla: "∇",
    times: "×", cdot: "·", leq: "≤", le: "≤", geq: "≥", ge: "≥", neq: "≠", ne: "≠",
    approx: "≈", infty: "∞", sum: "Σ", prod: "Π", in: "∈", to: "→", rightarrow: "→",
    mapsto: "↦", lVert: "‖", rVert: "‖", Vert: "‖", top: "ᵀ", ldots: "…", dots: "…",
    cdots: "⋯", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", pm: "±", odot: "⊙",
    circ: "∘", log: "log", exp: "exp", max: "max", min: "min", tanh: "tanh"
  };
  return function (tex) {
    var s = tex.replace(/\\[()[\]]/g, "").replace(/\$\$/g, "");
    s = s.replace(/\\[,;:!]|\\quad|\\qquad/g, " ").replace(/\\(left|right|big|Big)\b/g, "");
    for (var i = 0; i < 3; i++) {
      s = s.replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
           .replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)")
           .replace(/\\(operatorname|mathbf|mathrm|mathbb|mathcal|text|textrm|boldsymbol|hat|tilde|bar|vec)\s*\{([^{}]*)\}/g, "$2");
    }
    s = s.replace(/\\([A-Za-z]+)/g, function (m, name) {
      return symbols.hasOwnProperty(name) ? symbols[name] : name;
    });
    return s.replace(/[{}]/g, "").replace(/\s+/g, " ");
  };
})();

document.addEventListener("DOMContentLoaded", function () {
  if (typeof Search === "undefined" || !Search.htmlToText) {
    return;
  }
  var htmlToText = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math").forEach(function (el) {
      el.textContent = diyNnTexToText(el.textContent);
    });
    return htmlToText.call(this, doc.documentElement.outerHTML, anchor);
  };
});

/* 4. sphinx-togglebutton opens a collapsed solution when its title is clicked, but
   finds its button only when the click lands on the title itself or the chevron: a
   click on the "Exercise 2.1" link inside "Solution to Exercise 2.1" followed the
   link, left the solution closed and logged "button is not defined". The link goes
   (the exercise is just above); any click in a title opens or closes its box. */
document.addEventListener("click", function (event) {
  var target = event.target;
  var title = target && target.closest &&
    target.closest(".admonition.toggle > .admonition-title");
  if (!title) return;
  var button = title.querySelector(".toggle-button");
  if (!button || target === title || target === button) return;   // the theme's own
  event.preventDefault();
  event.stopPropagation();
  button.click();
}, true);

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".solution > .admonition-title a.reference")
    .forEach(function (link) {
      var span = document.createElement("span");
      while (link.firstChild) span.appendChild(link.firstChild);
      link.parentNode.replaceChild(span, link);
    });
});

/* 5. Wide boxes on a narrow screen. A display equation wider than the column first
   puts its number above it, then shrinks to fit when 3/4 of its size is enough; an
   equation, table or code box that still does not fit scrolls sideways, and a fade
   with an arrow at its edge shows that there is more (a phone shows no scrollbar). */
var diyNnFitWideBoxes = (function () {
  var MIN_SCALE = 0.75;
  var SCROLLERS = [".bd-article mjx-container[display='true']",
                   ".bd-article .pst-scrollable-table-container",
                   ".bd-article div.highlight > pre"].join(", ");

  function overflows(el) {
    return el.scrollWidth > el.clientWidth + 1;
  }

  function fitEquation(mjx) {
    var math = mjx.closest("div.math");
    if (mjx.dataset.diyNnFont === undefined) mjx.dataset.diyNnFont = mjx.style.fontSize;
    mjx.style.fontSize = mjx.dataset.diyNnFont;               // measure at full size
    if (math) math.classList.remove("diy-nn-eqno-above");
    if (!overflows(mjx)) return;
    if (math && math.querySelector(".eqno")) {
      math.classList.add("diy-nn-eqno-above");
      if (!overflows(mjx)) return;
    }
    var scale = mjx.clientWidth / mjx.scrollWidth;
    if (scale >= MIN_SCALE) {
      var size = parseFloat(getComputedStyle(mjx).fontSize);
      mjx.style.fontSize = (size * scale * 0.99) + "px";
    }
  }

  function frame(el) {
    var parent = el.parentElement;
    if (parent && parent.classList.contains("diy-nn-scroll-frame")) return parent;
    var wrapper = document.createElement("div");
    wrapper.className = "diy-nn-scroll-frame";
    parent.insertBefore(wrapper, el);
    wrapper.appendChild(el);
    el.addEventListener("scroll", function () { mark(el, wrapper); }, {passive: true});
    return wrapper;
  }

  function mark(el, wrapper) {
    var more = overflows(el);
    var left = more && el.scrollLeft > 1;
    var right = more && el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    wrapper.classList.toggle("diy-nn-more-left", left);
    wrapper.classList.toggle("diy-nn-more-right", right);
    el.classList.toggle("diy-nn-scrolls", more);
    if (more && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");          // a keyboard can scroll it too
      el.dataset.diyNnTabindex = "1";
    } else if (!more && el.dataset.diyNnTabindex) {
      el.removeAttribute("tabindex");
      delete el.dataset.diyNnTabindex;
    }
  }

  function fit() {
    document.querySelectorAll(".bd-article mjx-container[display='true']")
      .forEach(fitEquation);
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      if (overflows(el) || (el.parentElement &&
                            el.parentElement.classList.contains("diy-nn-scroll-frame"))) {
        mark(el, frame(el));
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { pending = null; fit(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    var typeset = mj && mj.startup && mj.startup.promise ? mj.startup.promise
                                                         : Promise.resolve();
    typeset.then(function () {
      fit();
      if (document.fonts && document.fonts.ready) document.fonts.ready.then(later);
    });
    window.addEventListener("resize", later);
  });
  return fit;
})();

/* 6. Widgets (diy_nn.book.widgets.static_interact), for a screen reader: a slider over
   the grid values announced its index ("3"), not its value; it now says its label and
   the value its readout shows. */
(function () {
  function describe(root) {
    root.querySelectorAll(".jupyter-widgets .noUi-handle").forEach(function (handle) {
      var box = handle.closest(".widget-inline-hbox, .widget-hslider, .widget-slider");
      if (!box) return;
      var label = box.querySelector(".widget-label");
      var readout = box.querySelector(".widget-readout");
      if (label && label.textContent.trim() && !handle.hasAttribute("aria-label")) {
        handle.setAttribute("aria-label", label.textContent.trim());
      }
      if (readout && readout.textContent.trim() &&
          handle.getAttribute("aria-valuetext") !== readout.textContent.trim()) {
        handle.setAttribute("aria-valuetext", readout.textContent.trim());
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var article = document.querySelector(".bd-article");
    if (!article || !window.MutationObserver) return;
    var queued = false;
    new MutationObserver(function () {
      if (queued) return;
      queued = true;
      setTimeout(function () { queued = false; describe(article); }, 0);
    }).observe(article, {subtree: true, childList: true, characterData: true,
                         attributes: true, attributeFilter: ["aria-valuenow"]});
    describe(article);
  });
})();
