"""What a reader meets on a chapter page, checked in the browser (site_check.py runs
these on every page; each returns a list of problems, empty when all is well):

- every self-check (diy_nn.book.quiz) accepts its own right answers and rejects a
  listed wrong one with that wrong answer's feedback; a question with several right
  answers says "Select all that apply"; its controls are reached with Tab and
  answered with Enter;
- clicking a solution's title (its "Exercise 2.1" link too) opens that solution;
- no stored output prints an object's repr (``<Axes: >``), a failed exercise check
  or a self-check of the old kind (jupyterquiz's, stale);
- at 390 px, a display equation or table wider than its box shows a scroll cue;
- no image has a file path (or nothing) for alt text;
- a widget's slider tells a screen reader the value its readout shows.
"""

QUIZ_ANSWERS_JS = r"""() => {
  const problems = [];
  const shown = el => el && !el.hasAttribute('hidden') && el.offsetParent !== null;
  const text = el => el ? el.innerText.trim().replace(/\s+/g, ' ').slice(0, 60) : '';
  document.querySelectorAll('.bd-article .diy-nn-quiz').forEach((quiz, qn) => {
    const where = `self-check ${qn + 1}`;
    const questions = quiz.querySelectorAll('.diy-nn-quiz-question');
    if (!questions.length) problems.push(`${where} shows no question`);
    questions.forEach(question => {
      const at = `${where}, question ${question.dataset.question}`;
      if (question.dataset.kind === 'number') {
        const input = question.querySelector('.diy-nn-quiz-input');
        const answer = value => {
          input.value = value;
          input.dispatchEvent(new KeyboardEvent('keydown',
                             {key: 'Enter', bubbles: true}));
          return Array.from(question.querySelectorAll('.diy-nn-quiz-feedback'))
            .filter(shown);
        };
        const got = answer(input.dataset.value);
        if (got.length !== 1 || got[0].dataset.verdict !== 'right') {
          problems.push(`${at}: its own answer ${input.dataset.value} is not ` +
                 `accepted (it says "${got.map(text).join(' | ')}")`);
        }
        question.querySelectorAll('.diy-nn-quiz-feedback[data-verdict="wrong"]')
          .forEach(feedback => {
            const said = answer(feedback.dataset.value);
            if (said.length !== 1 || said[0] !== feedback) {
              problems.push(`${at}: the listed wrong answer ` +
                `${feedback.dataset.value} does not get its feedback ` +
                `("${text(feedback)}"); it says "${said.map(text).join(' | ')}"`);
            }
          });
        return;
      }
      const buttons = Array.from(question.querySelectorAll('.diy-nn-quiz-answer'));
      const rights = buttons.filter(b => b.dataset.correct === 'true');
      const wrongs = buttons.filter(b => b.dataset.correct !== 'true');
      if (!rights.length) problems.push(`${at}: no answer is right`);
      if (rights.length > 1 && !/select all that apply/i.test(question.innerText)) {
        problems.push(`${at}: ${rights.length} answers are right, and the ` +
               `question does not say "Select all that apply"`);
      }
      wrongs.slice(0, 1).concat(rights).forEach(button => {
        button.click();
        const expected = button.dataset.correct === 'true' ? 'right' : 'wrong';
        const feedback = button.nextElementSibling;
        const words = expected === 'right' ? /^Right/ : /^Not quite/;
        if (button.dataset.state !== expected || !shown(feedback) ||
            !words.test(text(feedback))) {
          problems.push(`${at}: clicking the ${expected} answer ` +
            `"${text(button)}" shows it as ${button.dataset.state || 'nothing'}` +
            `, with ${shown(feedback) ? '"' + text(feedback) + '"' : 'no feedback'}`);
        }
      });
    });
  });
  return problems;
}"""


def check_quizzes(page):
    """The answers (one script for all), then the keyboard (real key presses)."""
    problems = page.evaluate(QUIZ_ANSWERS_JS)
    quizzes = page.query_selector_all(".bd-article .diy-nn-quiz")
    for number, quiz in enumerate(quizzes, 1):
        count = quiz.evaluate("""quiz => {
            const controls = Array.from(quiz.querySelectorAll('button, input'))
                .filter(c => c.offsetParent !== null);
            controls.forEach((c, i) => c.dataset.testKey = i);
            quiz.setAttribute('tabindex', '-1');
            quiz.focus();
            return controls.length;
        }""")
        reached = set()
        for _ in range(3 * count + 10):         # MathJax's maths are Tab stops too
            page.keyboard.press("Tab")
            key = page.evaluate("""() => {
                const e = document.activeElement;
                if (!e || !e.closest('.diy-nn-quiz')) return null;
                return e.dataset.testKey || '';
            }""")
            if key is None:                     # Tab left the quiz
                break
            if key:
                reached.add(int(key))
        missed = quiz.evaluate("""(quiz, reached) => {
            quiz.removeAttribute('tabindex');
            return Array.from(quiz.querySelectorAll('[data-test-key]'))
                .filter(c => !reached.includes(Number(c.dataset.testKey)))
                .map(c => c.innerText.trim().slice(0, 40) || c.className);
        }""", sorted(reached))
        if missed:
            problems.append(f"self-check {number}: Tab does not reach {len(missed)} of "
                            f"its {count} controls ({missed[:3]})")
            continue
        answer = quiz.query_selector(".diy-nn-quiz-answer")
        if answer is not None:
            answer.focus()
            page.keyboard.press("Enter")
            if not answer.evaluate("b => b.nextElementSibling && "
                                   "!b.nextElementSibling.hasAttribute('hidden')"):
                problems.append(f"self-check {number}: Enter on an answer shows no "
                                f"feedback")
    return problems


SOLUTIONS_JS = r"""() => {
  // A click where a reader clicks: on the title's text ("Exercise 2.1" is a link).
  const problems = [];
  const start = location.href;
  document.querySelectorAll('.bd-article .solution > .admonition-title')
    .forEach((title, n) => {
      const name = title.innerText.trim().slice(0, 60);
      (title.querySelector('a, span') || title).click();
      if (location.href !== start) {
        problems.push(`solution ${n + 1} ("${name}"): clicking its title goes ` +
               `to ${location.href.split('/').pop()} instead of opening it`);
        history.replaceState(null, '', start);
        return;
      }
      const box = title.parentElement;
      const open = !box.classList.contains('toggle-hidden') &&
        Array.from(box.children).slice(1).some(c => c.offsetHeight > 0);
      if (!open) problems.push(`solution ${n + 1} ("${name}"): clicking its ` +
                  `title does not open it`);
    });
  return problems;
}"""


def check_solutions(page):
    """Click each solution's title where its link is: the solution opens, in place."""
    return page.evaluate(SOLUTIONS_JS)


STORED_OUTPUTS_JS = r"""() => {
  const problems = [];
  const repr = new RegExp('<(Axes|Figure size|matplotlib\\.|IPython\\.core\\.)' +
                          '[^>\\n]{0,40}>?|object at 0x[0-9a-f]+>');
  document.querySelectorAll('.bd-article .cell_output').forEach(output => {
    const m = output.textContent.match(repr);
    if (m) problems.push(`a stored output prints an object's repr: "${m[0]}" ` +
              `(end the cell with ";" or assign the result)`);
  });
  if (document.querySelector('.bd-article div[data-shufflequestions]')) {
    problems.push('a self-check stored by an older diy_nn.book.quiz (jupyterquiz): ' +
                  're-run the chapter (make notebooks)');
  }
  document.querySelectorAll('.bd-article .diy-nn-check').forEach(box => {
    const summary = box.textContent.trim().split('\n')[0].trim();
    if (summary.startsWith('✗')) {
      problems.push(`a stored exercise check failed: "${summary.slice(0, 90)}" ` +
             `(re-run the chapter: make notebooks)`);
    }
  });
  return problems;
}"""

WIDE_BOXES_JS = r"""() => {
  const problems = [];
  const cue = frame => frame && ['::after', '::before'].some(part => {
    const content = getComputedStyle(frame, part).content;
    return content && content !== 'none' && content !== 'normal';
  });
  document.querySelectorAll(
    ".bd-article mjx-container[display='true'], " +
    ".bd-article .pst-scrollable-table-container").forEach(box => {
    if (box.offsetParent === null || box.scrollWidth <= box.clientWidth + 1) return;
    if (!cue(box.closest('.diy-nn-scroll-frame'))) {
      const what = box.matches('mjx-container')
        ? `equation ${(box.closest('div.math') || box).id || ''}`.trim()
        : `table "${box.innerText.trim().slice(0, 30)}"`;
      problems.push(`${what} is cut: ${box.scrollWidth - box.clientWidth} px wider ` +
             `than its box, with no scroll cue`);
    }
  });
  return problems;
}"""

ALT_TEXT_JS = r"""() => Array.from(document.querySelectorAll('.bd-article img'))
  .flatMap(img => {
  const alt = (img.getAttribute('alt') || '').trim();
  const src = (img.getAttribute('src') || '').slice(0, 50);
  if (!alt) return [`an image has no alt text (${src})`];
  if (/(^|\/)_images\/|\.(png|jpe?g|gif|svg|webp)$|^data:/i.test(alt)) {
    return [`an image's alt text is a file path: "${alt.slice(0, 70)}"`];
  }
  return [];
})"""

SLIDERS_JS = r"""() => Array.from(document.querySelectorAll('.bd-article .noUi-handle'))
  .filter(handle => handle.offsetParent !== null).flatMap(handle => {
    const box = handle.closest('.widget-inline-hbox');
    const readout = box && box.querySelector('.widget-readout');
    const shows = readout ? readout.innerText.trim() : '';
    const hears = handle.getAttribute('aria-valuetext') ||
           handle.getAttribute('aria-valuenow');
    return hears === shows ? [] : [`a slider announces "${hears}" to a screen ` +
                   `reader; its readout shows "${shows}"`];
  })"""
