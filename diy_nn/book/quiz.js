/* diy_nn.book.quiz: draws one self-check and makes it answer, in the page where the
   output runs (the website, JupyterLab, Notebook 7, the classic notebook, Colab).
   Called by the output's script as (id, html, css, script element, Jupyter's element). */
function (quizId, body, css, script, jupyterElement) {
  "use strict";

  /* Where to draw: beside the <script> on the website; in the output area that
     Jupyter hands the script (a node, or a jQuery object in the classic notebook);
     else in the page's body (Colab draws each output in a page of its own). */
  var host = null, before = null;
  if (script && script.parentNode && script.textContent.indexOf(quizId) >= 0) {
    host = script.parentNode;
    before = script;
  } else if (jupyterElement) {
    host = jupyterElement.jquery ? jupyterElement[0] : jupyterElement;
  } else {
    host = document.body;
  }
  var old = host.querySelector('.diy-nn-quiz[data-quiz="' + quizId + '"]');
  if (old) old.parentNode.removeChild(old);      // drawn again (a re-render)

  if (!document.getElementById("diy-nn-quiz-style")) {
    var style = document.createElement("style");
    style.id = "diy-nn-quiz-style";
    style.textContent = css;
    (document.head || document.documentElement).appendChild(style);
  }
  var holder = document.createElement("div");
  holder.innerHTML = body;
  var quiz = holder.firstElementChild;
  host.insertBefore(quiz, before);

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }
  function show(element, shown) {
    if (shown) element.removeAttribute("hidden");
    else element.setAttribute("hidden", "");
  }

  /* A choice: a click shows the answer's own feedback under it. One right answer:
     the previous feedback closes. Several: each stays, and the count of right
     answers found is given. */
  all(quiz, '.diy-nn-quiz-question[data-kind="choice"], ' +
            '.diy-nn-quiz-question[data-kind="many"]').forEach(function (question) {
    var many = question.getAttribute("data-kind") === "many";
    var buttons = all(question, ".diy-nn-quiz-answer");
    var status = question.querySelector(".diy-nn-quiz-status");
    var rightCount = buttons.filter(function (b) {
      return b.getAttribute("data-correct") === "true";
    }).length;
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var right = button.getAttribute("data-correct") === "true";
        if (!many) {
          buttons.forEach(function (other) {
            other.removeAttribute("data-state");
            other.setAttribute("aria-pressed", "false");
            show(other.nextElementSibling, false);
          });
        }
        button.setAttribute("data-state", right ? "right" : "wrong");
        button.setAttribute("aria-pressed", "true");
        show(button.nextElementSibling, true);
        if (many) {
          var found = buttons.filter(function (b) {
            return b.getAttribute("data-state") === "right";
          }).length;
          status.textContent = "Right answers found: " +
            found + " of " + rightCount + (found === rightCount ? ": all of them." : ".");
        } else {
          status.textContent = right ? "Right." : "Not quite: try another answer.";
        }
      });
    });
  });

  /* A number: Enter or the Check button shows the feedback of the first match,
     the right value, a listed mistake, or the hint. */
  function parse(text) {
    var s = String(text).trim().replace(/[\s\u00a0\u2009\u202f_]/g, "")
      .replace(/[\u2212\u2013]/g, "-");
    if (/^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    else if (/^[-+]?\d*,\d+$/.test(s)) s = s.replace(",", ".");
    var num = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)";
    var m = s.match(new RegExp("^" + num + "(?:/" + num + ")?$", "i"));
    if (!m) return NaN;
    var x = Number(m[1]);
    if (m[2] !== undefined) x = x / Number(m[2]);
    return isFinite(x) ? x : NaN;
  }
  function near(x, value, tolerance) {      // as diy_nn.book.quiz._near
    return Math.abs(x - value) <= tolerance + 1e-9 * Math.max(1, Math.abs(value));
  }
  all(quiz, '.diy-nn-quiz-question[data-kind="number"]').forEach(function (question) {
    var input = question.querySelector(".diy-nn-quiz-input");
    var value = Number(input.getAttribute("data-value"));
    var tolerance = Number(input.getAttribute("data-tolerance"));
    var feedbacks = all(question, ".diy-nn-quiz-feedback");
    function verdict(name, match) {
      return feedbacks.filter(function (f) {
        return f.getAttribute("data-verdict") === name && (!match || match(f));
      })[0];
    }
    function check() {
      var x = parse(input.value);
      var chosen;
      if (isNaN(x)) chosen = verdict("invalid");
      else if (near(x, value, tolerance)) chosen = verdict("right");
      else {
        chosen = verdict("wrong", function (f) {
          return near(x, Number(f.getAttribute("data-value")), tolerance);
        }) || verdict("hint");
      }
      feedbacks.forEach(function (f) { show(f, f === chosen); });
      input.setAttribute("data-state", chosen.getAttribute("data-verdict") === "right"
                                       ? "right" : "wrong");
      input.setAttribute("aria-invalid", chosen === verdict("right") ? "false" : "true");
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        check();
      }
    });
    question.querySelector(".diy-nn-quiz-check").addEventListener("click", check);
  });

  /* Maths: the Unicode form shows at once; where MathJax can typeset (the website,
     once MathJax has started; the classic notebook's MathJax 2) the TeX replaces it.
     JupyterLab's window.MathJax cannot typeset an output: the Unicode form stays. */
  function typesetter() {
    var mj = window.MathJax;
    if (mj && typeof mj.typesetPromise === "function") {
      return function (el) { return mj.typesetPromise([el]); };
    }
    if (mj && mj.Hub && typeof mj.Hub.Queue === "function" &&
        String(mj.version || "").charAt(0) === "2") {
      return function (el) {
        return new Promise(function (done) { mj.Hub.Queue(["Typeset", mj.Hub, el], done); });
      };
    }
    return null;
  }
  function useTex() {
    var typeset = typesetter();
    var spans = all(quiz, ".diy-nn-quiz-math[data-tex]");
    if (!typeset || !spans.length) return;
    var plain = spans.map(function (span) { return span.innerHTML; });
    spans.forEach(function (span) {
      span.textContent = "\\(" + span.getAttribute("data-tex") + "\\)";
    });
    Promise.resolve().then(function () { return typeset(quiz); }).then(function () {
      quiz.setAttribute("data-math", "typeset");
    }, function () {
      spans.forEach(function (span, i) { span.innerHTML = plain[i]; });
      quiz.setAttribute("data-math", "unicode");
    });
  }
  quiz.setAttribute("data-math", "unicode");
  function whenMathJaxIsKnown() {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(useTex, function () {});
    else useTex();
  }
  if (document.readyState === "loading") {
    // The website loads MathJax deferred: it has started by DOMContentLoaded.
    document.addEventListener("DOMContentLoaded", whenMathJaxIsKnown);
  } else {
    whenMathJaxIsKnown();
  }
}
