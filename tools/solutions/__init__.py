"""Reference solutions of the chapters' exercises, one module a chapter.

They are not part of the ``diy_nn`` package: a student who installs ``diy_nn``
(or opens the workbook in Binder or Colab) gets no solution to import. The
answer key the checkers use (``diy_nn/book/answer_key.json``) is computed from
them by ``tools/build_answer_key.py``; the book's website shows the solutions
folded under each exercise.
"""
