"""The book's machinery: what the chapters, Binder and Colab import beside the library.

Nothing in the library (``diy_nn``) imports this package. Its modules bring
their own dependencies (matplotlib, ipywidgets, IPython), each imported by the
module that needs it:

- ``plot``: the book's figure style and plots (matplotlib, scikit-learn);
- ``figcheck``: the check that a figure's titles do not overlap (matplotlib);
- ``widgets``: widgets that still answer on the static website (ipywidgets);
- ``quiz``: self-check questions that need no kernel (their script: quiz.js);
- ``tex``: the book's small TeX as Unicode text or HTML, where no MathJax runs;
- ``alttext``: alt text for the stored figures, from their titles and labels;
- ``exercises``: the instant checkers of the exercises;
- ``answers``: ``check_answer`` and the answer key it reads (``answer_key.json``,
  data: the reference solutions themselves are not in the package);
- ``workbook``, ``workbook_checks``: the runtime of the student workbook
  (``make workbook``) and how it checks each module the student writes.
"""
